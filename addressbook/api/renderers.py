"""Renderers: JSON:API documents, also for clients that ask for plain application/json."""

from __future__ import annotations

from rest_framework_json_api import renderers
from rest_framework_json_api.utils import undo_format_field_name


class JsonApiRenderer(renderers.JSONRenderer):
    """djangorestframework-jsonapi's renderer, with sparse fieldsets in camelCase.

    Its renderer compares ``fields[type]=participantIdentifier`` with the Python field name
    and so drops every camelCase field a client asks for (django-rest-framework-json-api
    issue 1053); the names are translated back before comparing.
    """

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
