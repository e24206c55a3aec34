"""One FilterSet per resource, shared by the API (``filter[...]``) and, later, exports.

Parameter names are snake_case here; the API shows them in camelCase
(``filter[participantIdentifier]``), as djangorestframework-jsonapi translates them.
"""

from __future__ import annotations

import uuid

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from addressbook import validators
from addressbook.choices import County, OrganizationKind, OrganizationType, Status
from addressbook.models import Code, CodeSystem, FunctionAddress, FunctionAddressCode, Organization
from addressbook.selectors.search import search

STATUS_ALL = "all"
STATUS_CHOICES = [*Status.choices, (STATUS_ALL, _("All"))]


class DirectoryFilterSet(django_filters.FilterSet):
    """Status (active unless asked otherwise) and change time, for every resource."""

    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES,
        method="filter_status",
        help_text=_("active (the default), inactive or all."),
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text=_("Changed at or after this time (ISO 8601).")
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            # Only the filters asked for: django-filter deep-copies every declared filter and
            # builds and validates a form field for each, most of a lookup's time. A filter
            # left out has no value, and a filter without a value filters nothing.
            self.base_filters = {name: f for name, f in self.base_filters.items() if name in data}
        super().__init__(data, *args, **kwargs)

    @property
    def qs(self) -> QuerySet:
        queryset = super().qs
        if not self.data.get("status"):
            # Only active records unless asked otherwise: what a message service routes to.
            queryset = queryset.filter(self.status_condition(Status.ACTIVE))
        return queryset

    def status_condition(self, status: str) -> Q:
        return Q(status=status)

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset if value == STATUS_ALL else queryset.filter(self.status_condition(value))


class SearchFilterMixin(django_filters.FilterSet):
    """filter[search]: every word, accent- and typo-tolerant, best matches first (see selectors/search.py)."""

    search = django_filters.CharFilter(method="filter_search")

    def filter_search(self, queryset, name, value):
        return queryset  # applied last, in qs: the search ranks a window of the filtered records

    @property
    def qs(self) -> QuerySet:
        if not hasattr(self, "_searched"):
            queryset = super().qs  # every other filter, the default status included
            text = self.form.cleaned_data.get("search") if self.is_bound and self.form.is_valid() else None
            self._searched = search(queryset, text) if text else queryset
        return self._searched


def _organization_number(value: str) -> str | None:
    """The stored form of any spelling, or None for what cannot be one (which matches nothing)."""
    try:
        return validators.normalize_organization_number(value)
    except ValidationError:
        return None


class OrganizationFilterSet(SearchFilterMixin, DirectoryFilterSet):
    """filter[...] for /api/organizations."""

    participant_identifier = django_filters.CharFilter(method="filter_participant_identifier")
    organization_number = django_filters.CharFilter(method="filter_organization_number")
    parent = django_filters.UUIDFilter(
        field_name="parent_id", help_text=_("Direct sub-organisations of this id.")
    )
    organization = django_filters.UUIDFilter(
        method="filter_organization", help_text=_("This organisation and its whole sub-tree.")
    )
    type = django_filters.ChoiceFilter(choices=OrganizationType.choices)
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices)
    county = django_filters.ChoiceFilter(field_name="county_code", choices=County.choices)
    municipality = django_filters.CharFilter(field_name="municipality_code")

    class Meta:
        model = Organization
        fields: list[str] = []

    def filter_participant_identifier(self, queryset, name, value):
        return queryset.filter(participant_identifier=validators.participant_identifier_for_lookup(value))

    def filter_organization_number(self, queryset, name, value):
        return queryset.filter(organization_number=_organization_number(value))

    def filter_organization(self, queryset, name, value):
        return queryset.filter(pk__in=Organization.objects.filter(pk=value).with_descendants().values("pk"))


class FunctionAddressFilterSet(SearchFilterMixin, DirectoryFilterSet):
    """filter[...] for /api/addresses."""

    identifier = django_filters.CharFilter(method="filter_identifier", help_text=_("Case-insensitive."))
    participant_identifier = django_filters.CharFilter(method="filter_participant_identifier")
    organization_number = django_filters.CharFilter(method="filter_organization_number")
    parent = django_filters.UUIDFilter(
        field_name="organization_id", help_text=_("Addresses of exactly this organisation.")
    )
    organization = django_filters.UUIDFilter(
        method="filter_organization", help_text=_("Addresses of this organisation and its whole sub-tree.")
    )
    type = django_filters.ChoiceFilter(field_name="organization__type", choices=OrganizationType.choices)
    kind = django_filters.ChoiceFilter(field_name="organization__kind", choices=OrganizationKind.choices)
    county = django_filters.ChoiceFilter(field_name="organization__county_code", choices=County.choices)
    municipality = django_filters.CharFilter(field_name="organization__municipality_code")
    code = django_filters.CharFilter(
        method="filter_code", help_text=_("A code (its id or its value), including its sub-codes.")
    )
    code_system = django_filters.UUIDFilter(method="filter_code_system")

    class Meta:
        model = FunctionAddress
        fields: list[str] = []

    def filter_identifier(self, queryset, name, value):
        return queryset.with_identifier(value)

    def filter_participant_identifier(self, queryset, name, value):
        return queryset.filter(
            organization__participant_identifier=validators.participant_identifier_for_lookup(value)
        )

    def filter_organization_number(self, queryset, name, value):
        participants = Organization.objects.participants().filter(
            organization_number=_organization_number(value)
        )
        return queryset.filter(organization__in=participants.with_descendants())

    def filter_organization(self, queryset, name, value):
        return queryset.filter(organization__in=Organization.objects.filter(pk=value).with_descendants())

    def filter_code(self, queryset, name, value):
        # A bare value (e.g. "psykiatri") matches that code in every code system; an id one code.
        codes = Code.objects.filter(pk=value) if _is_uuid(value) else Code.objects.filter(code__iexact=value)
        return queryset.filter(_classified_with(codes.with_descendants()))

    def filter_code_system(self, queryset, name, value):
        return queryset.filter(_classified_with(Code.objects.filter(code_system_id=value)))


class CodeSystemFilterSet(DirectoryFilterSet):
    """filter[...] for /api/codesystems."""

    identifier = django_filters.CharFilter(field_name="identifier", lookup_expr="iexact")
    version = django_filters.CharFilter()
    owner = django_filters.UUIDFilter(field_name="owner_id")

    class Meta:
        model = CodeSystem
        fields: list[str] = []


class CodeFilterSet(DirectoryFilterSet):
    """filter[...] for /api/codes and a code system's codes."""

    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")
    code_system = django_filters.UUIDFilter(field_name="code_system_id")
    parent = django_filters.UUIDFilter(field_name="parent_id")

    class Meta:
        model = Code
        fields: list[str] = []

    def status_condition(self, status: str) -> Q:
        # Codes carry an active flag rather than a status.
        return Q(active=status == Status.ACTIVE)


def _classified_with(codes) -> Exists:
    """Addresses with at least one of ``codes`` (EXISTS: no join that would repeat addresses)."""
    return Exists(FunctionAddressCode.objects.filter(function_address=OuterRef("pk"), code__in=codes))


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
