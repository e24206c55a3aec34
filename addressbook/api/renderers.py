"""Renderers: JSON:API documents, also for clients that ask for plain application/json."""

from __future__ import annotations

from rest_framework_json_api.renderers import JSONRenderer


class JsonApiAsPlainJsonRenderer(JSONRenderer):
    """The same JSON:API document, labelled application/json, for clients that only accept that.

    Many HTTP libraries send ``Accept: application/json`` by default; refusing them with 406
    would break message services that work against the reference address book.
    """

    media_type = "application/json"
    format = "json"
