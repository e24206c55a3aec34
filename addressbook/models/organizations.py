"""Organisations: SDK participants (type o) and their sub-organisations (type ou)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from addressbook import constants, trees, validators
from addressbook.choices import County, OrganizationKind, OrganizationType, ResourceType, Role
from addressbook.models.base import (
    ORGANIZATION_DERIVED_FIELDS,
    TEXT_VALIDATORS,
    DirectoryRecord,
    TreeQuerySet,
    UniqueForField,
    description_field,
    name_field,
    no_parent_cycle_trigger,
    text_without_markup,
    track_changes,
    validity_period_constraint,
)
from addressbook.models.changes import change_feed_triggers
from addressbook.models.roles import is_federation_administrator, role_of
from addressbook.models.search import (
    dictionary_triggers,
    organization_search_triggers,
    search_document_field,
    search_names_field,
    search_vector_field,
    search_vector_index,
)


class AdministeredQuerySet(models.QuerySet):
    """Rows that belong to an organisation, and so to whoever administers it.

    ``administered_by(user)`` is the one answer to "which of these may this user see and
    change?", asked by every admin page, form choice, bulk action, import and export:
    everything for federation administrators, an organisation administrator's organisations
    with everything beneath them, nothing for anyone else. ``None`` is the operator at the
    command line (``import_addressbook`` without ``--user``), who is not limited.
    """

    #: The path from a row to the organisation it belongs to.
    organization_path = "organization"

    def administered_by(self, user):
        if user is None or is_federation_administrator(user):
            return self
        if role_of(user) != Role.ORGANIZATION_ADMINISTRATOR:
            return self.none()
        kept = Organization.objects.filter(administered_by__staff_role__user=user).with_descendants()
        return self.filter(**{f"{self.organization_path}__in": kept})


class OrganizationQuerySet(TreeQuerySet, AdministeredQuerySet):
    """Filters shared by the admin, the API and exports."""

    organization_path = "pk"

    def participants(self) -> OrganizationQuerySet:
        return self.filter(type=OrganizationType.PARTICIPANT)


@track_changes()
class Organization(DirectoryRecord):
    """A participant organisation in SDK, or a sub-organisation inside one."""

    type = models.CharField(
        _("type"),
        max_length=2,
        choices=OrganizationType.choices,
        default=OrganizationType.PARTICIPANT,
        help_text=_(
            "A participant organisation is connected to SDK itself; a sub-organisation is a unit inside one."
        ),
    )
    parent = models.ForeignKey(
        to="addressbook.Organization",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_organizations",
        help_text=_("Required for sub-organisations; left empty for participant organisations."),
    )
    participant_identifier = models.CharField(
        _("participant identifier"),
        max_length=constants.IDENTIFIER_MAX_LENGTH,
        blank=True,
        db_index=True,
        help_text=_(
            "ISO 6523 identifier that routes messages, e.g. 0203:malmo.se. "
            "Sub-organisations carry their participant's identifier."
        ),
    )
    local_identifier = models.CharField(
        _("local identifier"),
        max_length=constants.LOCAL_IDENTIFIER_MAX_LENGTH,
        blank=True,
        validators=[validators.validate_identifier],
        help_text=_(
            "A sub-organisation's stable key within its participant organisation, e.g. an HSA-id "
            "or a short name such as socialforvaltningen. Spreadsheet imports find sub-organisations "
            "by it. Made from the name when left empty."
        ),
    )
    organization_number = models.CharField(
        _("organisation number"),
        # Room for the typed 16NNNNNN-NNNN form; the stored form is 10 digits (a CHECK below).
        max_length=13,
        blank=True,
        db_index=True,
        help_text=_("Swedish organisation number, NNNNNN-NNNN."),
    )
    name = name_field()
    alternate_name = models.CharField(
        _("alternate name"),
        max_length=constants.NAME_MAX_LENGTH,
        blank=True,
        validators=TEXT_VALIDATORS,
        help_text=_("Another name people search for, e.g. an abbreviation."),
    )
    description = description_field()
    country_code = models.CharField(
        _("country code"),
        max_length=2,
        default="SE",
        validators=[validators.validate_country_code],
        help_text=_("ISO 3166-1 alpha-2, e.g. SE."),
    )
    kind = models.CharField(
        _("category"),
        max_length=32,
        choices=OrganizationKind.choices,
        default=OrganizationKind.OTHER,
        help_text=_(
            "Municipality, region, agency …; "
            "sub-organisations take their participant organisation's category."
        ),
    )
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=4,
        blank=True,
        validators=[validators.validate_municipality_code],
        help_text=_("Statistics Sweden (SCB) municipality code, four digits, e.g. 1280 for Malmö."),
    )
    county_code = models.CharField(
        _("county"),
        max_length=2,
        blank=True,
        choices=County.choices,
        help_text=_("Statistics Sweden (SCB) county code."),
    )

    search_names = search_names_field()
    search_document = search_document_field()
    search_vector = search_vector_field()

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        indexes = [
            # Default ordering (admin changelist, API listing)
            models.Index(fields=["name", "id"], name="addressbook_org_name_idx"),
            search_vector_index("addressbook_org_words_idx"),
        ]
        constraints = [
            UniqueForField(
                "participant_identifier",
                field="participant_identifier",
                condition=Q(type=OrganizationType.PARTICIPANT),
                name="%(app_label)s_%(class)s_unique_participant_identifier",
                violation_error_message=_("Another participant organisation already has this identifier."),
            ),
            UniqueForField(
                "participant_identifier",
                Lower("local_identifier"),
                field="local_identifier",
                condition=Q(type=OrganizationType.SUB_ORGANIZATION),
                name="%(app_label)s_%(class)s_unique_local_identifier",
                violation_error_message=_(
                    "Another sub-organisation of this participant already has this local identifier."
                ),
            ),
            models.CheckConstraint(
                condition=Q(type=OrganizationType.PARTICIPANT, local_identifier="")
                | (Q(type=OrganizationType.SUB_ORGANIZATION) & ~Q(local_identifier="")),
                name="%(app_label)s_%(class)s_local_identifier_for_sub_organizations",
                violation_error_message=_(
                    "Only sub-organisations have a local identifier, and each has one."
                ),
            ),
            UniqueForField(
                "organization_number",
                field="organization_number",
                condition=Q(type=OrganizationType.PARTICIPANT) & ~Q(organization_number=""),
                name="%(app_label)s_%(class)s_unique_organization_number",
                violation_error_message=_(
                    "Another participant organisation already has this organisation number."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(type=OrganizationType.PARTICIPANT, parent__isnull=True) & ~Q(participant_identifier="")
                )
                | Q(type=OrganizationType.SUB_ORGANIZATION, parent__isnull=False),
                name="%(app_label)s_%(class)s_type_matches_parent",
                violation_error_message=_(
                    "A participant organisation must have an identifier and no parent; "
                    "a sub-organisation must have a parent."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="%(app_label)s_%(class)s_not_own_parent",
                violation_error_message=_("An organisation cannot be its own parent."),
            ),
            models.CheckConstraint(
                condition=Q(organization_number="") | Q(organization_number__regex=r"^[0-9]{10}$"),
                name="%(app_label)s_%(class)s_organization_number_digits",
                violation_error_message=_("Enter an organisation number as NNNNNN-NNNN (10 digits)."),
            ),
            # The stored forms, whatever path a write takes (the validators produce them).
            models.CheckConstraint(
                condition=Q(participant_identifier="")
                | (
                    Q(participant_identifier__regex=r"^[0-9]{4}:[^[:space:]]+$")
                    & Q(participant_identifier=Lower("participant_identifier"))
                ),
                name="%(app_label)s_%(class)s_participant_identifier_form",
                violation_error_message=_(
                    "Enter a participant identifier as ICD:value, for example 0203:malmo.se."
                ),
            ),
            models.CheckConstraint(
                condition=Q(country_code__regex=r"^[A-Z]{2}$"),
                name="%(app_label)s_%(class)s_country_code_form",
                violation_error_message=_("ISO 3166-1 alpha-2, e.g. SE."),
            ),
            models.CheckConstraint(
                condition=Q(municipality_code="")
                | (
                    Q(municipality_code__regex=r"^[0-9]{4}$")
                    & (Q(county_code="") | Q(municipality_code__startswith=models.F("county_code")))
                ),
                name="%(app_label)s_%(class)s_municipality_in_county",
                violation_error_message=_("The municipality code does not lie in the county."),
            ),
            text_without_markup("name", "alternate_name", "description"),
            validity_period_constraint(),
        ]
        triggers = [
            # The last line of defence for bulk writes and imports: clean() reports cycles
            # to the user, this refuses them whatever path the write takes.
            no_parent_cycle_trigger(),
            *organization_search_triggers(),
            *dictionary_triggers(),
            *change_feed_triggers(
                ResourceType.ORGANIZATIONS,
                active="ROW.status = 'active'",
                unpublished_fields=ORGANIZATION_DERIVED_FIELDS,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def organization_number_display(self) -> str:
        return validators.format_organization_number(self.organization_number)

    def ancestors(self) -> list[Organization]:
        """The parent chain, nearest first (bounded, so a corrupt chain cannot loop forever)."""
        return trees.ancestors(self, lambda organization: organization.parent)

    def clean_fields(self, exclude=None) -> None:
        """Normalise identifiers before the field validators and unique checks see them."""
        errors: dict[str, list[ValidationError]] = {}
        exclude = set(exclude or ())
        if (
            self.type == OrganizationType.PARTICIPANT
            and "participant_identifier" not in exclude
            and self.participant_identifier
        ):
            try:
                self.participant_identifier = validators.normalize_participant_identifier(
                    self.participant_identifier
                )
            except ValidationError as error:
                errors["participant_identifier"] = error.error_list
        if self.organization_number and "organization_number" not in exclude:
            try:
                self.organization_number = validators.normalize_organization_number(self.organization_number)
            except ValidationError as error:
                errors["organization_number"] = error.error_list
        self.country_code = (self.country_code or "").strip().upper()
        try:
            super().clean_fields(exclude=exclude | set(errors))
        except ValidationError as error:
            errors.update(error.update_error_dict({}))
        if errors:
            raise ValidationError(errors)

    def clean(self) -> None:
        super().clean()
        self._clean_place()
        if self.type == OrganizationType.PARTICIPANT:
            if self.parent_id is not None:
                raise ValidationError(
                    {"parent": _("A participant organisation cannot have a parent organisation.")}
                )
            if not self.participant_identifier:
                raise ValidationError(
                    {"participant_identifier": _("A participant organisation needs an identifier.")}
                )
            # A participant is found by its participant identifier; local keys are for units.
            self.local_identifier = ""
            return
        if self.parent_id is None:
            raise ValidationError({"parent": _("A sub-organisation must have a parent organisation.")})
        if self.is_active and not self.parent.is_active:
            raise ValidationError(
                {
                    "status": _(
                        "A sub-organisation cannot be active while its parent organisation is inactive."
                    )
                }
            )
        ancestors = self.ancestors()
        if self.pk is not None and any(a.pk == self.pk for a in ancestors):
            raise ValidationError(
                {
                    "parent": _(
                        "An organisation cannot be placed under itself or one of its sub-organisations."
                    )
                }
            )
        if len(ancestors) > constants.MAX_TREE_DEPTH:
            raise ValidationError(
                {
                    "parent": _("Sub-organisations can be nested at most %(depth)d levels deep.")
                    % {"depth": constants.MAX_TREE_DEPTH}
                }
            )
        # A sub-organisation is reached through its participant: it carries the same identifier
        # and, unless told otherwise, the same kind and place.
        root = ancestors[-1]
        self.participant_identifier = root.participant_identifier
        self.local_identifier = self.local_identifier.strip() or self._free_local_identifier()
        self.kind = root.kind
        self.county_code = self.county_code or next((a.county_code for a in ancestors if a.county_code), "")
        self.municipality_code = self.municipality_code or next(
            (a.municipality_code for a in ancestors if a.municipality_code), ""
        )
        self._clean_place()

    def _free_local_identifier(self) -> str:
        """A key made from the name that no other unit of the participant has yet."""
        base = slugify(self.name)[: constants.LOCAL_IDENTIFIER_MAX_LENGTH - 4] or "enhet"
        taken = set(
            Organization.objects.filter(
                type=OrganizationType.SUB_ORGANIZATION,
                participant_identifier=self.participant_identifier,
                local_identifier__istartswith=base,
            )
            .exclude(pk=self.pk)
            .values_list(Lower("local_identifier"), flat=True)
        )
        return next(
            candidate
            for candidate in (
                base if number == 1 else f"{base}-{number}" for number in range(1, len(taken) + 2)
            )
            if candidate not in taken
        )

    def _clean_place(self) -> None:
        # SCB numbering: a kommunkod starts with the länskod of its county.
        if (
            self.municipality_code
            and self.county_code
            and not self.municipality_code.startswith(self.county_code)
        ):
            raise ValidationError(
                {"municipality_code": _("The municipality code does not lie in the county.")}
            )
