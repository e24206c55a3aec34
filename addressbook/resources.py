"""Spreadsheet columns of the address book: what exports write and imports read.

Built on django-import-export's resources: its import loop gives every row a savepoint inside
one transaction (a dry run rolls the whole file back), its fields and widgets turn cells into
values and back. What the address book adds:

- rows are matched on keys administrators can see and type (participant identifier, the
  local identifier of a sub-organisation, the function-address identifier, code system and
  code), never on database ids;
- every write goes through the same services as the admin (``full_clean``, cascades);
- each row is checked against the importing user's role and organisations;
- a row's outcome is described field by field (old → new) for the preview.

Headers are the labels below, in Swedish or English; values are language-neutral (choice
values, ISO dates), except yes/no, which is read in either language.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Count, Model
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.results import RowResult

from addressbook.choices import County, ImportResource, OrganizationKind, OrganizationType, Status
from addressbook.models import (
    Code,
    CodeSystem,
    Connection,
    FunctionAddress,
    FunctionAddressCode,
    Organization,
)
from addressbook.roles import check_address_change, check_organization_change, may_import
from addressbook.services.addresses import function_address_save, function_addresses_deactivate
from addressbook.services.organizations import organization_save
from addressbook.validators import normalize_organization_number, normalize_participant_identifier

# The hidden column that carries each row's number in the uploaded sheet.
ROW_NUMBER = "__row__"
# Separates several values in one cell (keywords, codes); a comma reads naturally in Excel.
LIST_SEPARATOR = ","
# Dates as Excel shows ISO dates and as Swedes write them (2026-11-29).
ISO_DATE = "%Y-%m-%d"


class ChoiceWidget(widgets.Widget):
    """A choice by its value (active) or its label in Swedish or English (Aktiv, Active)."""

    def __init__(self, choices) -> None:
        super().__init__()
        self.choices = choices
        self._by_name: dict[str, str] | None = None  # every accepted spelling → the value

    def clean(self, value, row=None, **kwargs):
        text = (value or "").strip()
        if not text:
            return None  # an empty cell keeps the current value (or the default)
        if self._by_name is None:  # once per import, not once per cell
            self._by_name = {
                name: choice.value
                for choice in self.choices
                for name in {choice.value.casefold(), *_labels(choice.label)}
            }
        if text.casefold() in self._by_name:
            return self._by_name[text.casefold()]
        raise ValueError(
            _("%(value)s is not one of: %(choices)s")
            % {"value": text, "choices": ", ".join(choice.value for choice in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        return value or ""


class YesNoWidget(widgets.Widget):
    """Yes/no in either language (ja, nej, yes, no, true, false, 1, 0)."""

    YES = {"ja", "yes", "true", "sant", "1", "x"}
    NO = {"nej", "no", "false", "falskt", "0"}

    def clean(self, value, row=None, **kwargs):
        text = (value or "").strip().casefold()
        if not text:
            return None  # an empty cell keeps the current value (or the default)
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("Write yes or no (ja or nej)."))

    def render(self, value, obj=None, **kwargs):
        return _("yes") if value else _("no")


class ListWidget(widgets.SimpleArrayWidget):
    """Several values in one cell, separated by commas."""

    def __init__(self) -> None:
        super().__init__(separator=LIST_SEPARATOR)

    def clean(self, value, row=None, **kwargs):
        return [part.strip() for part in (value or "").split(LIST_SEPARATOR) if part.strip()]

    def render(self, value, obj=None, **kwargs):
        return f"{LIST_SEPARATOR} ".join(value or [])


class TextWidget(widgets.CharWidget):
    def __init__(self) -> None:
        super().__init__(allow_blank=True)


def _labels(label) -> set[str]:
    names = set()
    for language in ("sv", "en"):
        with translation.override(language):
            names.add(str(label).casefold())
    return names


def column(
    key: str, label, widget: widgets.Widget | None = None, *, attribute: str | None = None
) -> fields.Field:
    """A spreadsheet column: ``key`` inside the code, ``label`` as header (Swedish or English)."""
    widget = widget or TextWidget()
    result = fields.Field(
        attribute=attribute if attribute is not None else key,
        column_name=key,
        widget=widget,
        # Choices and yes/no: an empty cell keeps what is there; text and dates are cleared.
        saves_null_values=not isinstance(widget, ChoiceWidget | YesNoWidget),
    )
    result.label = label
    return result


@dataclass
class RowOutcome:
    """What importing one row does (or would do): the preview shows these, and confirms them."""

    number: int
    action: str
    key: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


class AddressbookResource(resources.ModelResource):
    """What every address-book resource shares: keys, roles, services, row outcomes."""

    key_columns: tuple[str, ...] = ()

    class Meta:
        skip_unchanged = True
        report_skipped = True
        store_row_values = True
        store_instance = True
        skip_diff = True  # the outcome's field-by-field changes are ours (RowOutcome)
        use_transactions = True
        clean_model_instances = False  # the services call full_clean()

    def __init__(self, *, user, organization: Organization | None = None, sync: bool = False) -> None:
        super().__init__()
        self.user = user
        self.organization = organization
        self.sync = sync
        self.outcomes: list[RowOutcome] = []
        self.seen_keys: set[str] = set()
        self.on_row = None  # called after every row (progress)

    # -- headers ---------------------------------------------------------------------------
    @classmethod
    def columns(cls) -> list[fields.Field]:
        """The column fields in spreadsheet order (Meta.fields)."""
        return [cls.fields[name] for name in cls._meta.fields]

    def own_columns(self) -> list[fields.Field]:
        """This resource's own (copied) column fields, the ones its export methods know."""
        return [self.fields[name] for name in self._meta.fields]

    @classmethod
    def header_aliases(cls) -> dict[str, str]:
        """Every accepted header (key, Swedish and English label, any case) → the column key."""
        aliases = {}
        for item in cls.columns():
            for name in {item.column_name, *_labels(item.label)}:
                aliases[name.casefold()] = item.column_name
        return aliases

    @classmethod
    def headers(cls) -> list[str]:
        """The headers in the current language, in column order (exports and templates)."""
        return [str(item.label) for item in cls.columns()]

    def label(self, key: str) -> str:
        return str(self.fields[key].label) if key in self.fields else key

    # -- keys ------------------------------------------------------------------------------
    def row_key(self, row) -> str:
        return " / ".join(row.get(key, "") for key in self.key_columns if row.get(key, ""))

    def find(self, row) -> Model | None:
        raise NotImplementedError

    def get_instance(self, instance_loader, row):
        return self.find(row)

    def before_import_row(self, row, **kwargs) -> None:
        key = self.row_key(row).casefold()
        if key in self.seen_keys:
            raise ValidationError({self.key_columns[-1]: _("The same key is on an earlier row of the file.")})
        self.seen_keys.add(key)

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        # The record as it was, to tell what the row changes (and whether the user may);
        # described now, before the row's own writes (its codes, say) change what it reads.
        self.original = None if new else copy.deepcopy(instance)
        self.original_snapshot = None if new else self.snapshot(instance)

    # -- writing ---------------------------------------------------------------------------
    def import_instance(self, instance, row, **kwargs) -> None:
        errors = {}
        for item in self.get_import_fields():
            if item.column_name not in row or item.readonly:
                continue
            try:
                self.import_field(item, instance, row, **kwargs)
            except ValueError as error:
                errors[item.column_name] = [str(error)]
        if errors:
            raise ValidationError(errors)
        self.prepare(instance, row)
        self.check_access(instance, row)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute and field.column_name in row:
            field.save(instance, row, is_m2m, **kwargs)

    def prepare(self, instance, row) -> None:
        """Relations named by keys in the row: set them on the instance (or raise)."""

    def check_access(self, instance, row) -> None:
        raise NotImplementedError

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        if import_validation_errors or self.original is None:
            return False
        return not self.changes(self.original_snapshot, instance)

    def do_instance_save(self, instance, is_create) -> None:
        # The rules run in Python first; what PostgreSQL still refuses (a race, a trigger) is
        # this row's error in words, and its savepoint keeps the rest of the file going.
        try:
            with transaction.atomic():
                self.save_record(instance)
        except DatabaseError as error:
            reason = str(error).splitlines()[0] if str(error) else error.__class__.__name__
            raise ValidationError(
                _("The database refused this row: %(reason)s") % {"reason": reason}
            ) from None

    def save_record(self, instance) -> None:
        raise NotImplementedError

    # -- outcomes --------------------------------------------------------------------------
    def snapshot(self, instance) -> dict[str, str]:
        # Line breaks compare alike however they were typed (a browser sends CRLF, Excel LF).
        return {
            item.column_name: str(self.export_field(item, instance) or "").replace("\r\n", "\n")
            for item in self.own_columns()
            if item.column_name not in self.key_columns
        }

    def changes(self, old: dict[str, str], after) -> list[tuple[str, str, str]]:
        new = self.snapshot(after)
        return [(self.label(key), old[key], new[key]) for key in old if old[key] != new[key]]

    def import_row(self, row, instance_loader, **kwargs):
        # Recorded here, not in after_import_row: that hook is skipped for rows in error.
        row_result = super().import_row(row, instance_loader, **kwargs)
        self.record(row, row_result, **kwargs)
        return row_result

    def record(self, row, row_result, **kwargs) -> None:
        number = int(row.get(ROW_NUMBER) or kwargs.get("row_number") or 0)
        key = self.row_key(row)
        if row_result.import_type == RowResult.IMPORT_TYPE_INVALID:
            outcome = RowOutcome(number, "error", key, errors=self._errors(row_result.validation_error))
        elif row_result.import_type == RowResult.IMPORT_TYPE_ERROR:
            outcome = RowOutcome(number, "error", key, errors=[("", str(row_result.errors[-1].error))])
        elif row_result.import_type == RowResult.IMPORT_TYPE_SKIP:
            outcome = RowOutcome(number, "unchanged", key)
        elif row_result.import_type == RowResult.IMPORT_TYPE_NEW:
            outcome = RowOutcome(number, "create", key, changes=self._created(row_result.instance))
        else:
            outcome = RowOutcome(
                number, "update", key, changes=self.changes(self.original_snapshot, row_result.instance)
            )
        self.outcomes.append(outcome)
        if self.on_row is not None:
            self.on_row(len(self.outcomes))

    def _created(self, instance) -> list[tuple[str, str, str]]:
        return [(self.label(key), "", value) for key, value in self.snapshot(instance).items() if value]

    def _errors(self, error: ValidationError) -> list[tuple[str, str]]:
        if not hasattr(error, "error_dict"):
            return [("", message) for message in error.messages]
        result = []
        for name, messages in error.message_dict.items():
            column_key = self.column_for_attribute(name)
            for message in messages:
                result.append((self.label(column_key) if column_key else "", message))
        return result

    def column_for_attribute(self, name: str) -> str | None:
        for item in self.own_columns():
            if name in (item.column_name, item.attribute):
                return item.column_name
        return None

    def refuse(self, column_key: str, message: str) -> None:
        raise ValidationError({column_key: [message]})


