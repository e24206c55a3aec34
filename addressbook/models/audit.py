"""The global audit log: every tracked change of every record, for federation administrators."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils.translation import gettext_lazy as _
from pghistory.models import Events


class AuditEvent(Events):
    """One change to any tracked record, with who made it and through which channel.

    A read-only view over django-pghistory's event tables (rows written by triggers); the
    context fields come from the metadata ``HistoryContextMiddleware`` and
    ``history_context`` attach.
    """

    user = pghistory.ProxyField(
        "pgh_context__user",
        models.ForeignKey(
            settings.AUTH_USER_MODEL,
            verbose_name=_("user"),
            on_delete=models.DO_NOTHING,
            null=True,
            db_constraint=False,
            related_name="+",
        ),
    )
    username = pghistory.ProxyField("pgh_context__username", models.TextField(_("user name"), null=True))
    channel = pghistory.ProxyField("pgh_context__channel", models.TextField(_("channel"), null=True))

    class Meta:
        proxy = True
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        default_permissions = ("view",)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # Not the password hash, and not last_login: a login is no change to the account.
    fields=["username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser"],
    append_only=True,
    model_name="AccountEvent",
)
class Account(User):
    """A login account, as the audit log tracks it (a proxy: Django's own user table)."""

    class Meta:
        proxy = True
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
