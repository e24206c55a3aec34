"""Function addresses (funktionsadresser): the smallest addressable unit, never a person."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from addressbook import constants, validators
from addressbook.choices import ResourceType, Status
from addressbook.models.base import (
    DERIVED_FIELDS,
    TEXT_VALIDATORS,
    DirectoryRecord,
    UniqueForField,
    description_field,
    name_field,
    text_without_markup,
    track_changes,
    validity_period_constraint,
)
from addressbook.models.changes import change_feed_triggers, classification_change_trigger
from addressbook.models.organizations import AdministeredQuerySet
from addressbook.models.search import (
    address_search_trigger,
    classification_search_trigger,
    dictionary_triggers,
    search_document_field,
    search_vector_field,
    search_vector_index,
)


class FunctionAddressQuerySet(AdministeredQuerySet):
    """Lookups shared by the API, the recipient check and imports; scoped by the organisation."""

    def with_identifier(self, identifier: str) -> FunctionAddressQuerySet:
        """The address with this identifier, compared case-insensitively (uses the unique index).

        Both sides are lower-cased by PostgreSQL: Python's lower() differs from it on some
        letters (a final Σ, İ), and the address would not be found by its own identifier.
        """
        return self.alias(identifier_lower=Lower("identifier")).filter(
            identifier_lower=Lower(Value(identifier.strip()))
        )


@track_changes()
class FunctionAddress(DirectoryRecord):
    """A function address of an organisation, e.g. "Socialtjänsten, barn och unga" of Malmö stad."""

    identifier = models.CharField(
        _("identifier"),
        max_length=constants.IDENTIFIER_MAX_LENGTH,
        validators=[validators.validate_identifier],
        help_text=_(
            "Globally unique; messages carry it as their function address, "
            "e.g. sdk:inkorg:0203:digg.se. Only federation administrators can change it once saved."
        ),
    )
    name = name_field()
    description = description_field()
    keywords = ArrayField(
        models.CharField(max_length=64, validators=TEXT_VALIDATORS),
        verbose_name=_("search keywords"),
        default=list,
        blank=True,
        help_text=_("Words people search for, separated by commas."),
    )
    organization = models.ForeignKey(
        to="addressbook.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="function_addresses",
        help_text=_("The organisation or sub-organisation that receives messages sent to this address."),
    )
    codes = models.ManyToManyField(
        to="addressbook.Code",
        verbose_name=_("classification codes"),
        through="addressbook.FunctionAddressCode",
        related_name="function_addresses",
        blank=True,
    )

    confirmed_at = models.DateTimeField(
        _("confirmed staffed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When an administrator last confirmed that the address is staffed and correct."),
    )
    confirmed_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    search_document = search_document_field()
    search_vector = search_vector_field()

    objects = FunctionAddressQuerySet.as_manager()

    class Meta:
        verbose_name = _("function address")
        verbose_name_plural = _("function addresses")
        ordering = ["name", "id"]
        indexes = [
            # Default ordering
            models.Index(fields=["name", "id"], name="addressbook_address_name_idx"),
            search_vector_index("addressbook_address_words_idx"),
        ]
        constraints = [
            # Identifiers are compared case-insensitively: one address per identifier, however typed.
            UniqueForField(
                Lower("identifier"),
                field="identifier",
                name="%(app_label)s_%(class)s_unique_identifier",
                violation_error_message=_("A function address with this identifier already exists."),
            ),
            text_without_markup("identifier", "name", "description"),
            validity_period_constraint(),
        ]
        triggers = [
            address_search_trigger(),
            *dictionary_triggers(),
            *change_feed_triggers(
                ResourceType.ADDRESSES,
                active="ROW.status = 'active'",
                unpublished_fields=(*DERIVED_FIELDS, "confirmed_at", "confirmed_by"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})"

    def clean_fields(self, exclude=None) -> None:
        self.identifier = (self.identifier or "").strip()
        self.keywords = [word.strip() for word in self.keywords or [] if word.strip()]
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        super().clean()
        if self.status == Status.ACTIVE and self.organization_id and not self.organization.is_active:
            raise ValidationError(
                {"organization": _("An active function address must belong to an active organisation.")}
            )


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent(), append_only=True)
class FunctionAddressCode(models.Model):
    """The classification of a function address with a code (kept so changes are audited)."""

    function_address = models.ForeignKey(
        to="addressbook.FunctionAddress",
        verbose_name=_("function address"),
        on_delete=models.CASCADE,
        related_name="classifications",
    )
    code = models.ForeignKey(
        to="addressbook.Code",
        verbose_name=_("code"),
        on_delete=models.PROTECT,
        related_name="classifications",
    )

    class Meta:
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        constraints = [
            models.UniqueConstraint(
                fields=["function_address", "code"], name="%(app_label)s_%(class)s_unique_classification"
            ),
        ]
        triggers = [classification_search_trigger(), classification_change_trigger()]

    def __str__(self) -> str:
        return f"{self.function_address_id} → {self.code_id}"
