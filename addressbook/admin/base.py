"""What every directory page of the admin shares: no deletes, the user's rows, history, forms, actions.

Every form, inline row and bulk action here is versioned (addressbook.admin.versions).
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.forms.models import construct_instance
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from addressbook.admin.versions import VersionedAdmin, VersionedForm
from addressbook.models import Organization
from addressbook.roles import locked_fields, may_change_status, status_change_refused
from addressbook.selectors.history import object_history
from addressbook.services.organizations import ActivationRefusedError

# The lower half of every directory record's form.
STATUS_FIELDSET = (_("Status"), {"fields": ("status", "valid_from", "valid_to")})
RECORD_FIELDSET = (
    _("Record details"),
    {"fields": ("id", "created_at", "updated_at"), "classes": ("collapse",)},
)


class DirectoryAdmin(VersionedAdmin):
    """What every address-book admin shares: records are deactivated, never deleted, and versioned."""

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


class AdministeredAdmin(admin.ModelAdmin):
    """Rows, organisation choices and editable fields as the user's role allows (addressbook.roles).

    Everything else follows from the queryset: a record outside it has no list row, no
    page, no history and no bulk action, and a crafted POST naming one is "not found".
    """

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).administered_by(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [*super().get_readonly_fields(request, obj), *locked_fields(request.user, self.model, obj)]

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # a class made for this request by modelform_factory
        return form

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.related_model is Organization:
            # A crafted POST with another organisation's id fails as "not one of the choices".
            kwargs["queryset"] = Organization.objects.administered_by(request.user)
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


class RecordForm(VersionedForm):
    """A directory record's admin form: the role's change rules, and every rule's message shown.

    A model rule may name a field this user sees read-only (a routing identifier, say);
    Django would fail on that, so such messages go above the form instead.
    """

    # Who is editing (set by the admin's get_form): some rules depend on the role.
    user = None
    #: roles.check_*_change for this record type (a staticmethod): may this user make this change?
    check_change: Callable | None = None

    def clean(self):
        cleaned_data = super().clean()
        if self.check_change is not None:
            # The record as this form would save it, beside the record as it is.
            after = construct_instance(self, copy.copy(self.instance), self._meta.fields, self._meta.exclude)
            before = None if self.instance._state.adding else self.instance
            self.check_change(self.user, before=before, after=after)
        return cleaned_data

    def add_error(self, field, error) -> None:
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            shown: dict[str, list] = {}
            for name, errors in error.error_dict.items():
                shown.setdefault(name if name in self.fields else NON_FIELD_ERRORS, []).extend(errors)
            error = ValidationError(shown)
        super().add_error(field, error)


def status_action(*, service: Callable[[QuerySet], int], description, done) -> Callable:
    """A bulk action that activates or deactivates the selected records through ``service``.

    ``done`` is an ngettext_lazy message with a ``count``. Participants' status is the
    federation's (roles.may_change_status); a refused activation changes nothing.
    """

    @admin.action(description=description, permissions=["change"])
    def action(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        if not may_change_status(request.user, queryset):
            model_admin.message_user(request, status_change_refused(), messages.ERROR)
            return
        try:
            count = service(queryset)
        except ActivationRefusedError as error:
            model_admin.message_user(request, str(error), messages.ERROR)
            return
        model_admin.message_user(request, done % {"count": count}, messages.SUCCESS)

    return action
