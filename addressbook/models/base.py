"""Abstract bases and constraint helpers shared by the address book's models."""

from __future__ import annotations

import secrets
import time
import uuid

import pghistory
import pgtrigger
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from addressbook import constants, validators
from addressbook.choices import Status

# Every free-text field: no markup, no control characters (PostgreSQL refuses NUL outright).
TEXT_VALIDATORS = [validators.reject_angle_brackets, validators.reject_control_characters]

# Derived columns (a timestamp that changes on every save, the search document and its words)
# say nothing an auditor or a syncing client needs: kept out of history and out of the change feed.
DERIVED_FIELDS = ("updated_at", "search_document", "search_vector")
# An organisation's also: the names of its parent chain, which the documents below it read.
ORGANIZATION_DERIVED_FIELDS = (*DERIVED_FIELDS, "search_names")


def track_changes():
    """Record every insert, update and delete of the model in the audit history (by trigger)."""

    def decorate(model: type[models.Model]) -> type[models.Model]:
        names = {field.name for field in model._meta.local_fields}
        return pghistory.track(
            pghistory.InsertEvent(),
            pghistory.UpdateEvent(),
            pghistory.DeleteEvent(),
            exclude=[name for name in ORGANIZATION_DERIVED_FIELDS if name in names],
            # The history is evidence: the database refuses to update or delete it.
            append_only=True,
        )(model)

    return decorate


def name_field() -> models.CharField:
    """The required display name every directory record has (≤256, no markup)."""
    return models.CharField(_("name"), max_length=constants.NAME_MAX_LENGTH, validators=TEXT_VALIDATORS)


def description_field() -> models.TextField:
    """An optional free-text description (≤1024, no markup)."""
    return models.TextField(
        _("description"),
        max_length=constants.DESCRIPTION_MAX_LENGTH,
        blank=True,
        # A TextField's max_length binds only forms: imports and services need the validator.
        validators=[*TEXT_VALIDATORS, MaxLengthValidator(constants.DESCRIPTION_MAX_LENGTH)],
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


class TreeQuerySet(models.QuerySet):
    """Queries over a ``parent`` hierarchy (organisations, codes)."""

    def with_descendants(self):
        """These rows and every row below them, in one recursive query."""
        roots_sql, params = self.values("id").query.sql_with_params()
        table = self.model._meta.db_table
        tree = RawSQL(  # noqa: S611 - only our compiled SQL, table name and a constant go in
            f"""
            WITH RECURSIVE tree(id, depth) AS (
                SELECT id, 0 FROM {table} WHERE id IN ({roots_sql})
                UNION
                SELECT child.id, tree.depth + 1 FROM {table} child JOIN tree ON child.parent_id = tree.id
                WHERE tree.depth < {constants.MAX_TREE_DEPTH}
            )
            SELECT id FROM tree
            """,  # noqa: S608
            params,
        )
        return self.model._default_manager.filter(id__in=tree)


def no_parent_cycle_trigger() -> pgtrigger.Trigger:
    """A trigger that refuses a ``parent`` that would make a row its own ancestor.

    ``clean()`` reports cycles to the user; this refuses them whatever path a write takes
    (bulk updates, imports, SQL). The advisory lock serialises re-parenting in one table, so
    two concurrent moves (A under B, B under A) cannot both pass their check.
    """
    return pgtrigger.Trigger(
        name="prevent_parent_cycle",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update,
        condition=pgtrigger.Q(new__parent_id__isnull=False),
        func=pgtrigger.Func(
            """
            IF TG_OP = 'UPDATE' AND OLD.parent_id IS NOT DISTINCT FROM NEW.parent_id THEN
                RETURN NEW;
            END IF;
            PERFORM pg_advisory_xact_lock(hashtext(TG_TABLE_NAME));
            IF EXISTS (
                WITH RECURSIVE ancestors(id, parent_id, depth) AS (
                    SELECT id, parent_id, 1 FROM {meta.db_table} WHERE id = NEW.parent_id
                    UNION ALL
                    SELECT row.id, row.parent_id, ancestors.depth + 1
                    FROM {meta.db_table} row JOIN ancestors ON row.id = ancestors.parent_id
                    WHERE ancestors.depth <= MAX_DEPTH
                )
                SELECT 1 FROM ancestors WHERE id = NEW.id OR depth > MAX_DEPTH
            ) THEN
                RAISE EXCEPTION '% % would be its own ancestor', TG_TABLE_NAME, NEW.id
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
            """.replace("MAX_DEPTH", str(constants.MAX_TREE_DEPTH))
        ),
    )


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


def time_ordered_uuid() -> uuid.UUID:
    """A random UUID whose first 48 bits are the creation time in milliseconds (UUIDv7 layout).

    Public ids are UUIDs, so they reveal nothing about how many records exist; being ordered by
    creation time keeps the primary-key index compact and gives a stable paging order in
    which new records come last.
    """
    value = (time.time_ns() // 1_000_000) << 80 | secrets.randbits(80)
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    return uuid.UUID(int=value)


def public_id_field() -> models.UUIDField:
    """The primary key of every published record: the ``id`` of the API's resources."""
    return models.UUIDField(_("id"), primary_key=True, default=time_ordered_uuid, editable=False)


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

    id = public_id_field()
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

    def validate_for_save(self) -> None:
        """``full_clean()``, with the work PostgreSQL does anyway left to PostgreSQL.

        Every check constraint mirrors a field rule or ``clean()`` that runs here, and Django
        would spend a query on each (imports save thousands of rows); only the unique
        constraints, whose clashes people must see on the field, are checked in Python. The
        primary key is a fresh time-ordered UUID: no need to ask whether it is taken.
        """
        exclude = {"id"}
        errors: dict[str, list] = {}
        try:
            self.full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for model, constraints in self.get_constraints():
            for constraint in constraints:
                if not isinstance(constraint, models.UniqueConstraint):
                    continue
                try:
                    constraint.validate(
                        model, self, exclude=exclude | set(errors), using=self._state.db or "default"
                    )
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def validity_period_constraint() -> models.CheckConstraint:
    """valid_to may not precede valid_from."""
    return models.CheckConstraint(
        condition=Q(valid_from__isnull=True)
        | Q(valid_to__isnull=True)
        | Q(valid_to__gte=models.F("valid_from")),
        name="%(app_label)s_%(class)s_valid_period",
        violation_error_message=_("Valid to must not be before valid from."),
    )
