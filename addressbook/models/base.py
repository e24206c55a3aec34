"""Abstract bases and constraint helpers shared by the address book's models."""

from __future__ import annotations

import uuid

import pghistory
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from addressbook import constants, validators
from addressbook.choices import Status

# Fields that change on every save say nothing an auditor needs: keep them out of history.
HISTORY_EXCLUDED_FIELDS = ["updated_at"]


def track_changes():
    """Record every insert, update and delete of the model in the audit history (by trigger)."""
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        exclude=HISTORY_EXCLUDED_FIELDS,
    )


def name_field() -> models.CharField:
    """The required display name every directory record has (≤256, no markup)."""
    return models.CharField(
        _("name"), max_length=constants.NAME_MAX_LENGTH, validators=[validators.reject_angle_brackets]
    )


def description_field() -> models.TextField:
    """An optional free-text description (≤1024, no markup)."""
    return models.TextField(
        _("description"),
        max_length=constants.DESCRIPTION_MAX_LENGTH,
        blank=True,
        validators=[validators.reject_angle_brackets],
    )


class UniqueForField(models.UniqueConstraint):
    """A unique constraint on an expression (e.g. ``Lower``) that reports a clash on a field.

    Django reports expression-based constraint violations as form-wide errors; administrators
    need them next to the field they typed.
    """

    def __init__(self, *expressions, field: str, **kwargs):
        self.field = field
        super().__init__(*expressions, **kwargs)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["field"] = self.field
        return path, args, kwargs

    def __eq__(self, other):
        return super().__eq__(other) and getattr(other, "field", None) == self.field

    __hash__ = models.UniqueConstraint.__hash__

    def validate(self, model, instance, exclude=None, using=None):
        if exclude and self.field in exclude:
            return
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError as error:
            raise ValidationError({self.field: error}) from None


def text_without_markup(*fields: str) -> models.CheckConstraint:
    """A CHECK that none of ``fields`` contains < or >, as the reference implementation requires."""
    condition = Q()
    for field in fields:
        condition &= ~Q(**{f"{field}__regex": r"[<>]"})
    return models.CheckConstraint(
        condition=condition,
        name="%(app_label)s_%(class)s_text_without_markup",
        violation_error_message=_("Text must not contain the characters < or >."),
    )


class TimeStampedModel(models.Model):
    """Creation and last-change times; ``updated_at`` drives incremental sync."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class DirectoryRecord(TimeStampedModel):
    """A record of the directory: public id, status and validity period.

    Records are deactivated rather than deleted, so a message service can tell
    "inactive" from "never existed".
    """

    # The id the API publishes; the integer pk stays internal and is never typed by a user.
    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=Status.choices,
        default=Status.ACTIVE,
        db_index=True,
        help_text=_(
            "Inactive records are kept, so that lookups can tell them from records that never existed."
        ),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(
        _("valid to"),
        null=True,
        blank=True,
        help_text=_("After this date the record is deactivated automatically."),
    )

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Valid to must not be before valid from.")})


def validity_period_constraint() -> models.CheckConstraint:
    """valid_to may not precede valid_from."""
    return models.CheckConstraint(
        condition=Q(valid_from__isnull=True)
        | Q(valid_to__isnull=True)
        | Q(valid_to__gte=models.F("valid_from")),
        name="%(app_label)s_%(class)s_valid_period",
        violation_error_message=_("Valid to must not be before valid from."),
    )
