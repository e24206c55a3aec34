"""Function addresses in spreadsheets: their organisation by keys, their codes by value, and sync."""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from addressbook.choices import Status
from addressbook.models import Code, CodeSystem, FunctionAddress, FunctionAddressCode, Organization
from addressbook.resources.base import (
    AddressbookResource,
    DirectoryRecordResource,
    RowOutcome,
    find_organization,
)
from addressbook.resources.widgets import LIST_SEPARATOR, ListWidget, column
from addressbook.roles import check_address_change
from addressbook.services.addresses import function_address_save, function_addresses_deactivate


class FunctionAddressResource(DirectoryRecordResource):
    """Function addresses with their organisation (by keys) and classification codes."""

    identifier = column("identifier", gettext_lazy("Identifier"))
    name = column("name", gettext_lazy("Name"))
    description = column("description", gettext_lazy("Description"))
    keywords = column("keywords", gettext_lazy("Keywords"), ListWidget())
    participant_identifier = column(
        "participant_identifier", gettext_lazy("Participant identifier"), attribute=""
    )
    organization = column("organization", gettext_lazy("Organisation (local identifier)"), attribute="")
    codes = column("codes", gettext_lazy("Codes"), attribute="")

    key_columns = ("identifier",)

    class Meta(AddressbookResource.Meta):
        model = FunctionAddress
        fields = (
            "identifier",
            "name",
            "description",
            "keywords",
            "participant_identifier",
            "organization",
            "codes",
            "status",
            "valid_from",
            "valid_to",
        )

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pending_codes: dict[int, list[Code]] = {}
        self.organizations: dict[tuple[str, str], Organization | None] = {}
        self.ambiguous_codes: set[str] | None = None

    def dehydrate_participant_identifier(self, address: FunctionAddress) -> str:
        return address.organization.participant_identifier if address.organization_id else ""

    def dehydrate_organization(self, address: FunctionAddress) -> str:
        return address.organization.local_identifier if address.organization_id else ""

    def dehydrate_codes(self, address: FunctionAddress) -> str:
        codes = self.pending_codes.get(id(address))
        if codes is None:
            codes = list(address.codes.all()) if not address._state.adding else []
        return f"{LIST_SEPARATOR} ".join(sorted(self._code_reference(code) for code in codes))

    def _code_reference(self, code: Code) -> str:
        """A code's value; with its code system where the value is in several (system#code)."""
        if self.ambiguous_codes is None:
            self.ambiguous_codes = set(
                Code.objects.values(value=Lower("code"))
                .annotate(systems=Count("code_system", distinct=True))
                .filter(systems__gt=1)
                .values_list("value", flat=True)
            )
        if code.code.casefold() not in self.ambiguous_codes:
            return code.code
        system = code.code_system
        versions = CodeSystem.objects.filter(identifier__iexact=system.identifier).count()
        # Several versions of one code system: the version tells them apart (system@version#code).
        return (
            f"{system.identifier}@{system.version}#{code.code}"
            if versions > 1
            else f"{system.identifier}#{code.code}"
        )

    def find(self, row) -> FunctionAddress | None:
        identifier = row.get("identifier", "")
        return FunctionAddress.objects.with_identifier(identifier).first() if identifier else None

    def prepare(self, address: FunctionAddress, row) -> None:
        if "participant_identifier" in row:
            # A file lists many addresses of few organisations: look each up once.
            keys = (row["participant_identifier"].casefold(), row.get("organization", "").casefold())
            if keys not in self.organizations:
                self.organizations[keys] = find_organization(
                    row["participant_identifier"], row.get("organization", "")
                )
            organization = self.organizations[keys]
            if organization is None:
                self.refuse("organization", _("No organisation has this participant and local identifier."))
            address.organization = organization
        if "codes" in row:
            self.pending_codes[id(address)] = self._codes(row["codes"])
        elif address._state.adding:
            self.pending_codes[id(address)] = []  # a new address without a codes column has none

    def _codes(self, cell: str) -> list[Code]:
        codes = []
        for reference in ListWidget().clean(cell):
            system, separator, value = reference.rpartition("#")
            matches = Code.objects.filter(code__iexact=value).select_related("code_system")
            if separator:
                identifier, at, version = system.rpartition("@")
                if at:
                    matches = matches.filter(
                        code_system__identifier__iexact=identifier, code_system__version=version
                    )
                else:
                    matches = matches.filter(code_system__identifier__iexact=system)
            found = list(matches[:2])
            if not found:
                self.refuse("codes", _("There is no code %(code)s.") % {"code": reference})
            if len(found) > 1:
                self.refuse(
                    "codes",
                    _("%(code)s is in several code systems: write it as code-system-identifier#%(code)s.")
                    % {"code": reference},
                )
            codes.append(found[0])
        return codes

    def check_access(self, address: FunctionAddress, row) -> None:
        check_address_change(self.user, before=self.original, after=address)

    def save_record(self, address: FunctionAddress) -> None:
        function_address_save(function_address=address)
        codes = self.pending_codes.get(id(address))
        if codes is None:
            return
        wanted = {code.pk for code in codes}
        existing: set = set()
        if self.original is not None:  # a new address has no classifications to compare with
            address.classifications.exclude(code_id__in=wanted).delete()
            existing = set(address.classifications.values_list("code_id", flat=True))
        FunctionAddressCode.objects.bulk_create(
            FunctionAddressCode(function_address=address, code_id=code_id) for code_id in wanted - existing
        )

    def after_import(self, dataset, result, **kwargs) -> None:
        if not (self.sync and self.organization is not None):
            return
        # Sync: the file is the whole truth for the organisation; what it lacks is deactivated.
        listed = {outcome.key.casefold() for outcome in self.outcomes}
        tree = Organization.objects.filter(pk=self.organization.pk).with_descendants()
        missing = [
            address
            for address in FunctionAddress.objects.filter(
                organization__in=tree, status=Status.ACTIVE
            ).order_by("identifier")
            if address.identifier.casefold() not in listed
        ]
        for address in missing:
            self.outcomes.append(
                RowOutcome(
                    0,
                    "deactivate",
                    address.identifier,
                    changes=[(self.label("status"), "active", "inactive")],
                )
            )
        function_addresses_deactivate(
            function_addresses=FunctionAddress.objects.filter(pk__in=[a.pk for a in missing])
        )
