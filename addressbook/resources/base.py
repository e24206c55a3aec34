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
from collections.abc import Callable
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Model
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.results import RowResult

from addressbook.choices import OrganizationType, Status
from addressbook.models import Organization
from addressbook.resources.widgets import ISO_DATE, ChoiceWidget, column, labels
from addressbook.validators import normalize_participant_identifier

# The hidden column that carries each row's number in the uploaded sheet.
ROW_NUMBER = "__row__"


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
        self.label_cache: dict[str, str] = {}
        self.import_fields: list[fields.Field] | None = None
        self.snapshot_columns: list[tuple[str, Callable]] | None = None

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
            for name in {item.column_name, *labels(item.label)}:
                aliases[name.casefold()] = item.column_name
        return aliases

    @classmethod
    def headers(cls) -> list[str]:
        """The headers in the current language, in column order (exports and templates)."""
        return [str(item.label) for item in cls.columns()]

    def label(self, key: str) -> str:
        # Asked for every changed cell of every row: translated once per import.
        if key not in self.label_cache:
            self.label_cache[key] = str(self.fields[key].label) if key in self.fields else key
        return self.label_cache[key]

    def get_import_fields(self):
        if self.import_fields is None:  # the same for every row of the file
            self.import_fields = super().get_import_fields()
        return self.import_fields

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
        self.original = None if new else self.copy_original(instance)
        self.original_snapshot = None if new else self.snapshot(instance)

    def copy_original(self, instance):
        """The record before the row changes it (a deep copy: the row's writes cannot reach it)."""
        return copy.deepcopy(instance)

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
        if self.snapshot_columns is None:
            # export_field() looks up each column's name and dehydrate method on every call;
            # a row's snapshot is taken once or twice per row, so they are looked up once.
            self.snapshot_columns = [
                (item.column_name, getattr(self, f"dehydrate_{item.column_name}", None) or item.export)
                for item in self.own_columns()
                if item.column_name not in self.key_columns
            ]
        # Line breaks compare alike however they were typed (a browser sends CRLF, Excel LF).
        return {
            key: str(export(instance) or "").replace("\r\n", "\n") for key, export in self.snapshot_columns
        }

    def changes(self, old: dict[str, str], after) -> list[tuple[str, str, str]]:
        new = self.snapshot(after)
        return [(self.label(key), old[key], new[key]) for key in old if old[key] != new[key]]

    def import_row(self, row, instance_loader, **kwargs):
        # Recorded here, not in after_import_row: that hook is skipped for rows in error.
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.errors and isinstance(row_result.errors[-1].error, SoftTimeLimitExceeded):
            # The worker's time is up: the whole import stops (and rolls back), not just this row.
            raise row_result.errors[-1].error
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


def find_organization(participant_identifier: str, local_identifier: str = "") -> Organization | None:
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


def find_organizations(keys: set[tuple[str, str]]) -> dict[tuple[str, str], Organization]:
    """``find_organization`` for many (participant identifier, local identifier) pairs at once.

    The result is keyed by the pairs as given; pairs that name no organisation are left out.
    Two queries however many pairs (a national file names thousands of organisations).
    """
    wanted: dict[tuple[str, str], tuple[str, str]] = {}
    for participant_identifier, local_identifier in keys:
        try:
            participant = normalize_participant_identifier(participant_identifier)
        except ValidationError:
            continue
        wanted[(participant_identifier, local_identifier)] = (participant, local_identifier.casefold())
    participants = {participant for participant, _local in wanted.values()}
    locals_ = {local for _participant, local in wanted.values() if local}
    found: dict[tuple[str, str], Organization] = {}
    for organization in Organization.objects.filter(
        participant_identifier__in=participants, type=OrganizationType.PARTICIPANT
    ):
        found[(organization.participant_identifier, "")] = organization
    if locals_:
        for organization in (
            Organization.objects.alias(local=Lower("local_identifier"))
            .filter(
                participant_identifier__in=participants,
                type=OrganizationType.SUB_ORGANIZATION,
                local__in=locals_,
            )
            .order_by(*Organization._meta.ordering)
        ):
            found.setdefault(
                (organization.participant_identifier, organization.local_identifier.casefold()), organization
            )
    return {key: found[target] for key, target in wanted.items() if target in found}


class DirectoryRecordResource(AddressbookResource):
    """Organisations and addresses: both end in their status and validity period."""

    status = column("status", gettext_lazy("Status"), ChoiceWidget(Status))
    valid_from = column("valid_from", gettext_lazy("Valid from"), widgets.DateWidget(ISO_DATE))
    valid_to = column("valid_to", gettext_lazy("Valid to"), widgets.DateWidget(ISO_DATE))
