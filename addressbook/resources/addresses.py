"""Function addresses in spreadsheets: their organisation by keys, their codes by value, and sync.

A national file holds 100,000 addresses, so this resource works in django-import-export's
bulk mode: the file's keys are looked up in a few queries before the first row (addresses,
organisations, codes), each row is validated in memory, and rows are written in batches
(through the same triggers: history, change feed, search).
Uniqueness needs no query per row: an identifier is either found by the lookup (the row
updates it) or new, and a second row with the same key is refused; the database's
constraints stay the last line. If PostgreSQL refuses a batch, its rows are saved again one
by one, each in its own savepoint, so the row it refuses is named (and nothing is kept).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.results import RowResult

from addressbook.choices import Status
from addressbook.database import bulk_insert
from addressbook.models import Code, CodeSystem, FunctionAddress, FunctionAddressCode, Organization
from addressbook.resources.base import (
    ROW_NUMBER,
    AddressbookResource,
    DirectoryRecordResource,
    RowOutcome,
    find_organization,
    find_organizations,
)
from addressbook.resources.widgets import LIST_SEPARATOR, ListWidget, column
from addressbook.roles import administers, check_address_change
from addressbook.services.addresses import function_address_save, function_addresses_deactivate

# Rows written per INSERT or UPDATE statement, and keys looked up per query.
BATCH_SIZE = 1000
LOOKUP_SIZE = 5000
# What an imported row may change: the columns an update of a batch writes (updated_at is set here).
UPDATE_FIELDS = (
    "identifier",
    "name",
    "description",
    "keywords",
    "organization",
    "status",
    "valid_from",
    "valid_to",
    "updated_at",
)


@dataclass
class PendingRow:
    """A validated row waiting for its batch to be written."""

    number: int
    row: dict
    new: bool
    codes: list[Code] | None  # None: the row leaves the codes as they are
    stored_codes: set = field(default_factory=set)  # an updated address's codes before the import
    outcome: int = -1  # its index in ``outcomes``


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
        use_bulk = True
        batch_size = None  # batches are written by record(), the rest at the end
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
        self.organizations: dict[tuple[str, str], Organization | None] = {}
        self.ambiguous_codes: set[str] | None = None
        self.code_references: dict[object, str] = {}  # code pk → how a cell names it
        self.codes_by_reference: dict[str, list[Code]] = {}
        self.addresses: dict[str, FunctionAddress] = {}
        self.keeps: dict[object, bool] = {}  # organisation pk → whether the user administers it
        self.refused_rows: list[tuple[int, dict, ValidationError]] = []

    def dehydrate_participant_identifier(self, address: FunctionAddress) -> str:
        return address.organization.participant_identifier if address.organization_id else ""

    def dehydrate_organization(self, address: FunctionAddress) -> str:
        return address.organization.local_identifier if address.organization_id else ""

    def dehydrate_codes(self, address: FunctionAddress) -> str:
        codes = getattr(address, "import_codes", None)
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
        if code.pk not in self.code_references:
            system = code.code_system
            versions = CodeSystem.objects.filter(identifier__iexact=system.identifier).count()
            # Several versions of one code system: the version tells them apart (system@version#code).
            self.code_references[code.pk] = (
                f"{system.identifier}@{system.version}#{code.code}"
                if versions > 1
                else f"{system.identifier}#{code.code}"
            )
        return self.code_references[code.pk]

    # -- the file's keys, looked up before the first row ---------------------------------------
    def before_import(self, dataset, **kwargs) -> None:
        headers = dataset.headers or []
        if "identifier" in headers:
            identifiers = sorted({(value or "").strip().lower() for value in dataset["identifier"]} - {""})
            for start in range(0, len(identifiers), LOOKUP_SIZE):
                found = (
                    FunctionAddress.objects.alias(identifier_lower=Lower("identifier"))
                    .filter(identifier_lower__in=identifiers[start : start + LOOKUP_SIZE])
                    .select_related("organization")
                    .prefetch_related("codes__code_system")
                )
                self.addresses.update((address.identifier.lower(), address) for address in found)
        if "participant_identifier" in headers:
            locals_ = dataset["organization"] if "organization" in headers else [""] * len(dataset)
            # Keyed as prepare() asks (any case), looked up as the first row typed them.
            typed: dict[tuple[str, str], tuple[str, str]] = {}
            for participant, local in zip(dataset["participant_identifier"], locals_, strict=True):
                key = ((participant or "").casefold(), (local or "").casefold())
                typed.setdefault(key, (participant or "", local or ""))
            found_organizations = find_organizations(set(typed.values()))
            self.organizations.update({key: found_organizations.get(pair) for key, pair in typed.items()})

    def copy_original(self, address: FunctionAddress) -> FunctionAddress:
        # A shallow copy (own field values and related-object cache) is enough: a row only
        # assigns the address's fields, it changes none in place (its codes are kept aside, in
        # import_codes). A deep copy, organisation and codes included, was 40 % of re-importing
        # an exported file.
        return copy.copy(address)

    def find(self, row) -> FunctionAddress | None:
        identifier = (row.get("identifier") or "").strip().lower()
        return self.addresses.get(identifier) if identifier else None

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
            address.import_codes = self._codes(row["codes"])
        elif address._state.adding:
            address.import_codes = []  # a new address without a codes column has none

    def _codes(self, cell: str) -> list[Code]:
        codes = []
        for reference in ListWidget().clean(cell):
            if reference.casefold() not in self.codes_by_reference:
                self.codes_by_reference[reference.casefold()] = self._find_codes(reference)
            found = self.codes_by_reference[reference.casefold()]
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

    def _find_codes(self, reference: str) -> list[Code]:
        """The codes a reference (code, system#code or system@version#code) may mean; two at most."""
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
        return list(matches[:2])

    def check_access(self, address: FunctionAddress, row) -> None:
        check_address_change(self.user, before=self.original, after=address, keeps=self._keeps)

    def _keeps(self, organization) -> bool:
        """``administers``, asked once per organisation of the file."""
        if organization is None:
            return True
        if organization.pk not in self.keeps:
            self.keeps[organization.pk] = administers(self.user, organization)
        return self.keeps[organization.pk]

    # -- validating and writing -------------------------------------------------------------------
    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True) -> None:
        if import_validation_errors:
            raise ValidationError(import_validation_errors)
        # The field rules and clean(), without a query per row: the organisation was found by its
        # keys (or is the stored one), and the identifier's uniqueness is settled by the lookup.
        exclude = {"id", "confirmed_by"}
        if instance.organization_id is not None:
            exclude.add("organization")
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        instance.import_pending = PendingRow(
            number=int(row.get(ROW_NUMBER) or kwargs.get("row_number") or 0),
            row=row,
            new=is_create,
            codes=getattr(instance, "import_codes", None),
            stored_codes=set() if is_create else {code.pk for code in instance.codes.all()},
        )
        super().save_instance(instance, is_create, row, **kwargs)

    def record(self, row, row_result, **kwargs) -> None:
        instance = row_result.instance
        if instance is not None and row_result.import_type in (
            RowResult.IMPORT_TYPE_NEW,
            RowResult.IMPORT_TYPE_UPDATE,
        ):
            instance.import_pending.outcome = len(self.outcomes)
        else:
            # A row that failed after it was queued is not written (its savepoint would have
            # undone it, row by row): only the row being recorded can be unrecorded.
            for queued in (self.create_instances, self.update_instances):
                if queued and queued[-1].import_pending.outcome < 0:
                    queued.pop()
        super().record(row, row_result, **kwargs)
        # The outcome says what the preview needs; 100,000 rows need not keep their records.
        row_result.instance = None
        row_result.row_values = {}
        # Batches are written here, outside the savepoint django-import-export puts around its
        # own bulk writes (which would make every batch wait for the one before).
        if len(self.create_instances) >= BATCH_SIZE:
            self._flush(self.create_instances)
        if len(self.update_instances) >= BATCH_SIZE:
            self._flush(self.update_instances)

    # -- writing in batches -----------------------------------------------------------------------
    def import_data_inner(
        self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
    ):
        self.refused_rows = []
        result = super().import_data_inner(
            dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
        )
        # A row PostgreSQL refused rolls the whole import back (rollback_on_validation_errors).
        for number, row, error in self.refused_rows:
            result.append_invalid_row(number, row, error)
        return result

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None) -> None:
        self._flush(self.create_instances)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None) -> None:
        self._flush(self.update_instances)

    def _flush(self, addresses: list[FunctionAddress]) -> None:
        batch = addresses[:]
        addresses.clear()
        if batch:
            self._write(batch)

    def _write(self, addresses: list[FunctionAddress]) -> None:
        """Writes a batch in a few statements; if PostgreSQL refuses it, row by row to name the row."""
        try:
            with transaction.atomic():
                created = [address for address in addresses if address.import_pending.new]
                updated = [address for address in addresses if not address.import_pending.new]
                bulk_insert(FunctionAddress, created)
                now = timezone.now()
                for address in updated:
                    address.updated_at = now
                FunctionAddress.objects.bulk_update(updated, UPDATE_FIELDS)
                self._save_codes(addresses)
        except DatabaseError:
            for address in addresses:
                address._state.adding = address.import_pending.new  # as before the batch
                self._write_one(address)

    def _write_one(self, address: FunctionAddress) -> None:
        pending = address.import_pending
        try:
            with transaction.atomic():
                function_address_save(function_address=address)
                self._save_codes([address])
        except (ValidationError, DatabaseError) as error:
            if isinstance(error, DatabaseError):
                reason = str(error).splitlines()[0] if str(error) else error.__class__.__name__
                error = ValidationError(_("The database refused this row: %(reason)s") % {"reason": reason})
            outcome = self.outcomes[pending.outcome]
            self.outcomes[pending.outcome] = RowOutcome(
                outcome.number, "error", outcome.key, errors=self._errors(error)
            )
            self.refused_rows.append((pending.number, pending.row, error))

    def _save_codes(self, addresses: list[FunctionAddress]) -> None:
        """The classifications the rows name: added and removed in one statement each."""
        added, removed = self._classifications(addresses)
        if removed:
            FunctionAddressCode.objects.filter(removed).delete()
        bulk_insert(FunctionAddressCode, added)

    @staticmethod
    def _classifications(addresses: list[FunctionAddress]) -> tuple[list[FunctionAddressCode], Q]:
        """The classifications to add, and a filter for those to remove, to match the rows' codes."""
        added, removed = [], Q()
        for address in addresses:
            pending = address.import_pending
            if pending.codes is None:
                continue
            wanted = {code.pk for code in pending.codes}
            added += [
                FunctionAddressCode(function_address=address, code_id=code_id)
                for code_id in wanted - pending.stored_codes
            ]
            if pending.stored_codes - wanted:
                removed |= Q(function_address=address, code_id__in=pending.stored_codes - wanted)
        return added, removed

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
