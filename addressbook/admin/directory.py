"""The directory in the admin: organisations, function addresses, code systems and API clients."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from addressbook.choices import OrganizationType
from addressbook.history import object_history
from addressbook.models import (
    ApiClient,
    Code,
    CodeSystem,
    Connection,
    FunctionAddress,
    FunctionAddressCode,
    Organization,
)
from addressbook.roles import (
    administered_organizations,
    check_address_identifier,
    check_organization_move,
    is_federation_administrator,
)
from addressbook.selectors.addresses import function_addresses_unconfirmed
from addressbook.services.addresses import (
    function_address_save,
    function_addresses_activate,
    function_addresses_confirm,
    function_addresses_deactivate,
)
from addressbook.services.api_clients import (
    api_client_issue_token,
    api_client_rotate_token,
    api_clients_revoke,
)
from addressbook.services.organizations import (
    ActivationRefusedError,
    organization_save,
    organizations_activate,
    organizations_deactivate,
)
from addressbook.validators import normalize_organization_number

# Above this many, an organisation's page links to its addresses instead of listing them.
MAX_INLINE_ADDRESSES = 50

_ORGANIZATION_NUMBER_TERM = re.compile(r"^(16)?\d{6}-?\d{4}$")

# The lower half of every directory record's form.
STATUS_FIELDSET = (_("Status"), {"fields": ("status", "valid_from", "valid_to")})
RECORD_FIELDSET = (
    _("Record details"),
    {"fields": ("id", "created_at", "updated_at"), "classes": ("collapse",)},
)


class DirectoryAdmin(admin.ModelAdmin):
    """What every address-book admin shares: records are deactivated, never deleted."""

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # "Inactive" must stay distinguishable from "never existed" for message services.
        return False

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # Django lets a URL filter through any one relation; through a reverse one (a code's
        # addresses, say) it would reveal rows of organisations the user does not keep.
        try:
            field = self.model._meta.get_field(lookup.split(LOOKUP_SEP, 1)[0])
        except FieldDoesNotExist:
            return super().lookup_allowed(lookup, value, request)
        if field.is_relation and field.auto_created and not field.concrete:
            return False
        return super().lookup_allowed(lookup, value, request)


class OrganizationScopedAdmin(admin.ModelAdmin):
    """Rows and organisation choices limited to the organisations the user keeps.

    Everything else follows from the queryset: a record outside it has no list row, no
    page, no history and no bulk action, and a crafted POST naming one is "not found".
    """

    # The path from a row to the organisation that owns it.
    scope_lookup = "organization"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if is_federation_administrator(request.user):
            return queryset
        return queryset.filter(**{f"{self.scope_lookup}__in": administered_organizations(request.user)})

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # a class made for this request by modelform_factory
        return form

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.related_model is Organization and not is_federation_administrator(request.user):
            # A crafted POST with another organisation's id fails as "not one of the choices".
            kwargs["queryset"] = administered_organizations(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AuditHistoryMixin:
    """Shows the trigger-recorded audit history (user, channel, before/after) as the admin's "History"."""

    object_history_template = "admin/addressbook/audit_history.html"
    history_with_related = False

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            # A callable: evaluated by the template only after the permission check passed.
            "audit_entries": (lambda: object_history(obj, with_related=self.history_with_related))
            if obj
            else list,
        }
        return super().history_view(request, object_id, extra_context)


class RecordForm(forms.ModelForm):
    """A directory record's admin form that shows every rule's message, wherever it points.

    A model rule may name a field this user sees read-only (a routing identifier, say);
    Django would fail on that, so such messages go above the form instead.
    """

    # Who is editing (set by the admin's get_form): some rules depend on the role.
    user = None

    def add_error(self, field, error) -> None:
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            shown: dict[str, list] = {}
            for name, errors in error.error_dict.items():
                shown.setdefault(name if name in self.fields else NON_FIELD_ERRORS, []).extend(errors)
            error = ValidationError(shown)
        super().add_error(field, error)


