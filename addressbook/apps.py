"""Application configuration for the address book."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AddressbookConfig(AppConfig):
    default = True  # this module also holds the admin's config
    name = "addressbook"
    verbose_name = _("Address book")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from addressbook.database import configure_session
        from addressbook.database_roles import check_roles_split, grant_after_migrate

        # Every session the project opens (web, worker, beat, commands, tests).
        connection_created.connect(configure_session, dispatch_uid="addressbook.configure_session")
        # Once per migrate (sent for this app), as the owner: the application role's grants.
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="addressbook.grant_after_migrate")
        checks.register(check_roles_split, checks.Tags.security, deploy=True)


class AddressbookAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site: roles at the door and a second factor after the password."""

    default = False
    default_site = "addressbook.admin_site.AddressbookAdminSite"

    def ready(self) -> None:
        super().ready()
        from django.apps import apps

        from addressbook.admin_site import THIRD_PARTY_SECTIONS

        # The login protections' apps are named "Axes", "Otp_Totp" and "Otp_Static", which
        # the admin shows in its menu, titles and breadcrumbs: they get translated names
        # (an app's name is not part of its migrations, unlike its models' names).
        for label, name in THIRD_PARTY_SECTIONS.items():
            apps.get_app_config(label).verbose_name = name
