"""Staff roles: who may keep which part of the address book."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from addressbook.choices import Role
from addressbook.models.base import TimeStampedModel, track_changes


def role_of(user) -> str | None:
    """The user's role, or None for anonymous visitors and accounts without one."""
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.staff_role.role
    except ObjectDoesNotExist:
        return None


def is_federation_administrator(user) -> bool:
    """Superusers (the operators who installed the service) count as federation administrators."""
    return user.is_active and (user.is_superuser or role_of(user) == Role.FEDERATION_ADMINISTRATOR)


@track_changes()
class StaffRole(TimeStampedModel):
    """A staff account's role; an organisation administrator's also names the organisations kept.

    One role per account: a person who is both an analyst and an administrator gets the
    wider role, so there is never doubt about which rules apply.
    """

    user = models.OneToOneField(
        to=settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_role",
    )
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=Role.choices,
        help_text=_(
            "Federation administrators manage everything, including participants and accounts. "
            "Organisation administrators keep their organisations' sub-organisations and function "
            "addresses. Analysts see statistics only."
        ),
    )
    organizations = models.ManyToManyField(
        to="addressbook.Organization",
        through="addressbook.AdministeredOrganization",
        verbose_name=_("organisations"),
        related_name="administrators",
        blank=True,
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ("user_id",)  # Default ordering: the user_id unique index serves it

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"


@track_changes()
class AdministeredOrganization(models.Model):
    """An organisation (with everything under it) that an organisation administrator keeps."""

    staff_role = models.ForeignKey(
        to="addressbook.StaffRole",
        verbose_name=_("role"),
        on_delete=models.CASCADE,
        related_name="administered",
    )
    organization = models.ForeignKey(
        to="addressbook.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="administered_by",
        help_text=_("The administrator keeps this organisation and all its sub-organisations."),
    )

    class Meta:
        verbose_name = _("administered organisation")
        verbose_name_plural = _("administered organisations")
        ordering = ("staff_role_id", "organization_id")  # Default ordering: the unique index below
        constraints = [
            models.UniqueConstraint(
                fields=("staff_role", "organization"), name="%(app_label)s_%(class)s_unique_role_organization"
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)
