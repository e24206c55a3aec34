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

from addressbook import two_factor
from addressbook.choices import Role
from addressbook.roles import role_of
from addressbook.selectors.addresses import function_addresses_unconfirmed


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
