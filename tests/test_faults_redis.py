"""Redis stopped, hung and restarted under a running web app (gunicorn, as in production).

Lookups, searches, the recipient check and the change feed keep answering (rate limits fail
open), usage is counted in the database meanwhile, the outage and the recovery are logged
once each, and a hung Redis costs one timeout per retry interval, not one per request. The
redis-server is the test's own; the database is the test database.
"""

from __future__ import annotations

import json
import time

import pytest
import redis
from django.db.models import Sum

from addressbook.cache_client import RETRY_SECONDS
from addressbook.choices import UsageMetric
from addressbook.models import UsageCount
from addressbook.services.api_clients import api_client_create
from addressbook.services.usage import PENDING_KEY, SEPARATOR
from tests.factories import FunctionAddressFactory, OrganizationFactory
from tests.own_services import OwnRedis, WebApp, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

JSONAPI = "application/vnd.api+json"
OUTAGE_LINE = "Redis unreachable"
RECOVERY_LINE = "Redis reachable again"


@pytest.fixture
def address():
    """An address committed to the test database, which the web app reads."""
    return FunctionAddressFactory(organization=OrganizationFactory(participant_identifier="0203:malmo.se"))


@pytest.fixture
def own_redis(tmp_path):
    with OwnRedis(tmp_path) as server:
        yield server


@pytest.fixture
def app(own_redis, database_url, tmp_path):
    with WebApp(tmp_path, DATABASE_URL=database_url, REDIS_URL=own_redis.url) as web:
        yield web


def lookups(address) -> list[str]:
    """What message services ask: by id, by key, a search, the recipient check, the change feed."""
    return [
        f"/api/addresses/{address.pk}",
        f"/api/addresses?filter[identifier]={address.identifier}",
        "/api/addresses?filter[search]=funktionsbrevlada",
        f"/api/recipient-check?filter[participantIdentifier]=0203:malmo.se&filter[identifier]={address.identifier}",
        "/api/changes?filter[after]=0",
    ]


def requests_counted_in_database() -> int:
    return UsageCount.objects.filter(metric=UsageMetric.REQUEST).aggregate(total=Sum("count"))["total"] or 0


def requests_pending_in_redis(server: OwnRedis) -> int:
    """Requests counted in Redis and not yet rolled up into the database."""
    counters = redis.Redis(port=server.port, decode_responses=True).hgetall(PENDING_KEY)
    return sum(
        int(count) for field, count in counters.items() if field.split(SEPARATOR)[1] == UsageMetric.REQUEST
    )


def log_lines(app: WebApp, text: str) -> int:
    return app.log.read_text(errors="replace").count(text)


def assert_answered(app: WebApp, path: str) -> float:
    """The lookup was answered as a JSON:API document; returns how long it took."""
    started = time.monotonic()
    status, headers, body = app.get(path)
    took = time.monotonic() - started
    assert status == 200, (path, body[:300])
    assert headers["Content-Type"] == JSONAPI, path
    return took


def test_lookups_answer_while_redis_is_down_and_are_counted_in_the_database(own_redis, app, address):
    # given a message service with a token, and a process counting usage in Redis
    _client, token = api_client_create(name="Malmö meddelandetjänst", organization=address.organization)
    assert_answered(app, lookups(address)[0])
    assert requests_pending_in_redis(own_redis) == 1
    assert requests_counted_in_database() == 0

    # when Redis stops
    own_redis.stop()

    # then every kind of lookup is answered, anonymous and with a token (rate limits fail open)
    for path in lookups(address):
        assert_answered(app, path)
    status, _headers, body = app.get(lookups(address)[0], headers={"Authorization": f"Bearer {token}"})
    assert status == 200, body[:300]
    answered_during_outage = len(lookups(address)) + 1
    # and each of them is counted in the database instead (once the response is sent)
    wait_until(lambda: requests_counted_in_database() == answered_during_outage, "counting", timeout=5)
    # readiness stays 200: Redis and the broker are down, lookups are not
    status, _headers, body = app.get("/readyz")
    assert status == 200
    assert json.loads(body) == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "fail", "broker": "fail"},
    }
    # one line in the log for the whole outage, not one per request
    assert log_lines(app, OUTAGE_LINE) == 1

    # when Redis is back (empty, on the same port), the process finds it by itself
    own_redis.start()

    def recovered() -> bool:
        assert_answered(app, lookups(address)[0])
        return log_lines(app, RECOVERY_LINE) > 0

    wait_until(recovered, "recovery", timeout=3 * RETRY_SECONDS)

    # then usage is counted in Redis again, not in the database
    counted, pending = requests_counted_in_database(), requests_pending_in_redis(own_redis)
    assert_answered(app, lookups(address)[1])
    assert requests_pending_in_redis(own_redis) == pending + 1
    assert requests_counted_in_database() == counted
    assert (log_lines(app, OUTAGE_LINE), log_lines(app, RECOVERY_LINE)) == (1, 1)


def test_a_hung_redis_costs_one_timeout_per_retry_interval_not_one_per_request(own_redis, app, address):
    # given a Redis that accepts connections but never answers
    assert_answered(app, lookups(address)[0])
    pending = requests_pending_in_redis(own_redis)
    own_redis.hang()

    # when lookups keep coming
    first = assert_answered(app, lookups(address)[0])
    following = [assert_answered(app, path) for path in lookups(address)]

    # then the first waits for the socket timeout (0.5 s) once; the others do not wait at all
    # (asking Redis twice a request, they would take 1 s each)
    assert first < 3
    assert sum(following) < 0.5 * len(following), following
    status, _headers, body = app.get("/readyz")
    assert (status, json.loads(body)["status"]) == (200, "degraded")

    # when Redis answers again, it is asked again after the retry interval and counts again
    own_redis.resume()
    time.sleep(RETRY_SECONDS)
    assert_answered(app, lookups(address)[0])
    assert requests_pending_in_redis(own_redis) == pending + 1
    assert log_lines(app, RECOVERY_LINE) == 1
