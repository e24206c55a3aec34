"""Liveness and readiness probes for load balancers and orchestrators.

``/readyz`` answers whether this process can serve lookups, which needs the database only.
Redis (rate limits, usage counters, the cache) and the Celery broker make the service fairer
and its background work possible, but lookups answer without them; an outage of either is
"degraded" and still 200, so a Redis outage does not take every web process out of the load
balancer at once. The body names each dependency's state for whoever is looking.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from addressbook.cache_client import RedisUnavailable, redis_client, through_redis
from config.celery import app as celery_app

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2
OK, FAIL, NOT_USED = "ok", "fail", "not used"


@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answering; touches nothing else."""
    return JsonResponse({"status": "ok"})


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return _report("database", FAIL, error)
    return _report("database", OK)


def _redis_state() -> str:
    client = redis_client()
    if client is None:
        return NOT_USED
    try:
        # Through the same outage bookkeeping as the requests: a probe that finds Redis back
        # ends the outage (and logs it), one that finds it down does not log it again.
        through_redis(client, client.ping)
    except RedisUnavailable:
        return FAIL
    return OK


def _broker_state() -> str:
    # A hung broker accepts the connection and never answers: without socket timeouts of
    # its own the probe would wait until the web server kills the worker (Redis transport;
    # the file-system broker of make run ignores them).
    options = {
        **(celery_app.conf.broker_transport_options or {}),
        "socket_timeout": BROKER_TIMEOUT_SECONDS,
        "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    }
    try:
        with celery_app.connection_for_write(transport_options=options) as conn:
            # One retry at once: a kept connection may have died with a broker restart.
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as error:
        return _report("broker", FAIL, error)
    return _report("broker", OK)


#: The state each dependency was last seen in by this process's readiness probe.
_last_seen: dict[str, str] = {}


def _report(dependency: str, state: str, error: Exception | None = None) -> str:
    """Log a dependency's state when it changes, not at every probe (load balancers poll often)."""
    before = _last_seen.get(dependency, OK)
    _last_seen[dependency] = state
    if state != before:
        if state == OK:
            logger.warning("Readiness: %s reachable again", dependency)
        else:
            logger.warning("Readiness: %s unreachable: %s", dependency, error)
    return state


@transaction.non_atomic_requests
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 while lookups can be served (``ok``, or ``degraded`` if Redis or the broker is down).

    503 (``unavailable``) without a database.
    """
    checks = {"database": _database_state(), "redis": _redis_state(), "broker": _broker_state()}
    if checks["database"] != OK:
        status, code = "unavailable", HTTPStatus.SERVICE_UNAVAILABLE
    elif FAIL in checks.values():
        status, code = "degraded", HTTPStatus.OK
    else:
        status, code = "ok", HTTPStatus.OK
    return JsonResponse({"status": status, "checks": checks}, status=code)
