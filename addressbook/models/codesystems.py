"""Code systems (kodverk) and their codes, used to classify function addresses."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from addressbook import constants, trees, validators
from addressbook.choices import ResourceType
from addressbook.models.base import (
    TEXT_VALIDATORS,
    DirectoryRecord,
    TimeStampedModel,
    TreeQuerySet,
    UniqueForField,
    description_field,
    name_field,
    no_parent_cycle_trigger,
    public_id_field,
    text_without_markup,
    track_changes,
    validity_period_constraint,
)
from addressbook.models.changes import change_feed_triggers
from addressbook.models.search import code_search_trigger


@track_changes()
class CodeSystem(DirectoryRecord):
    """A code system (kodverk), e.g. a region's care classification or municipal service areas."""

    identifier = models.CharField(
        _("identifier"),
        max_length=constants.IDENTIFIER_MAX_LENGTH,
        validators=[validators.validate_identifier],
        help_text=_("Usually an OID, e.g. 1.2.752.129.2.2.3.1."),
    )
    name = name_field()
    version = models.CharField(_("version"), max_length=64, blank=True, validators=TEXT_VALIDATORS)
    description = description_field()
    owner = models.ForeignKey(
        to="addressbook.Organization",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="code_systems",
        help_text=_("The organisation that maintains the code system."),
    )

    class Meta:
        verbose_name = _("code system")
        verbose_name_plural = _("code systems")
        ordering = ["name", "id"]
        indexes = [
            # Default ordering
            models.Index(fields=["name", "id"], name="addressbook_codesys_name_idx"),
        ]
        constraints = [
            UniqueForField(
                Lower("identifier"),
                "version",
                field="identifier",
                name="%(app_label)s_%(class)s_unique_identifier_version",
                violation_error_message=_("A code system with this identifier and version already exists."),
            ),
            text_without_markup("identifier", "name", "version", "description"),
            validity_period_constraint(),
        ]
        triggers = [*change_feed_triggers(ResourceType.CODESYSTEMS, active="ROW.status = 'active'")]

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


@track_changes()
class Code(TimeStampedModel):
    """One code of a code system, optionally under a parent code of the same system."""

    id = public_id_field()
    code_system = models.ForeignKey(
        to="addressbook.CodeSystem",
        verbose_name=_("code system"),
        on_delete=models.PROTECT,
        related_name="codes",
    )
    code = models.CharField(
        _("code"),
        max_length=constants.CODE_MAX_LENGTH,
        validators=[validators.validate_identifier, validators.validate_code_value],
    )
    display_name = models.CharField(
        _("display name"), max_length=constants.NAME_MAX_LENGTH, validators=TEXT_VALIDATORS
    )
    parent = models.ForeignKey(
        to="addressbook.Code",
        verbose_name=_("parent code"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("For hierarchies, e.g. child psychiatry under psychiatry."),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = TreeQuerySet.as_manager()

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        ordering = ["code_system", "code"]
        constraints = [
            # Codes are compared case-insensitively: "PSYKIATRI" is "psykiatri".
            UniqueForField(
                "code_system",
                Lower("code"),
                field="code",
                name="%(app_label)s_%(class)s_unique_code",
                violation_error_message=_("This code already exists in the code system."),
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="%(app_label)s_%(class)s_not_own_parent"
            ),
            text_without_markup("code", "display_name"),
        ]
        indexes = [
            # Default ordering
            models.Index(fields=["code_system", "code"], name="addressbook_code_order_idx"),
        ]
        triggers = [
            no_parent_cycle_trigger(),
            code_search_trigger(),
            *change_feed_triggers(ResourceType.CODES, active="ROW.active"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})"

    def clean(self) -> None:
        super().clean()
        if self.parent_id is None:
            return
        if self.parent.code_system_id != self.code_system_id:
            raise ValidationError({"parent": _("The parent code must belong to the same code system.")})
        ancestors = trees.ancestors(self, lambda code: code.parent)
        if self.pk is not None and any(code.pk == self.pk for code in ancestors):
            raise ValidationError(
                {"parent": _("A code cannot be placed under itself or one of its sub-codes.")}
            )
        if len(ancestors) > constants.MAX_TREE_DEPTH:  # as deep as the database's trigger allows
            raise ValidationError(
                {
                    "parent": _("Codes can be nested at most %(depth)d levels deep.")
                    % {"depth": constants.MAX_TREE_DEPTH}
                }
            )
