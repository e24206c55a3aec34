"""JSON:API resources: attribute names in camelCase as the reference address book uses them.

To-one relationships carry their data and can be included (``include=parent``). An
organisation's to-many relationships (its addresses and sub-organisations) are links to
their collections: a region has thousands of addresses, too many for one document.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers as drf_serializers
from rest_framework_json_api import serializers
from rest_framework_json_api.relations import HyperlinkedRelatedField, ResourceRelatedField

from addressbook import validators
from addressbook.models import Code, CodeSystem, FunctionAddress, Organization

DIRECTORY_FIELDS = ("status", "valid_from", "valid_to", "created_at", "updated_at")


@extend_schema_field(
    {
        "type": "object",
        "description": "A link to the related collection (links.related), which pages and filters.",
        "properties": {"links": {"type": "object", "properties": {"related": {"type": "string"}}}},
    }
)
class CollectionLink(HyperlinkedRelatedField):
    """A to-many relationship given as a link to its collection endpoint, without data."""


class OrganizationNumberField(drf_serializers.CharField):
    """The stored ten digits, shown the way Swedes write them (NNNNNN-NNNN)."""

    def to_representation(self, value):
        return validators.format_organization_number(value)


class RelatedResource(ResourceRelatedField):
    """A to-one or to-many relationship whose resource type is worked out once per field.

    The library asks which type an included record would have for every record and
    relationship, running inflection's singular and plural regexes each time: a third of a
    1,000-record sync page. The answer depends only on the field and its serializer class.
    """

    def get_resource_type_from_included_serializer(self):
        try:
            return self._included_resource_type
        except AttributeError:
            self._included_resource_type = super().get_resource_type_from_included_serializer()
            return self._included_resource_type


class OrganizationSerializer(serializers.ModelSerializer):
    """An organisation (type o) or sub-organisation (type ou)."""

    # JSON:API reserves "type" for the resource type, so Digg's o/ou type is organizationType.
    organization_type = drf_serializers.CharField(source="type", read_only=True)
    organization_number = OrganizationNumberField(read_only=True)
    county = drf_serializers.CharField(source="county_code", read_only=True)
    municipality = drf_serializers.CharField(source="municipality_code", read_only=True)
    parent = RelatedResource(read_only=True)
    sub_organizations = CollectionLink(
        read_only=True,
        many=True,
        related_link_view_name="addressbook-api:organization-sub-organizations",
        related_link_url_kwarg="organization_pk",
    )
    addresses = CollectionLink(
        source="function_addresses",
        read_only=True,
        many=True,
        related_link_view_name="addressbook-api:organization-addresses",
        related_link_url_kwarg="organization_pk",
    )

    included_serializers = {"parent": "addressbook.api.serializers.OrganizationSerializer"}

    class Meta:
        model = Organization
        resource_name = "organizations"
        fields = (
            "organization_type",
            "participant_identifier",
            "local_identifier",
            "organization_number",
            "name",
            "alternate_name",
            "description",
            "country_code",
            "kind",
            "county",
            "municipality",
            *DIRECTORY_FIELDS,
            "parent",
            "sub_organizations",
            "addresses",
        )


class CodeSystemSerializer(serializers.ModelSerializer):
    """A code system (kodverk)."""

    owner = RelatedResource(read_only=True)
    codes = CollectionLink(
        read_only=True,
        many=True,
        related_link_view_name="addressbook-api:codesystem-codes",
        related_link_url_kwarg="codesystem_pk",
    )

    included_serializers = {"owner": OrganizationSerializer}

    class Meta:
        model = CodeSystem
        resource_name = "codesystems"
        fields = ("identifier", "name", "version", "description", *DIRECTORY_FIELDS, "owner", "codes")


class CodeSerializer(serializers.ModelSerializer):
    """A code of a code system."""

    code_system = RelatedResource(read_only=True)
    parent = RelatedResource(read_only=True)

    included_serializers = {
        "code_system": CodeSystemSerializer,
        "parent": "addressbook.api.serializers.CodeSerializer",
    }

    class Meta:
        model = Code
        resource_name = "codes"
        fields = ("code", "display_name", "active", "created_at", "updated_at", "code_system", "parent")


class FunctionAddressSerializer(serializers.ModelSerializer):
    """A function address; ``parent`` is the organisation that receives its messages."""

    parent = RelatedResource(source="organization", read_only=True)
    codes = RelatedResource(read_only=True, many=True)

    included_serializers = {"parent": OrganizationSerializer, "codes": CodeSerializer}

    class Meta:
        model = FunctionAddress
        resource_name = "addresses"
        fields = ("identifier", "name", "description", "keywords", *DIRECTORY_FIELDS, "parent", "codes")
