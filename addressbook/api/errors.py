"""JSON:API error objects, including ``source.parameter`` for bad query parameters."""

from __future__ import annotations

from http import HTTPStatus

from django.db import connections
from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework_json_api.exceptions import exception_handler as jsonapi_exception_handler

from addressbook.choices import UsageMetric
from addressbook.services.usage import UsageEvent, usage_record


def is_whole_number(value: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²", which int() then refuses."""
    return bool(value) and value.isascii() and value.isdigit()


def parameter_error(parameter: str, detail: str, *, code: str = "invalid_parameter") -> ValidationError:
    """A 400 that names the query parameter at fault, as JSON:API's ``source.parameter``."""
    return ValidationError(
        [
            {
                "status": "400",
                "code": code,
                "title": "Invalid query parameter",
                "detail": detail,
                "source": {"parameter": parameter},
            }
        ]
    )


def exception_handler(exc, context):
    """djangorestframework-jsonapi's handler, with ``status`` and ``title`` on every error object."""
    if isinstance(exc, Http404):
        # Django's message names the model ("No Organization matches …"): say it plainly.
        exc = NotFound("No such resource.")
    # DRF marks the enclosing transaction for rollback, assuming it is the request's own
    # (ATOMIC_REQUESTS). The lookup views run without one: an enclosing transaction is then a
    # caller's (a test's), and an error answer must not doom it.
    outside = not getattr(context.get("view"), "in_request_transaction", True)
    flags = {db: db.get_rollback() for db in connections.all(initialized_only=True) if db.in_atomic_block}
    response = jsonapi_exception_handler(exc, context)
    if outside:
        for db, flag in flags.items():
            db.set_rollback(flag)
    if response is not None and isinstance(response.data, list):
        for error in response.data:
            if isinstance(error, dict):
                error.setdefault("status", str(response.status_code))
                error.setdefault("title", HTTPStatus(response.status_code).phrase)
                source = error.get("source") or {}
                if "parameter" in source:
                    # A query parameter is at fault, not the (absent) request document.
                    source.pop("pointer", None)
    return response


def not_found(request, exception=None):
    """404 for any unknown path; a JSON:API error object under /api/ (e.g. a malformed id)."""
    if not request.path.startswith("/api/"):
        return page_not_found(request, exception)
    body = {
        "errors": [
            {"status": "404", "code": "not_found", "title": "Not found", "detail": "No such resource."}
        ]
    }
    response = JsonResponse(body, status=404, content_type="application/vnd.api+json")
    # An API request all the same (the token is not looked at for a path that leads nowhere).
    usage_record([UsageEvent(UsageMetric.REQUEST, "unknown")], response=response)
    return response
