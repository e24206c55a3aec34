"""OpenAPI 3 for the lookup API (drf-spectacular with drf-spectacular-jsonapi)."""

from __future__ import annotations

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular_jsonapi.schemas.openapi import JsonApiAutoSchema
from rest_framework_json_api.utils import format_field_name

_FILTER = re.compile(r"^filter\[(?P<name>[a-z0-9_]+)\]$")


class JsonApiSchema(JsonApiAutoSchema):
    """drf-spectacular-jsonapi's schema, accepting hand-written response schemas (plain dicts)."""

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        if isinstance(serializer, dict):
            return AutoSchema._get_response_for_code(self, serializer, status_code, media_types, direction)
        return super()._get_response_for_code(serializer, status_code, media_types, direction)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes ``Authorization: Bearer <token>`` (API clients' tokens)."""

    target_class = "addressbook.api.access.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API client's token. Optional unless the server requires tokens.",
        }


ERRORS_SCHEMA = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "status": {"type": "string"},
                    "code": {"type": "string"},
                    "title": {"type": "string"},
                    "detail": {"type": "string"},
                    "source": {
                        "type": "object",
                        "properties": {"parameter": {"type": "string"}, "pointer": {"type": "string"}},
                    },
                },
            },
        }
    },
}
LINKS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "string", "format": "uri", "nullable": True},
}
ERROR_RESPONSES = {
    "400": "A query parameter is unknown or has a bad value (named in source.parameter).",
    "401": "A token was sent but is unknown, expired or revoked (or one is required).",
    "404": "No such resource.",
    "429": "Too many requests; see the Retry-After header.",
}


def complete_documents(result, generator, request, public):
    """Describe the documents as the server sends them, so a generated client works.

    drf-spectacular-jsonapi describes a page as a bare array and a plain-JSON single resource
    as a bare resource object; both are JSON:API documents with data, links, meta, included.
    Errors, 304s and ids are described too, and DRF's unused ``format`` parameter is dropped.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in list(schemas.items()):
        if name.startswith("Paginated") and schema.get("type") == "array":
            schemas[name] = {
                "type": "object",
                "required": ["data"],
                "properties": {
                    "data": schema,
                    "included": {"type": "array", "items": {"type": "object"}},
                    "links": LINKS_SCHEMA,
                    "meta": {"type": "object"},
                },
            }
        properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
        if "id" in properties and properties["id"] == {}:
            properties["id"] = {"type": "string", "format": "uuid"}
    schemas["Errors"] = ERRORS_SCHEMA
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            operation["parameters"] = [
                p for p in operation.get("parameters", []) if p.get("name") != "format"
            ]
            ok = operation["responses"].get("200", {}).get("content", {})
            if "application/vnd.api+json" in ok:
                ok["application/json"] = ok["application/vnd.api+json"]
            operation["responses"].setdefault("304", {"description": "Not modified (If-None-Match)."})
            for status, text in ERROR_RESPONSES.items():
                operation["responses"].setdefault(
                    status,
                    {
                        "description": text,
                        "content": {
                            "application/vnd.api+json": {"schema": {"$ref": "#/components/schemas/Errors"}}
                        },
                    },
                )
    return result


def camelize_filter_parameters(result, generator, request, public):
    """Show filters as clients send them: filter[codeSystem], not filter[code_system]."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                match = _FILTER.match(parameter.get("name", ""))
                if match:
                    parameter["name"] = f"filter[{format_field_name(match['name'])}]"
    return result


def document_schema(data: dict, *, included: bool = False) -> dict:
    """The OpenAPI schema of a JSON:API document whose primary data is ``data``."""
    properties = {
        "data": data,
        "links": {"type": "object", "additionalProperties": {"type": "string", "nullable": True}},
    }
    if included:
        properties["included"] = {"type": "array", "items": {"type": "object"}}
    properties["meta"] = {"type": "object"}
    return {"type": "object", "required": ["data"], "properties": properties}


def resource_schema(type_name: str, attributes: dict, relationships: list[str]) -> dict:
    """The OpenAPI schema of one JSON:API resource object."""
    identifier = {
        "type": "object",
        "nullable": True,
        "properties": {"type": {"type": "string"}, "id": {"type": "string"}},
    }
    return {
        "type": "object",
        "required": ["type", "id"],
        "properties": {
            "type": {"type": "string", "enum": [type_name]},
            "id": {"type": "string"},
            "attributes": {"type": "object", "properties": attributes},
            "relationships": {
                "type": "object",
                "properties": {
                    name: {"type": "object", "properties": {"data": identifier}} for name in relationships
                },
            },
        },
    }


def query_parameters(descriptions: dict[str, str], *, required: bool = False) -> list[OpenApiParameter]:
    """The OpenAPI query parameters of a plain endpoint, from its name → description table."""
    return [
        OpenApiParameter(name, str, OpenApiParameter.QUERY, required=required, description=text)
        for name, text in descriptions.items()
    ]
