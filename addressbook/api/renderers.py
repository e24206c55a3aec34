"""Renderers: JSON:API documents, also for clients that ask for plain application/json."""

from __future__ import annotations

import orjson
from rest_framework_json_api import renderers
from rest_framework_json_api.utils import undo_format_field_name


class Document(dict):
    """A JSON:API document a view built whole, of plain values only (text, numbers, true,
    false, null, lists and objects): written out as it is, by orjson.

    The framework's encoder took 12 ms for a 1,000-record page, orjson about one.
    """


class JsonApiRenderer(renderers.JSONRenderer):
    """djangorestframework-jsonapi's renderer, with sparse fieldsets in camelCase.

    Its renderer compares ``fields[type]=participantIdentifier`` with the Python field name
    and so drops every camelCase field a client asks for (django-rest-framework-json-api
    issue 1053); the names are translated back before comparing. A ``Document`` is
    written as it is.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, Document):
            return orjson.dumps(data)
        return super().render(data, accepted_media_type, renderer_context)

    @classmethod
    def _filter_sparse_fields(cls, serializer, fields, resource_name):
        request = serializer.context.get("request")
        wanted = request.query_params.get(f"fields[{resource_name}]") if request else None
        if wanted is None:
            return fields
        names = {undo_format_field_name(name) for name in wanted.split(",")}
        return {name: field for name, field in fields.items() if field.field_name in names}


class JsonApiAsPlainJsonRenderer(JsonApiRenderer):
    """The same JSON:API document, labelled application/json, for clients that only accept that.

    Many HTTP libraries send ``Accept: application/json`` by default; refusing them with 406
    would break message services that work against the reference address book.
    """

    media_type = "application/json"
    format = "json"
