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

    queryset = Organization.objects.select_related("parent")
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

    # Codes are few and small: prefetched whole, so including them costs no query per row.
    queryset = FunctionAddress.objects.select_related("organization").prefetch_related("codes")
    serializer_class = serializers.FunctionAddressSerializer
    filterset_class = filtersets.FunctionAddressFilterSet
    allowed_sort = ("name", "identifier", "created_at", "updated_at")
    allowed_include = ("parent", "codes")
    resource_types = ("addresses", "organizations", "codes")
    include_prefetch = {"parent": ("organization__parent",), "codes": ("codes__code_system", "codes__parent")}
    nested = {"organization_pk": ("organization_id", Organization)}
    resolved_metric = UsageMetric.ADDRESS
    key_filters = ("filter[identifier]",)


class CodeSystemViewSet(DirectoryViewSet):
    """Code systems."""

    queryset = CodeSystem.objects.select_related("owner")
    serializer_class = serializers.CodeSystemSerializer
    filterset_class = filtersets.CodeSystemFilterSet
    allowed_sort = ("name", "identifier", "created_at", "updated_at")
    allowed_include = ("owner",)
    resource_types = ("codesystems", "organizations")
    include_prefetch = {"owner": ("owner__parent",)}


class CodeViewSet(DirectoryViewSet):
    """Codes, also as /api/codesystems/{id}/codes."""

    queryset = Code.objects.select_related("code_system", "parent")
    serializer_class = serializers.CodeSerializer
    filterset_class = filtersets.CodeFilterSet
    allowed_sort = ("code", "display_name", "created_at", "updated_at")
    allowed_include = ("code_system", "parent")
    resource_types = ("codes", "codesystems")
    include_prefetch = {"code_system": ("code_system__owner",)}
    nested = {"codesystem_pk": ("code_system_id", CodeSystem)}


#: The viewset that renders each resource type, for documents that embed records of any type.
VIEWSETS_BY_TYPE: dict[str, type[DirectoryViewSet]] = {
    "organizations": OrganizationViewSet,
    "addresses": FunctionAddressViewSet,
    "codesystems": CodeSystemViewSet,
    "codes": CodeViewSet,
}
