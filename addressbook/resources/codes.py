"""Codes in spreadsheets, one per row, with their code system (created when a file names a new one)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from addressbook.choices import ImportResource
from addressbook.models import Code, CodeSystem
from addressbook.resources.base import AddressbookResource
from addressbook.resources.widgets import YesNoWidget, column
from addressbook.roles import may_import
from addressbook.services.codesystems import code_save


class CodeResource(AddressbookResource):
    """Codes, one per row, with their code system (created when the file names a new one)."""

    code_system = column("code_system", gettext_lazy("Code system identifier"), attribute="")
    code_system_name = column("code_system_name", gettext_lazy("Code system name"), attribute="")
    code_system_version = column("code_system_version", gettext_lazy("Code system version"), attribute="")
    code = column("code", gettext_lazy("Code"))
    display_name = column("display_name", gettext_lazy("Display name"))
    parent = column("parent", gettext_lazy("Parent code"), attribute="")
    active = column("active", gettext_lazy("Active"), YesNoWidget())

    key_columns = ("code_system", "code")

    def row_key(self, row) -> str:
        # Several versions of a code system may hold the same code: the version is in the key.
        parts = (row.get("code_system", ""), row.get("code_system_version", ""), row.get("code", ""))
        return " / ".join(part for part in parts if part)

    class Meta(AddressbookResource.Meta):
        model = Code
        fields = (
            "code_system",
            "code_system_name",
            "code_system_version",
            "code",
            "display_name",
            "parent",
            "active",
        )

    def dehydrate_code_system(self, code: Code) -> str:
        return code.code_system.identifier

    def dehydrate_code_system_name(self, code: Code) -> str:
        return code.code_system.name

    def dehydrate_code_system_version(self, code: Code) -> str:
        return code.code_system.version

    def dehydrate_parent(self, code: Code) -> str:
        return code.parent.code if code.parent_id else ""

    def _systems(self, row):
        """Code systems are identified by identifier and version (when the file has versions)."""
        systems = CodeSystem.objects.filter(identifier__iexact=row.get("code_system", ""))
        if "code_system_version" in row:
            systems = systems.filter(version=row["code_system_version"])
        return systems

    def find(self, row) -> Code | None:
        return (
            Code.objects.select_related("code_system", "parent")
            .filter(code_system__in=self._systems(row), code__iexact=row.get("code", ""))
            .first()
        )

    def prepare(self, code: Code, row) -> None:
        system = self._systems(row).first()
        if system is None:
            # A new code system, or a new version of one: never a rename of another version.
            system = CodeSystem(
                identifier=row.get("code_system", ""), version=row.get("code_system_version", "")
            )
        system.name = row.get("code_system_name") or system.name
        code.code_system = system
        parent_key = row.get("parent", "")
        code.parent = None
        if parent_key:
            # Also a code made by an earlier row of this file: the import runs in one transaction.
            code.parent = (
                None
                if system._state.adding
                else Code.objects.filter(code_system=system, code__iexact=parent_key).first()
            )
            if code.parent is None:
                self.refuse("parent", _("The code system has no code %(code)s.") % {"code": parent_key})

    def check_access(self, code: Code, row) -> None:
        if not may_import(self.user, ImportResource.CODES):
            self.refuse("code_system", _("Only federation administrators import code systems."))

    def save_record(self, code: Code) -> None:
        code_save(code=code)
