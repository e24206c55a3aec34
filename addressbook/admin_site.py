"""The admin site: Django's, with roles deciding who enters and a second factor at the door.

Outside the addressbook.admin package on purpose: Django imports the site class while it
sets up admin.site, and the package's modules register on admin.site when imported.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from addressbook import two_factor
from addressbook.choices import Role
from addressbook.roles import role_of
from addressbook.selectors.addresses import function_addresses_unconfirmed

# The sections the login protections bring (django-axes, django-otp), by app label, under
# names an administrator reads in the admin's language: their own are English or the label.
# Given to their apps by addressbook.apps.AddressbookAdminConfig.ready().
THIRD_PARTY_SECTIONS = {
    "axes": _("Login lockouts"),
    "otp_totp": _("Second factor: authenticator apps"),
    "otp_static": _("Second factor: backup codes"),
}
# Their models' names in the menu, by app label and model name, where the catalogue cannot
# help: django-otp's are plain English ("TOTP device"). django-axes's are marked for
# translation and translated in the catalogue, which also reaches their pages' titles.
THIRD_PARTY_MODELS = {
    ("otp_totp", "totpdevice"): pgettext_lazy("second factor", "Authenticator apps"),
    ("otp_static", "staticdevice"): pgettext_lazy("second factor", "Backup codes"),
}


def _hidden_models() -> set[tuple[str, str]]:
    """Sections' models left out of the menu: tables the settings keep empty show nothing."""
    hidden = set()
    if not getattr(settings, "AXES_ENABLE_ACCESS_FAILURE_LOG", False):
        hidden.add(("axes", "accessfailurelog"))
    if getattr(settings, "AXES_DISABLE_ACCESS_LOG", False):
        hidden.add(("axes", "accesslog"))
    return hidden


def _menu_section(app: dict) -> dict:
    """An app's entry in the menu, a third party's models under our names, hidden ones left out."""
    app_label = app["app_label"]
    hidden = _hidden_models()
    models = []
    for model in app["models"]:
        key = (app_label, model["object_name"].lower())
        if key not in hidden:
            models.append({**model, "name": THIRD_PARTY_MODELS.get(key, model["name"])})
    return {**app, "models": models}


class AddressbookAdminSite(admin.AdminSite):
    """Open to superusers and holders of a role, each after the second factor."""

    site_header = site_title = _("SDK address book")
    index_title = _("Address book administration")
    site_url = None  # the admin is the site: no "View site" link

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        # is_staff alone is not enough: a staff flag left over without a role opens nothing.
        return (
            user.is_active
            and user.is_staff
            and (user.is_superuser or role_of(user) is not None)
            and two_factor.two_factor_satisfied(request)
        )

    def login(self, request: HttpRequest, extra_context=None):
        response = super().login(request, extra_context)
        user = request.user
        if (
            user.is_authenticated
            and user.is_active
            and user.is_staff
            and not two_factor.two_factor_satisfied(request)
        ):
            # The password was right: the second factor comes next (set up on first login).
            next_url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
            return redirect(two_factor.two_factor_url(request, next_url))
        return response

    def get_urls(self):
        # Imported here: the statistics views live in the admin package, which registers on
        # admin.site when imported (see the module docstring).
        from addressbook.admin import statistics

        return [
            path("two-factor/", partial(two_factor.verify, admin_site=self), name="two_factor_verify"),
            path("two-factor/setup/", partial(two_factor.setup, admin_site=self), name="two_factor_setup"),
            path(
                "statistics/",
                self.admin_view(partial(statistics.dashboard, admin_site=self)),
                name="statistics",
            ),
            path(
                "statistics/<str:dataset>.<str:file_format>",
                self.admin_view(partial(statistics.download, admin_site=self)),
                name="statistics_download",
            ),
            path(
                "statistics/reports/<uuid:report_id>/file/",
                self.admin_view(partial(statistics.report_file, admin_site=self)),
                name="statistics_report_file",
            ),
            *super().get_urls(),
        ]

    def _build_app_dict(self, request: HttpRequest, label=None):
        # Django builds the menu, the index and each app's page from this: the third-party
        # models get their translated names here (Django sorts by name afterwards).
        app_dict = super()._build_app_dict(request, label)
        sections = {app_label: _menu_section(app) for app_label, app in app_dict.items()}
        return {app_label: app for app_label, app in sections.items() if app["models"]}

    def index(self, request: HttpRequest, extra_context=None):
        # An organisation administrator's reminder: their addresses nobody has confirmed lately.
        months = settings.ADDRESS_CONFIRMATION_MONTHS
        due = (
            function_addresses_unconfirmed(months=months).administered_by(request.user).count()
            if role_of(request.user) == Role.ORGANIZATION_ADMINISTRATOR
            else 0
        )
        return super().index(
            request, {"confirmation_due": due, "confirmation_months": months, **(extra_context or {})}
        )
