"""Function addresses in the admin: search, filters by code and staffing, classification, bulk actions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
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
from addressbook.models import Code, FunctionAddress, FunctionAddressCode
from addressbook.roles import check_address_change
from addressbook.selectors.addresses import function_addresses_unconfirmed
from addressbook.services.addresses import (
    function_address_save,
    function_addresses_activate,
    function_addresses_confirm,
    function_addresses_deactivate,
)


class FunctionAddressForm(RecordForm):
    """A new address's identifier must be in its participant's name (unless the federation's)."""

    check_change = staticmethod(check_address_change)


class CodeFilter(admin.SimpleListFilter):
    """Addresses classified with a code or any of its sub-codes."""

    title = _("code")
    parameter_name = "code"

    def lookups(self, request, model_admin):
        codes = (
            Code.objects.filter(active=True)
            .select_related("code_system")
            .order_by("code_system__name", "code")
        )
        return [(str(code.pk), str(code)) for code in codes]

    def queryset(self, request, queryset):
        try:
            code_id = uuid.UUID(self.value() or "")
        except ValueError:  # no filter chosen, or a hand-edited URL
            return queryset
        codes = Code.objects.filter(pk=code_id).with_descendants()
        return queryset.filter(classifications__code__in=codes).distinct()


class ConfirmationFilter(admin.SimpleListFilter):
    """Addresses due for a staffing check: neither confirmed nor changed for a long time."""

    title = _("staffing confirmation")
    parameter_name = "confirmation"

    def lookups(self, request, model_admin):
        months = settings.ADDRESS_CONFIRMATION_MONTHS
        return [
            (
                "due",
                ngettext("Not confirmed for %(months)d month", "Not confirmed for %(months)d months", months)
                % {"months": months},
            ),
            ("recent", _("Confirmed or changed recently")),
        ]

    def queryset(self, request, queryset):
        if self.value() not in ("due", "recent"):
            return queryset
        due = function_addresses_unconfirmed(months=settings.ADDRESS_CONFIRMATION_MONTHS).values("pk")
        return queryset.filter(pk__in=due) if self.value() == "due" else queryset.exclude(pk__in=due)


@admin.register(FunctionAddress)
class FunctionAddressAdmin(AuditHistoryMixin, AdministeredAdmin, DirectoryAdmin):
    class ClassificationInline(VersionedInline, admin.TabularInline):
        model = FunctionAddressCode
        autocomplete_fields = ("code",)
        extra = 1
        verbose_name = _("classification code")
        verbose_name_plural = _("classification codes")

    list_display = ("name", "identifier", "organization", "status", "valid_to", "confirmed_at", "updated_at")
    list_filter = (
        "status",
        ConfirmationFilter,
        "organization__kind",
        "organization__county_code",
        CodeFilter,
    )
    search_fields = ("identifier", "name", "description", "keywords", "organization__name")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)
    form = FunctionAddressForm
    readonly_fields = ("id", "created_at", "updated_at", "confirmed_at", "confirmed_by")
    show_full_result_count = False
    list_per_page = 50
    inlines = (ClassificationInline,)
    actions = ("confirm_staffed", "activate", "deactivate")
    history_with_related = True
    fieldsets = (
        (None, {"fields": ("identifier", "name", "organization")}),
        (_("Description"), {"fields": ("description", "keywords")}),
        STATUS_FIELDSET,
        (_("Staffing"), {"fields": ("confirmed_at", "confirmed_by")}),
        RECORD_FIELDSET,
    )

    @admin.action(
        description=_("Confirm that the selected addresses are staffed and correct"), permissions=["change"]
    )
    def confirm_staffed(self, request: HttpRequest, queryset: QuerySet[FunctionAddress]) -> None:
        count = function_addresses_confirm(function_addresses=queryset, user=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d function address confirmed as staffed and correct.",
                "%(count)d function addresses confirmed as staffed and correct.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def save_model(self, request: HttpRequest, obj: FunctionAddress, form, change: bool) -> None:
        function_address_save(function_address=obj)

    activate = status_action(
        service=lambda addresses: function_addresses_activate(function_addresses=addresses),
        description=_("Activate selected function addresses"),
        done=ngettext_lazy(
            "%(count)d function address activated.", "%(count)d function addresses activated.", "count"
        ),
    )
    deactivate = status_action(
        service=lambda addresses: function_addresses_deactivate(function_addresses=addresses),
        description=_("Deactivate selected function addresses"),
        done=ngettext_lazy(
            "%(count)d function address deactivated.", "%(count)d function addresses deactivated.", "count"
        ),
    )
