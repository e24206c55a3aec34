"""Organisations in spreadsheets: participants (no local identifier) and their sub-organisations."""

from __future__ import annotations

import datetime

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets

from addressbook.choices import County, OrganizationKind, OrganizationType, Status
from addressbook.models import Connection, FunctionAddress, Organization
from addressbook.resources.base import (
    AddressbookResource,
    DirectoryRecordResource,
    RowOutcome,
    find_organization,
)
from addressbook.resources.widgets import ISO_DATE, ChoiceWidget, column
from addressbook.roles import check_organization_change
from addressbook.services.organizations import organization_save
from addressbook.validators import normalize_organization_number, normalize_participant_identifier


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
        return find_organization(row.get("participant_identifier", ""), row.get("local_identifier", ""))

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
        participant = find_organization(row.get("participant_identifier", ""))
        if participant is None:
            self.refuse("participant_identifier", _("No participant organisation has this identifier."))
        parent_key = row.get("parent", "")
        parent = (
            find_organization(participant.participant_identifier, parent_key) if parent_key else participant
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