class OrganizationForm(RecordForm):
    """Shows a stored organisation number the way Swedes type it (NNNNNN-NNNN).

    No Meta: the admin builds the form class from its fieldsets with this as the base.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.organization_number and "organization_number" in self.fields:
            self.initial["organization_number"] = self.instance.organization_number_display

    def clean(self):
        cleaned_data = super().clean()
        if "parent" in cleaned_data:
            check_organization_move(self.user, organization=self.instance, parent=cleaned_data["parent"])
        return cleaned_data


class FunctionAddressForm(RecordForm):
    """A new address's identifier must be in its participant's name (unless the federation's)."""

    def clean(self):
        cleaned_data = super().clean()
        # Checked when the address gets its identifier or moves (to another participant, say).
        if {"identifier", "organization"} & set(self.changed_data) and "organization" in cleaned_data:
            check_address_identifier(
                self.user,
                identifier=cleaned_data.get("identifier", self.instance.identifier),
                organization=cleaned_data["organization"],
            )
        return cleaned_data


@admin.register(Organization)
class OrganizationAdmin(AuditHistoryMixin, OrganizationScopedAdmin, DirectoryAdmin):
    class FunctionAddressInline(admin.TabularInline):
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

    class ConnectionInline(admin.StackedInline):
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
    scope_lookup = "pk"
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

    def get_readonly_fields(self, request: HttpRequest, obj: Organization | None = None):
        fields = list(super().get_readonly_fields(request, obj))
        if is_federation_administrator(request.user):
            return fields
        # Messages are routed by these: changing them re-routes an organisation's mail.
        fields += ["participant_identifier", "organization_number"]
        if obj is not None:
            fields.append("type")
            if obj.type == OrganizationType.PARTICIPANT:
                # Deregistering (or expiring) a participant is the federation's decision.
                fields += ["parent", "status", "valid_from", "valid_to"]
            elif not administered_organizations(request.user).filter(pk=obj.parent_id).exists():
                # The top of an administrator's sub-tree stays where the federation put it.
                fields.append("parent")
        return fields

    def formfield_for_choice_field(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "type" and not is_federation_administrator(request.user):
            # Only the federation registers participants; administrators add sub-organisations.
            kwargs["choices"] = [
                (OrganizationType.SUB_ORGANIZATION.value, OrganizationType.SUB_ORGANIZATION.label)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        if not is_federation_administrator(request.user):
            initial.setdefault("type", OrganizationType.SUB_ORGANIZATION)
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

    @admin.action(description=_("Activate selected organisations"), permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[Organization]) -> None:
        if not self._may_register(request, queryset):
            return
        try:
            count = organizations_activate(organizations=queryset)
        except ActivationRefusedError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("%(count)d organisation activated.", "%(count)d organisations activated.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Deactivate selected organisations with their sub-organisations and addresses"),
        permissions=["change"],
    )
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Organization]) -> None:
        if not self._may_register(request, queryset):
            return
        count = organizations_deactivate(organizations=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d organisation or sub-organisation deactivated, with its function addresses.",
                "%(count)d organisations and sub-organisations deactivated, with their function addresses.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def _may_register(self, request: HttpRequest, queryset: QuerySet[Organization]) -> bool:
        """Registering and deregistering participants is for federation administrators only."""
        if (
            is_federation_administrator(request.user)
            or not queryset.filter(type=OrganizationType.PARTICIPANT).exists()
        ):
            return True
        self.message_user(
            request,
            _("Only federation administrators can register or deregister participant organisations."),
            messages.ERROR,
        )
        return False


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
class FunctionAddressAdmin(AuditHistoryMixin, OrganizationScopedAdmin, DirectoryAdmin):
    class ClassificationInline(admin.TabularInline):
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

    def get_readonly_fields(self, request: HttpRequest, obj: FunctionAddress | None = None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not is_federation_administrator(request.user):
            # Senders have stored this identifier; changing it would strand their messages.
            fields.append("identifier")
        return fields

    def save_model(self, request: HttpRequest, obj: FunctionAddress, form, change: bool) -> None:
        function_address_save(function_address=obj)

    @admin.action(description=_("Activate selected function addresses"), permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[FunctionAddress]) -> None:
        try:
            count = function_addresses_activate(function_addresses=queryset)
        except ActivationRefusedError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext(
                "%(count)d function address activated.", "%(count)d function addresses activated.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Deactivate selected function addresses"), permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[FunctionAddress]) -> None:
        count = function_addresses_deactivate(function_addresses=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d function address deactivated.", "%(count)d function addresses deactivated.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(CodeSystem)
class CodeSystemAdmin(AuditHistoryMixin, DirectoryAdmin):
    class CodeInline(admin.TabularInline):
        model = Code
        fields = ("code", "display_name", "parent", "active")
        # The parent is chosen on the code's own page: an autocomplete per row costs a query each.
        readonly_fields = ("parent",)
        extra = 0
        can_delete = False
        show_change_link = True

        def get_queryset(self, request: HttpRequest):
            return super().get_queryset(request).select_related("parent")

    list_display = ("name", "identifier", "version", "owner", "status")
    list_filter = ("status",)
    search_fields = ("name", "identifier", "description")
    list_select_related = ("owner",)
    autocomplete_fields = ("owner",)
    readonly_fields = ("id", "created_at", "updated_at")
    inlines = (CodeInline,)


@admin.register(Code)
class CodeAdmin(AuditHistoryMixin, DirectoryAdmin):
    list_display = ("code", "display_name", "parent", "code_system", "active")
    list_filter = ("active", "code_system")
    search_fields = ("code", "display_name", "code_system__name")
    list_select_related = ("code_system", "parent")
    autocomplete_fields = ("code_system", "parent")
    readonly_fields = ("created_at", "updated_at")


@admin.register(ApiClient)
class ApiClientAdmin(DirectoryAdmin):
    """Message services' API clients. A token is shown once, when it is made.

    Clients are revoked, not deleted, so that who had access stays on record.
    """

    list_display = (
        "name",
        "organization",
        "token_prefix",
        "statistics_access",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "contact", "organization__name", "token_prefix")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)
    readonly_fields = ("token_prefix", "revoked_at", "last_used_at", "created_at", "updated_at")
    fields = (
        "name",
        "organization",
        "contact",
        "expires_at",
        "throttle_rate",
        "statistics_access",
        *readonly_fields,
    )
    actions = ("revoke", "rotate_token")

    def save_model(self, request: HttpRequest, obj: ApiClient, form, change: bool) -> None:
        if change:
            obj.save()
            return
        token = api_client_issue_token(obj)
        obj.save()
        self._show_token(request, obj, token)

    def _show_token(self, request: HttpRequest, client: ApiClient, token: str) -> None:
        self.message_user(
            request,
            format_html(
                _("The token of {}: <code>{}</code> — copy it now, it is not shown again."),
                client.name,
                token,
            ),
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the tokens of selected API clients"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        count = api_clients_revoke(clients=queryset)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Give the selected API client a new token"), permissions=["change"])
    def rotate_token(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one API client for a new token."), messages.ERROR)
            return
        client = queryset.get()
        self._show_token(request, client, api_client_rotate_token(client=client))
