"""API clients: the message services that look recipients up, each with its own token."""

from __future__ import annotations

import hashlib

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from addressbook.models.base import TEXT_VALIDATORS, TimeStampedModel, public_id_field

TOKEN_PREFIX_LENGTH = 8


def hash_token(token: str) -> str:
    """SHA-256 of a token: tokens are long random strings, so a fast hash is safe at rest."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(TimeStampedModel):
    """A system that uses the lookup API, e.g. one municipality's message service.

    Only a hash of its token is stored; the token itself is shown once, when it is made.
    """

    id = public_id_field()
    name = models.CharField(_("name"), max_length=256, unique=True, validators=TEXT_VALIDATORS)
    organization = models.ForeignKey(
        to="addressbook.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
        help_text=_("The organisation that runs the client, if any."),
    )
    contact = models.CharField(
        _("contact"),
        max_length=256,
        blank=True,
        validators=TEXT_VALIDATORS,
        help_text=_("Who to call about it."),
    )
    token_prefix = models.CharField(
        _("token prefix"), max_length=TOKEN_PREFIX_LENGTH, editable=False, help_text=_("Tells tokens apart.")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    throttle_rate = models.CharField(
        _("rate limit"),
        max_length=32,
        blank=True,
        validators=[
            RegexValidator(
                r"^[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)$",
                _("Write a number of requests per period, e.g. 6000/min or 100/s."),
            )
        ],
        help_text=_("Requests per period, e.g. 6000/min; empty for the default."),
    )
    statistics_access = models.BooleanField(
        _("analyst scope"),
        default=False,
        help_text=_("May read the statistics datasets over the API (they include per-client figures)."),
    )

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
