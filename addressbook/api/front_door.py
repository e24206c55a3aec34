"""The API's front door (/api/): a JSON:API document linking everything the API offers.

The primary data is the API as one resource (type ``api``, id its version) whose relationships
each have a related link (JSON:API 1.0 allows no other link names in a document or a resource).

A client (or a person with a browser) given only the base URL finds every collection, the
change feed, the recipient check, each statistics dataset, the OpenAPI schema and the docs
from here, as absolute URLs built from the request (so they name the host and scheme the
client used, behind a proxy too). It is an API request like any other: English unless asked
otherwise, cache headers, counted in usage, and any query parameter is a 400 naming it.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.response import Response
from rest_framework_json_api.utils import format_value  # camelCase, as the rest of the API

from addressbook.api.base import PlainParametersView
from addressbook.api.renderers import Document
from addressbook.api.schema import document_schema, related_link, resource_schema
from addressbook.selectors.datasets import DATASETS

#: Relationship name → (URL name under the API's namespace, what it leads to, for the schema).
ENDPOINTS = {
    "organizations": ("organization-list", "Participants and sub-organisations."),
    "addresses": ("address-list", "Function addresses."),
    "codesystems": ("codesystem-list", "Code systems."),
    "codes": ("code-list", "Codes."),
    "changes": ("changes", "The change feed: every create, update, deactivation and deletion, in order."),
    "recipientCheck": (
        "recipient-check",
        "The recipient check (needs filter[participantIdentifier] and filter[identifier]).",
    ),
    "schema": ("schema", "The OpenAPI schema."),
    "docs": ("docs", "The interactive docs."),
}


def statistics_link_name(dataset: str) -> str:
    """A dataset's relationship name: statisticsLookupsPerDay for lookups_per_day."""
    return format_value(f"statistics_{dataset}", "camelize")


RELATIONSHIPS = {
    **{name: description for name, (_url_name, description) in ENDPOINTS.items()},
    **{
        statistics_link_name(dataset): f"The statistics dataset {dataset} (the analyst scope only)."
        for dataset in DATASETS
    },
}

#: The API itself is the primary data, each place it offers a relationship with a related link:
#: JSON:API 1.0 allows a document, or a resource, no other link names than self and the like.
API_RESOURCE_SCHEMA = resource_schema(
    "api", {}, {name: related_link(description) for name, description in RELATIONSHIPS.items()}
)
API_RESOURCE_SCHEMA["required"] = ["type", "id", "links", "relationships"]
API_RESOURCE_SCHEMA["properties"]["relationships"]["required"] = list(RELATIONSHIPS)
API_RESOURCE_SCHEMA["properties"]["links"] = {
    "type": "object",
    "required": ["self"],
    "additionalProperties": False,
    "properties": {"self": {"type": "string", "format": "uri"}},
}
FRONT_DOOR_SCHEMA = document_schema(
    API_RESOURCE_SCHEMA,
    meta={
        "type": "object",
        "required": ["name", "version", "docs"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string"},
            "version": {"type": "string"},
            "docs": {"type": "string", "format": "uri"},
        },
    },
)


@extend_schema_view(
    get=extend_schema(
        operation_id="front_door",
        tags=["front-door"],
        description=(
            "The API's front door: one resource of type api whose relationships' related links "
            "lead to every collection, the change feed, the recipient check, each statistics "
            "dataset (statistics need a token with the analyst scope), the OpenAPI schema and the "
            "docs, as absolute URLs. No query parameters."
        ),
        responses={200: FRONT_DOOR_SCHEMA},
    )
)
class FrontDoorView(PlainParametersView):
    """/api/: the API as one resource of type ``api`` (id: its version) whose relationships'
    related links lead to everything it offers; ``meta`` names the API, its version, its docs."""

    def get(self, request):
        self.parameters(request)  # none are offered: any is a 400 naming it

        def url(name: str, **kwargs) -> str:
            return request.build_absolute_uri(reverse(f"addressbook-api:{name}", kwargs=kwargs))

        urls = {link: url(url_name) for link, (url_name, _description) in ENDPOINTS.items()}
        urls.update(
            {statistics_link_name(dataset): url("statistics", dataset=dataset) for dataset in DATASETS}
        )
        version = settings.SPECTACULAR_SETTINGS["VERSION"]
        here = {"self": url("front-door")}
        document = {
            "data": {
                "type": "api",
                "id": version,
                "links": here,
                "relationships": {name: {"links": {"related": urls[name]}} for name in RELATIONSHIPS},
            },
            "links": here,
            "meta": {
                "name": settings.SPECTACULAR_SETTINGS["TITLE"],
                "version": version,
                "docs": urls["docs"],
            },
        }
        return Response(Document(document))
