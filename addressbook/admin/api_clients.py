"""API clients in the admin: message services' tokens, shown once, revoked rather than deleted."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from addressbook.admin.base import DirectoryAdmin
from addressbook.models import ApiClient
from addressbook.services.api_clients import (
    api_client_issue_token,
    api_client_rotate_token,
    api_clients_revoke,
)


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