def _find_organization(participant_identifier: str, local_identifier: str = "") -> Organization | None:
    """The organisation with these keys (a sub-organisation if ``local_identifier`` is given)."""
    try:
        participant = normalize_participant_identifier(participant_identifier)
    except ValidationError:
        return None
    queryset = Organization.objects.filter(participant_identifier=participant)
    if local_identifier:
        return queryset.filter(
            type=OrganizationType.SUB_ORGANIZATION, local_identifier__iexact=local_identifier
        ).first()
    return queryset.filter(type=OrganizationType.PARTICIPANT).first()


class DirectoryRecordResource(AddressbookResource):
    """Organisations and addresses: both end in their status and validity period."""

    status = column("status", gettext_lazy("Status"), ChoiceWidget(Status))
    valid_from = column("valid_from", gettext_lazy("Valid from"), widgets.DateWidget(ISO_DATE))
    valid_to = column("valid_to", gettext_lazy("Valid to"), widgets.DateWidget(ISO_DATE))


class OrganizationResource(DirectoryRecordResource):
    """Participant organisations (no local identifier) and their sub-organisations."""

    participant_identifier = column("participant_identifier", gettext_lazy("Participant identifier"))
    local_identifier = column("local_identifier", gettext_lazy("Local identifier"))
    parent = column("parent", gettext_lazy("Parent (local identifier)"), attribute="")
    name = column("name", gettext_lazy("Name"))
    alternate_name = column("alternate_name", gettext_lazy("Alternate name"))
    description = column("description", gettext_lazy("Description"))
    organization_number = column("organization_number", gettext_lazy("Organisation number"))
    kind = column("kind", gettext_lazy("Category"), ChoiceWidget(OrganizationKind))
    municipality_code = column("municipality_code", gettext_lazy("Municipality code"))
    county_code = column("county_code", gettext_lazy("County code"), ChoiceWidget(County))
    country_code = column("country_code", gettext_lazy("Country code"))
    # A participant's way into SDK (Connection), kept by federation administrators.
    planned_on = column("planned_on", gettext_lazy("SDK planned"), widgets.DateWidget(ISO_DATE), attribute="")
    test_on = column(
        "test_on", gettext_lazy("SDK test environment"), widgets.DateWidget(ISO_DATE), attribute=""
    )
    qa_on = column("qa_on", gettext_lazy("SDK QA"), widgets.DateWidget(ISO_DATE), attribute="")
    production_on = column(
        "production_on", gettext_lazy("SDK production"), widgets.DateWidget(ISO_DATE), attribute=""
    )

    key_columns = ("participant_identifier", "local_identifier")
    connection_columns = ("planned_on", "test_on", "qa_on", "production_on")

    class Meta(AddressbookResource.Meta):
        model = Organization
        fields = (
            "participant_identifier",
            "local_identifier",
            "parent",
            "name",
            "alternate_name",
            "description",
            "organization_number",
            "kind",
            "municipality_code",
            "county_code",
            "country_code",
            "status",
            "valid_from",
            "valid_to",
            "planned_on",
            "test_on",
            "qa_on",
            "production_on",
        )

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pending_connections: dict[int, dict[str, datetime.date | None]] = {}
        self.cascades: dict[int, list[str]] = {}

    def _connection_date(self, organization: Organization, name: str) -> str:
        pending = self.pending_connections.get(id(organization))
        if pending is not None and name in pending:
            value = pending[name]
        else:
            try:
                value = getattr(organization.connection, name)
            except ObjectDoesNotExist:
                value = None
        return value.isoformat() if value else ""

    def dehydrate_planned_on(self, organization: Organization) -> str:
        return self._connection_date(organization, "planned_on")

    def dehydrate_test_on(self, organization: Organization) -> str:
        return self._connection_date(organization, "test_on")

    def dehydrate_qa_on(self, organization: Organization) -> str:
        return self._connection_date(organization, "qa_on")

    def dehydrate_production_on(self, organization: Organization) -> str:
        return self._connection_date(organization, "production_on")

    def dehydrate_parent(self, organization: Organization) -> str:
        parent = organization.parent
        return parent.local_identifier if parent is not None else ""

    def dehydrate_organization_number(self, organization: Organization) -> str:
        return organization.organization_number_display

    def find(self, row) -> Organization | None:
        return _find_organization(row.get("participant_identifier", ""), row.get("local_identifier", ""))

    def init_instance(self, row=None) -> Organization:
        is_unit = bool((row or {}).get("local_identifier"))
        return Organization(
            type=OrganizationType.SUB_ORGANIZATION if is_unit else OrganizationType.PARTICIPANT
        )

    def prepare(self, organization: Organization, row) -> None:
        # Normalised now, so that another spelling of the same value is no change.
        for name, normalize in (
            ("participant_identifier", normalize_participant_identifier),
            ("organization_number", normalize_organization_number),
        ):
            try:
                setattr(
                    organization,
                    name,
                    normalize(getattr(organization, name)) if getattr(organization, name) else "",
                )
            except ValidationError as error:
                raise ValidationError({name: error.messages}) from None
        if organization.type == OrganizationType.PARTICIPANT:
            organization.parent = None
        else:
            organization.parent = self._parent(row)
        # What the model derives (a unit's inherited place and kind) before comparing.
        organization.clean()
        dates = {}
        for name in self.connection_columns:
            if name in row:
                try:
                    dates[name] = self.fields[name].widget.clean(row[name])
                except ValueError as error:
                    raise ValidationError({name: [str(error)]}) from None
        if any(dates.values()) and organization.type != OrganizationType.PARTICIPANT:
            self.refuse("production_on", _("Only participant organisations connect to SDK."))
        if dates:
            self.pending_connections[id(organization)] = dates

    def _parent(self, row) -> Organization:
        participant = _find_organization(row.get("participant_identifier", ""))
        if participant is None:
            self.refuse("participant_identifier", _("No participant organisation has this identifier."))
        parent_key = row.get("parent", "")
        parent = (
            _find_organization(participant.participant_identifier, parent_key) if parent_key else participant
        )
        if parent is None:
            self.refuse("parent", _("The participant has no sub-organisation with this local identifier."))
        return parent

    def check_access(self, organization: Organization, row) -> None:
        stored = self.original_snapshot or {}
        typed = self.pending_connections.get(id(organization), {})
        connection_changed = any(
            (value.isoformat() if value else "") != stored.get(name, "") for name, value in typed.items()
        )
        check_organization_change(
            self.user, before=self.original, after=organization, connection_changed=connection_changed
        )

    def record(self, row, row_result, **kwargs) -> None:
        super().record(row, row_result, **kwargs)
        # Deactivating an organisation takes its sub-tree and addresses along: listed too.
        for key in self.cascades.pop(id(row_result.instance), []) if row_result.instance is not None else []:
            self.outcomes.append(
                RowOutcome(0, "deactivate", key, changes=[(self.label("status"), "active", "inactive")])
            )

    def save_record(self, organization: Organization) -> None:
        if self.original is not None and self.original.is_active and not organization.is_active:
            tree = Organization.objects.filter(pk=organization.pk).with_descendants()
            units = tree.exclude(pk=organization.pk).filter(status=Status.ACTIVE).order_by("local_identifier")
            addresses = FunctionAddress.objects.filter(organization__in=tree, status=Status.ACTIVE)
            self.cascades[id(organization)] = [
                *(f"{unit.participant_identifier} / {unit.local_identifier}" for unit in units),
                *addresses.order_by("identifier").values_list("identifier", flat=True),
            ]
        organization_save(organization=organization)
        dates = self.pending_connections.get(id(organization))
        if dates and (any(dates.values()) or Connection.objects.filter(organization=organization).exists()):
            Connection.objects.update_or_create(organization=organization, defaults=dates)


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
                self.organizations[keys] = _find_organization(
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
        system = code.code_system
        stored = CodeSystem.objects.filter(pk=system.pk).values_list("name", "version").first()
        if stored != (system.name, system.version):
            system.full_clean()
            system.save()
        code.code_system = system
        code.full_clean()
        code.save()


RESOURCES: dict[str, type[AddressbookResource]] = {
    "organizations": OrganizationResource,
    "addresses": FunctionAddressResource,
    "codes": CodeResource,
}
