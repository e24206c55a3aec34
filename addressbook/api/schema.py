"""OpenAPI 3 for the lookup API (drf-spectacular with drf-spectacular-jsonapi).

The schema is a contract that generated clients validate answers against, so it describes
what the server sends rather than what the libraries guess from the models: resource types
as published ("organizations", not the model's "Organization"), relationships as
``api/documents.py`` renders them (to-one ``data`` that may be null, to-many ``data`` with
``meta.count``, collection links without ``data``), attributes that ``fields[type]`` may
leave out, and every status as a JSON:API error document. Query parameters are described as
tightly as the server checks them: what the schema allows is answered, what it forbids is a
400. ``tests/api/test_schema_conformance.py`` holds a live server to all of it.
"""

from __future__ import annotations

import re

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_array_type, build_parameter_type
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular_jsonapi.schemas.converters import JsonApiResourceObject
from drf_spectacular_jsonapi.schemas.openapi import JsonApiAutoSchema
from rest_framework_json_api.utils import format_field_name, get_resource_type_from_serializer

from addressbook.api import documents
from addressbook.api.query import fieldset_names

_FILTER = re.compile(r"^filter\[(?P<name>[a-z0-9_]+)\]$")

#: Free text as the server reads it: not blank (a filter without a value would match
#: everything, so it is refused) and without NUL (PostgreSQL refuses it in text).
TEXT_PATTERN = r"^[^\x00]*[^\s\x00][^\x00]*$"
JSONAPI_MEDIA_TYPE = "application/vnd.api+json"
#: Every answer comes as either: clients that only accept JSON get the same document.
MEDIA_TYPES = (JSONAPI_MEDIA_TYPE, "application/json")


def text_schema() -> dict:
    """The schema of a query parameter read as free text."""
    return {"type": "string", "pattern": TEXT_PATTERN}


def identifier_schema(*resource_types: str) -> dict:
    """A resource identifier object (``{"type", "id"}``) of one of these resource types."""
    return {
        "type": "object",
        "required": ["type", "id"],
        "additionalProperties": False,
        "properties": {
            "type": {"type": "string", "enum": list(resource_types)},
            "id": {"type": "string", "format": "uuid"},
        },
    }


def to_one(*resource_types: str, nullable: bool = False) -> dict:
    """A to-one relationship object: ``data`` names a record of one of these types (or is null)."""
    data = identifier_schema(*resource_types)
    return {
        "type": "object",
        "required": ["data"],
        "additionalProperties": False,
        "properties": {"data": {**data, "nullable": True} if nullable else data},
    }


def relationship_schemas(writer: documents.ResourceWriter) -> dict[str, dict]:
    """Each relationship as ``ResourceWriter.render`` writes it, by published name."""
    relationships = {}
    for relationship in writer.relationships:
        if relationship.column:
            key = next(f for f in writer.model._meta.concrete_fields if f.attname == relationship.column)
            relationships[relationship.name] = to_one(relationship.resource_type, nullable=key.null)
        else:
            relationships[relationship.name] = {
                "type": "object",
                "required": ["data", "meta"],
                "additionalProperties": False,
                "properties": {
                    "data": {"type": "array", "items": identifier_schema(relationship.resource_type)},
                    "meta": {
                        "type": "object",
                        "required": ["count"],
                        "properties": {"count": {"type": "integer", "minimum": 0}},
                    },
                },
            }
    for link in writer.links:
        relationships[link.name] = related_link(
            "A link to the related collection, which pages and filters (no data)."
        )
    return relationships


def related_link(description: str) -> dict:
    """A relationship object that is only a link (``links.related``) to where the records are."""
    return {
        "type": "object",
        "description": description,
        "required": ["links"],
        "additionalProperties": False,
        "properties": {
            "links": {
                "type": "object",
                "required": ["related"],
                "additionalProperties": False,
                "properties": {"related": {"type": "string", "format": "uri"}},
            }
        },
    }


class DirectoryResourceObject(JsonApiResourceObject):
    """A resource object as ``api/documents.py`` renders it.

    Any attribute or relationship may be absent (``fields[type]`` leaves out those it does
    not name, ``fields[type]=`` all of them), and relationships are described from the
    renderer itself rather than from the model's foreign keys.
    """

    def _split_into_attributes_and_relationships(self):
        super()._split_into_attributes_and_relationships()
        properties = self._schema["properties"]
        writer = documents.writer_for(get_resource_type_from_serializer(serializer=self.serializer))
        if "attributes" in properties:
            properties["attributes"].pop("required", None)
            properties["attributes"]["additionalProperties"] = False
        relationships = relationship_schemas(writer)
        if relationships:
            properties["relationships"] = {
                "type": "object",
                "additionalProperties": False,
                "properties": relationships,
            }


