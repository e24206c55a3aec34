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
        from django.db.backends.signals import connection_created

        from addressbook.database import configure_session

        # Every session the project opens (web, worker, beat, commands, tests).
        connection_created.connect(configure_session, dispatch_uid="addressbook.configure_session")


class AddressbookAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site: roles at the door and a second factor after the password."""

    default = False
    default_site = "addressbook.admin_site.AddressbookAdminSite"
