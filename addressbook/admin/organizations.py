"""Organisations in the admin: participants and sub-organisations, with their addresses and SDK connection."""

from __future__ import annotations

import re

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from addressbook.admin.base import (
    RECORD_FIELDSET,
    STATUS_FIELDSET,
    AdministeredAdmin,
    AuditHistoryMixin,
    DirectoryAdmin,
    RecordForm,
    status_action,
)
from addressbook.admin.versions import VersionedInline
from addressbook.choices import OrganizationType
from addressbook.models import Connection, FunctionAddress, Organization
from addressbook.roles import check_organization_change, registrable_types
from addressbook.services.organizations import (
    organization_save,
    organizations_activate,
    organizations_deactivate,
)
from addressbook.validators import normalize_organization_number

# Above this many, an organisation's page links to its addresses instead of listing them.
MAX_INLINE_ADDRESSES = 50

_ORGANIZATION_NUMBER_TERM = re.compile(r"^(16)?\d{6}-?\d{4}$")


class OrganizationForm(RecordForm):
    """Shows a stored organisation number the way Swedes type it (NNNNNN-NNNN).

    No Meta: the admin builds the form class from its fieldsets with this as the base.
    """

    check_change = staticmethod(check_organization_change)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.organization_number and "organization_number" in self.fields:
            self.initial["organization_number"] = self.instance.organization_number_display


@admin.register(Organization)
class OrganizationAdmin(AuditHistoryMixin, AdministeredAdmin, DirectoryAdmin):
    class FunctionAddressInline(VersionedInline, admin.TabularInline):
        model = FunctionAddress
        fields = ("identifier", "name", "status", "valid_to")
        readonly_fields = ("identifier",)
        show_change_link = True
        extra = 0
        can_delete = False
        verbose_name_plural = _("function addresses (add new ones under Function addresses)")

        def has_add_permission(self, request, obj=None) -> bool:
            # New addresses need codes and keywords too: they are added on their own page.
            return False

    class ConnectionInline(VersionedInline, admin.StackedInline):
        """A participant's way into SDK (for the statistics), kept by federation administrators."""

        model = Connection
        fields = ("planned_on", "test_on", "qa_on", "production_on", "note")
        can_delete = False
        extra = 1
        max_num = 1
        verbose_name_plural = _("SDK connection")

    def get_inlines(self, request: HttpRequest, obj: Organization | None):
        if obj is None:
            return ()
        # A big organisation's addresses belong in the searchable list, not in one huge form.
        inlines = (
            [] if obj.function_addresses.count() > MAX_INLINE_ADDRESSES else [self.FunctionAddressInline]
        )
        if obj.type == OrganizationType.PARTICIPANT and request.user.has_perm("addressbook.view_connection"):
            inlines.append(self.ConnectionInline)
        return inlines

    @admin.display(description=_("function addresses"))
    def function_addresses_link(self, obj: Organization) -> str:
        if obj.pk is None:
            return "—"
        count = obj.function_addresses.count()
        url = reverse("admin:addressbook_functionaddress_changelist")
        return format_html(
            '<a href="{}?organization__id__exact={}">{}</a>',
            url,
            obj.pk,
            ngettext("Show %(count)d function address", "Show all %(count)d function addresses", count)
            % {"count": count},
        )

    list_display = (
        "name",
        "parent",
        "participant_identifier",
        "organization_number_display",
        "type",
        "kind",
        "county_code",
        "status",
    )
    list_filter = ("type", "kind", "county_code", "status")
    search_fields = ("name", "alternate_name", "participant_identifier", "organization_number")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("function_addresses_link", "id", "created_at", "updated_at")
    show_full_result_count = False
    list_per_page = 50
    form = OrganizationForm
    inlines = (FunctionAddressInline,)
    actions = ("activate", "deactivate")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "type",
                    "parent",
                    "participant_identifier",
                    "local_identifier",
                    "organization_number",
                    "name",
                    "function_addresses_link",
                )
            },
        ),
        (
            _("Description"),
            {
                "fields": (
                    "alternate_name",
                    "description",
                    "kind",
                    "municipality_code",
                    "county_code",
                    "country_code",
                )
            },
        ),
        STATUS_FIELDSET,
        RECORD_FIELDSET,
    )

    @admin.display(description=_("organisation number"), ordering="organization_number")
    def organization_number_display(self, obj: Organization) -> str:
        return obj.organization_number_display

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        if request.user.has_perm("addressbook.view_auditevent"):
            # Everything that happened to the organisation and below it, from its own page.
            changelist = reverse("admin:addressbook_auditevent_changelist")
            extra_context = {
                **(extra_context or {}),
                "audit_log_url": f"{changelist}?organization={object_id}",
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def formfield_for_choice_field(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "type":
            # Only the federation registers participants; administrators add sub-organisations.
            types = registrable_types(request.user)
            kwargs["choices"] = [
                (value, label) for value, label in OrganizationType.choices if value in types
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        types = registrable_types(request.user)
        if len(types) == 1:
            initial.setdefault("type", types[0])
        return initial

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        term = search_term.strip()
        if _ORGANIZATION_NUMBER_TERM.match(term):
            # Any spelling of an organisation number finds the stored ten digits.
            try:
                return queryset.filter(organization_number=normalize_organization_number(term)), False
            except Exception:  # noqa: S110 - a wrong check digit just searches as text
                pass
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request: HttpRequest, obj: Organization, form, change: bool) -> None:
        organization_save(organization=obj)

    activate = status_action(
        service=lambda organizations: organizations_activate(organizations=organizations),
        description=_("Activate selected organisations"),
        done=ngettext_lazy(
            "%(count)d organisation activated.", "%(count)d organisations activated.", "count"
        ),
    )
    deactivate = status_action(
        service=lambda organizations: organizations_deactivate(organizations=organizations),
        description=_("Deactivate selected organisations with their sub-organisations and addresses"),
        done=ngettext_lazy(
            "%(count)d organisation or sub-organisation deactivated, with its function addresses.",
            "%(count)d organisations and sub-organisations deactivated, with their function addresses.",
            "count",
        ),
    )