class JsonApiSchema(JsonApiAutoSchema):
    """drf-spectacular-jsonapi's schema with the documents and parameters the server really has.

    Includes, sparse fieldsets and sorts come from what the view offers (``allowed_include``,
    ``resource_types``, ``allowed_sort``); hand-written response schemas (plain dicts) are
    accepted as they are.
    """

    json_api_resource_object_converter_class = DirectoryResourceObject

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        if isinstance(serializer, dict):
            return AutoSchema._get_response_for_code(self, serializer, status_code, media_types, direction)
        return super()._get_response_for_code(serializer, status_code, media_types, direction)

    def get_include_parameter(self):
        allowed = getattr(self.view, "allowed_include", ())
        if not allowed:
            return {}
        return {
            ("include", "query"): build_parameter_type(
                name="include",
                location="query",
                schema={
                    **build_array_type({"type": "string", "enum": [format_field_name(n) for n in allowed]}),
                    "minItems": 1,
                },
                explode=False,
                description="Related resources to add as `included` (comma-separated).",
            )
        }

    def get_sparse_fieldset_parameters(self):
        parameters = {}
        for resource_type in getattr(self.view, "resource_types", ()):
            name = f"fields[{resource_type}]"
            parameters[name, "query"] = build_parameter_type(
                name=name,
                location="query",
                schema=build_array_type({"type": "string", "enum": fieldset_names(resource_type)}),
                explode=False,
                description=(
                    f"Only these fields of {resource_type} resources (comma-separated); "
                    "empty for none (type and id only). An unknown field name is a 400."
                ),
            )
        return parameters

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            if parameter["name"] == "sort":
                parameter.update(self._sort_parameter())
            elif parameter["name"].startswith("filter[") and set(parameter["schema"]) == {"type"}:
                parameter["schema"] = text_schema()
        return parameters

    def _sort_parameter(self) -> dict:
        names = [format_field_name(name) for name in getattr(self.view, "allowed_sort", ())]
        return {
            "schema": {
                **build_array_type(
                    {"type": "string", "enum": [sign + name for name in names for sign in ("", "-")]}
                ),
                "minItems": 1,
            },
            "explode": False,
            "description": (
                "Sort keys, comma-separated; `-` before one for descending. Each field at most "
                "once; not with page[after] (a keyset walk is in id order)."
            ),
        }


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes ``Authorization: Bearer <token>`` (API clients' tokens).

    Optional (``{}`` among the requirements) unless ``API_REQUIRE_TOKEN`` is set; the
    statistics endpoint requires one whatever the setting (its own ``auth``).
    """

    target_class = "addressbook.api.access.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_requirement(self, auto_schema):
        token = {self.name: []}
        return token if settings.API_REQUIRE_TOKEN else [token, {}]

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API client's token. Optional unless the server requires tokens.",
        }


#: Only the statistics endpoint's requirement: a token, whatever API_REQUIRE_TOKEN says.
TOKEN_REQUIRED = [{ApiTokenScheme.name: []}]

ERROR_OBJECT_SCHEMA = {
    "type": "object",
    "required": ["status"],
    "properties": {
        "status": {"type": "string", "pattern": "^[45][0-9]{2}$"},
        "code": {"type": "string"},
        "title": {"type": "string"},
        "detail": {"type": "string"},
        "source": {
            "type": "object",
            "properties": {"parameter": {"type": "string"}, "pointer": {"type": "string"}},
        },
    },
}
ERRORS_SCHEMA = {
    "type": "object",
    "required": ["errors"],
    "properties": {"errors": {"type": "array", "minItems": 1, "items": ERROR_OBJECT_SCHEMA}},
}
LINKS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "string", "format": "uri", "nullable": True},
}
PAGE_META_SCHEMA = {
    "type": "object",
    "required": ["changeSequence", "pagination"],
    "properties": {
        "changeSequence": {
            "type": "integer",
            "minimum": 0,
            "description": "Read /api/changes from this number to see what changed after this page.",
        },
        "pagination": {
            "type": "object",
            "required": ["size"],
            "properties": {
                "page": {"type": "integer", "minimum": 1},
                "size": {"type": "integer", "minimum": 1},
                "pages": {"type": "integer", "minimum": 1},
                "count": {"type": "integer", "minimum": 0},
                "countAtLeast": {"type": "integer", "minimum": 0},
            },
        },
    },
}
#: ``included``: records of the directory's types (each type's schema names its own type).
INCLUDED_SCHEMA = {
    "type": "array",
    "items": {
        "oneOf": [
            {"$ref": f"#/components/schemas/{name}"}
            for name in ("Organization", "FunctionAddress", "CodeSystem", "Code")
        ]
    },
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before asking again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}
#: Statuses every operation can answer, with what they mean (and their headers).
ERROR_RESPONSES = {
    "400": ("A query parameter is unknown, repeated or has a bad value (named in source.parameter).", {}),
    "401": ("The token sent is unknown, expired or revoked, or the server requires one.", {}),
    "404": ("No such resource (or page).", {}),
    "406": ("The Accept header names neither application/vnd.api+json nor application/json.", {}),
    "429": ("Too many requests from this client or address.", RETRY_AFTER),
    "500": ("An unexpected error in the server.", {}),
    "503": ("The address book's database cannot be reached at the moment.", RETRY_AFTER),
}
#: Answered by the HTTP server before the API sees the request, in its own format (HTML).
URI_TOO_LONG = {
    "414": {
        "description": "The URL is longer than the HTTP server takes (gunicorn: a request line "
        "of 4,094 bytes); the HTTP server answers, not the API, so the body is not JSON."
    }
}


def _content(schema: dict) -> dict:
    return {media_type: {"schema": schema} for media_type in MEDIA_TYPES}


def complete_documents(result, generator, request, public):
    """Describe the documents as the server sends them, so a generated client works.

    drf-spectacular-jsonapi describes a page as a bare array and a single resource without
    its ``included``; both are JSON:API documents (a page with links and meta, always).
    Every error status is a JSON:API error document in both media types, 304s and ids are
    described, and DRF's unused ``format`` parameter is dropped.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in list(schemas.items()):
        if name.startswith("Paginated") and schema.get("type") == "array":
            schemas[name] = {
                "type": "object",
                "required": ["data", "links", "meta"],
                "additionalProperties": False,
                "properties": {
                    "data": schema,
                    "included": INCLUDED_SCHEMA,
                    "links": LINKS_SCHEMA,
                    "meta": PAGE_META_SCHEMA,
                },
            }
        elif name.endswith("Response") and schema.get("required") == ["data"]:
            schema["properties"]["included"] = INCLUDED_SCHEMA
            schema["additionalProperties"] = False
        properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
        if "id" in properties and properties["id"] == {}:
            properties["id"] = {"type": "string", "format": "uuid"}
    schemas["Errors"] = ERRORS_SCHEMA
    errors = {"$ref": "#/components/schemas/Errors"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            operation["parameters"] = [
                p for p in operation.get("parameters", []) if p.get("name") != "format"
            ]
            responses = operation["responses"]
            ok = responses.get("200", {}).get("content", {})
            if JSONAPI_MEDIA_TYPE in ok:
                ok["application/json"] = ok[JSONAPI_MEDIA_TYPE]
            responses.setdefault("304", {"description": "Not modified (If-None-Match or If-Modified-Since)."})
            for status, (text, headers) in ERROR_RESPONSES.items():
                responses.setdefault(
                    status, {"description": text, **({"headers": headers} if headers else {})}
                )
            for status, response in responses.items():
                if int(status) >= 400:
                    response["content"] = _content(errors)
            responses.update(URI_TOO_LONG)
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


def document_schema(data: dict, *, included: bool = False, meta: dict | None = None) -> dict:
    """The OpenAPI schema of a JSON:API document whose primary data is ``data``."""
    properties = {
        "data": data,
        "links": {"type": "object", "additionalProperties": {"type": "string", "nullable": True}},
    }
    if included:
        properties["included"] = INCLUDED_SCHEMA
    properties["meta"] = meta or {"type": "object"}
    return {"type": "object", "required": ["data"], "additionalProperties": False, "properties": properties}


def resource_schema(
    type_name: str, attributes: dict | None, relationships: dict[str, dict] | None = None
) -> dict:
    """The OpenAPI schema of one JSON:API resource object, as a view builds it by hand.

    ``attributes``: each attribute's schema by name, or None where they differ per request
    (statistics); ``relationships``: each relationship's schema by name (see ``to_one``).
    """
    properties: dict = {
        "type": {"type": "string", "enum": [type_name]},
        "id": {"type": "string"},
        "attributes": (
            {"type": "object"}
            if attributes is None
            else {"type": "object", "additionalProperties": False, "properties": attributes}
        ),
    }
    if relationships:
        properties["relationships"] = {
            "type": "object",
            "additionalProperties": False,
            "properties": relationships,
        }
    return {
        "type": "object",
        "required": ["type", "id"],
        "additionalProperties": False,
        "properties": properties,
    }


def query_parameters(
    descriptions: dict[str, str], *, schemas: dict[str, dict] | None = None, required: bool = False
) -> list[OpenApiParameter]:
    """The OpenAPI query parameters of a plain endpoint, from its name → description table.

    A parameter without a schema of its own in ``schemas`` is free text (``text_schema``).
    """
    schemas = schemas or {}
    return [
        OpenApiParameter(
            name,
            schemas.get(name, text_schema()),
            OpenApiParameter.QUERY,
            required=required,
            description=text,
        )
        for name, text in descriptions.items()
    ]
