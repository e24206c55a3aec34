"""JSON:API error documents for every error under /api/, including ``source.parameter``.

Errors a view raises go through :func:`exception_handler` (DRF's hook); an unknown path
through :func:`not_found` and an uncaught exception (a bug, or the database failing outside
a view) through :func:`server_error` (Django's ``handler404``/``handler500``), so a client of
the API never gets an HTML page. Outside /api/ Django's own pages stay.

A database that cannot be reached is a 503 with ``Retry-After``, not a 500: nothing is wrong
with the request, and the next one reconnects by itself once PostgreSQL is back (Django
checks a kept connection before reusing it, ``CONN_HEALTH_CHECKS``).
"""

from __future__ import annotations

import logging
import sys
from http import HTTPStatus

from django.db import InterfaceError, OperationalError, connections, transaction
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework_json_api.exceptions import exception_handler as jsonapi_exception_handler

from addressbook.choices import UsageMetric
from addressbook.services.usage import UsageEvent, usage_record

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
JSONAPI_MEDIA_TYPE = "application/vnd.api+json"
#: What a client is told to wait (Retry-After) while the database cannot answer: PostgreSQL
#: restarts or fails over in seconds, and every request tries to reconnect.
DATABASE_RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE_DETAIL = (
    "The address book's database cannot be reached at the moment. Try again shortly."
)


class DatabaseUnavailable(APIException):
    """The database cannot be reached (or failed the connection): a 503 with Retry-After."""

    status_code = HTTPStatus.SERVICE_UNAVAILABLE
    default_detail = DATABASE_UNAVAILABLE_DETAIL
    default_code = "database_unavailable"
    # DRF's handler sends Retry-After for an exception with a wait (as for Throttled).
    wait = DATABASE_RETRY_AFTER_SECONDS


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database cannot answer (connection refused or lost, shut down).

    Django raises these as OperationalError or InterfaceError whatever the driver's class;
    errors about the statement itself (say DataError, IntegrityError) are not among them.
    """
    return isinstance(exc, OperationalError | InterfaceError)


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
    elif database_unavailable(exc):
        logger.warning("API answered 503, the database is unavailable: %s", exc)
        exc = DatabaseUnavailable()
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


def error_response(status: HTTPStatus, code: str, detail: str) -> JsonResponse:
    """A JSON:API error document with one error object, for answers made outside DRF."""
    body = {"errors": [{"status": str(status.value), "code": code, "title": status.phrase, "detail": detail}]}
    return JsonResponse(body, status=status, content_type=JSONAPI_MEDIA_TYPE)


def not_found(request, exception=None):
    """404 for any unknown path; a JSON:API error object under /api/ (e.g. a malformed id)."""
    if not request.path.startswith(API_PREFIX):
        return defaults.page_not_found(request, exception)
    response = error_response(HTTPStatus.NOT_FOUND, "not_found", "No such resource.")
    # An API request all the same (the token is not looked at for a path that leads nowhere).
    usage_record([UsageEvent(UsageMetric.REQUEST, "unknown")], response=response)
    return response


@transaction.non_atomic_requests  # needs no database: a 404 also while PostgreSQL is down
def unknown_path(request):
    """The view of every path under /api/ that names nothing: the JSON:API 404, whatever DEBUG says."""
    return not_found(request)


def server_error(request):
    """An uncaught exception (``handler500``): a JSON:API 500, or 503 if the database is down.

    Django calls this inside its ``except`` block and has already logged the exception with
    its traceback; ``sys.exc_info()`` is the only way a ``handler500`` learns what it was.
    """
    if not request.path.startswith(API_PREFIX):
        return defaults.server_error(request)
    if database_unavailable(sys.exc_info()[1]):
        response = error_response(
            HTTPStatus.SERVICE_UNAVAILABLE, DatabaseUnavailable.default_code, DATABASE_UNAVAILABLE_DETAIL
        )
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    # No detail of the exception: it may hold what a client must not see (SQL, paths, values).
    return error_response(
        HTTPStatus.INTERNAL_SERVER_ERROR,
        "server_error",
        "The server failed to answer this request. The error is logged; try again later.",
    )
