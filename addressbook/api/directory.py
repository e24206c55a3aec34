"""The directory's resources: organisations, function addresses, code systems and codes.

Each viewset declares what it offers (sorts, includes, filters, nested collections); what
they share is ``addressbook.api.base.DirectoryViewSet``.
"""

from __future__ import annotations

from addressbook import filtersets
from addressbook.api import serializers
from addressbook.api.base import DirectoryViewSet
from addressbook.choices import UsageMetric
from addressbook.models import Code, CodeSystem, FunctionAddress, Organization


class OrganizationViewSet(DirectoryViewSet):
    """Participant organisations and sub-organisations."""

    queryset = Organization.objects.all()
    serializer_class = serializers.OrganizationSerializer
    filterset_class = filtersets.OrganizationFilterSet
    allowed_sort = ("name", "participant_identifier", "organization_number", "created_at", "updated_at")
    allowed_include = ("parent",)
    resource_types = ("organizations",)
    nested = {"organization_pk": ("parent_id", Organization)}
    resolved_metric = UsageMetric.ORGANIZATION
    key_filters = ("filter[participantIdentifier]", "filter[organizationNumber]")


class FunctionAddressViewSet(DirectoryViewSet):
    """Function addresses."""

    queryset = FunctionAddress.objects.all()
    serializer_class = serializers.FunctionAddressSerializer
    filterset_class = filtersets.FunctionAddressFilterSet
    allowed_sort = ("name", "identifier", "created_at", "updated_at")
    allowed_include = ("parent", "codes")
    resource_types = ("addresses", "organizations", "codes")
    nested = {"organization_pk": ("organization_id", Organization)}
    resolved_metric = UsageMetric.ADDRESS
    key_filters = ("filter[identifier]",)


class CodeSystemViewSet(DirectoryViewSet):
    """Code systems."""

    queryset = CodeSystem.objects.all()
    serializer_class = serializers.CodeSystemSerializer
    filterset_class = filtersets.CodeSystemFilterSet
    allowed_sort = ("name", "identifier", "created_at", "updated_at")
    allowed_include = ("owner",)
    resource_types = ("codesystems", "organizations")


class CodeViewSet(DirectoryViewSet):
    """Codes, also as /api/codesystems/{id}/codes."""

    queryset = Code.objects.all()
    serializer_class = serializers.CodeSerializer
    filterset_class = filtersets.CodeFilterSet
    allowed_sort = ("code", "display_name", "created_at", "updated_at")
    allowed_include = ("code_system", "parent")
    resource_types = ("codes", "codesystems")
    nested = {"codesystem_pk": ("code_system_id", CodeSystem)}
