"""Application configuration for the address book."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AddressbookConfig(AppConfig):
    name = "addressbook"
    verbose_name = _("Address book")
    default_auto_field = "django.db.models.BigAutoField"
