"""PostgreSQL stopped and restarted under a running web app (gunicorn, as in production).

While the database is down every API answer is a JSON:API 503 with Retry-After (never
Django's HTML 500), /readyz says so, and once PostgreSQL is back the same process answers
again without a restart, also when the connection it kept from before has died.
The cluster is the test's own (initdb in a temporary folder), holding a copy of the test
database; the machine's shared server is never stopped.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.factories import FunctionAddressFactory, OrganizationFactory
from tests.own_services import OwnPostgres, WebApp

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

JSONAPI = "application/vnd.api+json"


@pytest.fixture
def address():
    """An address committed to the test database (the copy for the own cluster is made of it)."""
    return FunctionAddressFactory(organization=OrganizationFactory(participant_identifier="0203:malmo.se"))


@pytest.fixture
def postgres(address, database_url):
    with OwnPostgres() as server:
        dump = server.directory / "addressbook.dump"
        server.dump(database_url, dump)
        server.restore("addressbook", dump)
        yield server


@pytest.fixture
def app(postgres, tmp_path):
    # No Redis: the cache is the process's memory, usage counts go to the database.
    with WebApp(tmp_path, DATABASE_URL=postgres.url("addressbook"), REDIS_URL="") as web:
        yield web


def lookups(address) -> list[str]:
    return [
        f"/api/addresses/{address.pk}",
        f"/api/addresses?filter[identifier]={address.identifier}",
        f"/api/recipient-check?filter[participantIdentifier]=0203:malmo.se&filter[identifier]={address.identifier}",
        "/api/changes?filter[after]=0",
        "/api/organizations/not-an-id",
    ]


def test_without_the_database_the_api_answers_503_jsonapi_and_recovers_by_itself(postgres, app, address):
    # given a web process that has answered (and keeps its database connection)
    assert app.get(f"/api/addresses/{address.pk}")[0] == 200

    # when PostgreSQL goes down
    postgres.stop()

    # then every lookup is a JSON:API 503 that says when to try again
    for path in lookups(address)[:4]:
        status, headers, body = app.get(path)
        assert status == 503, (path, body[:300])
        assert headers["Content-Type"] == JSONAPI, path
        assert headers["Retry-After"] == "5", path
        [error] = json.loads(body)["errors"]
        assert error["status"] == "503"
        assert error["title"] == "Service Unavailable"
        assert "database" in error["detail"]
    # a path that leads nowhere needs no database
    assert app.get(lookups(address)[4])[0] == 404
    # readiness takes the process out of the load balancer, naming the database
    status, _headers, body = app.get("/readyz")
    assert status == 503
    assert json.loads(body) == {
        "status": "unavailable",
        "checks": {"database": "fail", "redis": "not used", "broker": "ok"},
    }
    # the admin keeps Django's own (HTML) error page
    status, headers, _body = app.get("/admin/login/")
    assert status == 500
    assert headers["Content-Type"].startswith("text/html")

    # when PostgreSQL is back, the same process answers at once, without a restart
    postgres.start()
    for path in lookups(address):
        status, headers, body = app.get(path)
        assert status == (404 if path.endswith("not-an-id") else 200), (path, body[:300])
        assert headers["Content-Type"] == JSONAPI
    assert app.get("/readyz")[0] == 200
    assert app.process.poll() is None


def test_a_kept_connection_that_died_with_a_restart_is_replaced_unnoticed(postgres, app, address):
    # given a web process that keeps its database connection between requests (CONN_MAX_AGE)
    assert app.get(f"/api/addresses/{address.pk}")[0] == 200

    # when PostgreSQL restarts between two requests, cutting that connection
    postgres.stop()
    postgres.start()

    # then the next request is answered, on a new connection (CONN_HEALTH_CHECKS)
    status, _headers, body = app.get(f"/api/addresses/{address.pk}")
    assert status == 200, body[:300]
    assert json.loads(body)["data"]["id"] == str(address.pk)


def test_a_hung_server_is_a_503_once_the_connect_timeout_is_over(postgres, tmp_path, address):
    # given a web process that connects afresh for every request, with a 2-second connect timeout
    environment = {"CONN_MAX_AGE": "0", "DATABASE_CONNECT_TIMEOUT": "2"}
    with WebApp(tmp_path, DATABASE_URL=postgres.url("addressbook"), REDIS_URL="", **environment) as app:
        assert app.get(f"/api/addresses/{address.pk}")[0] == 200

        # when PostgreSQL still holds its port but no longer answers a new session
        postgres.hang()
        began = time.monotonic()
        status, headers, body = app.get(f"/api/addresses/{address.pk}")
        waited = time.monotonic() - began

        # then the client gets a JSON:API 503 once the connect timeout is over, not when the
        # operating system or gunicorn's worker timeout (30 s) would give up
        assert status == 503, body[:300]
        assert headers["Content-Type"] == JSONAPI
        assert headers["Retry-After"] == "5"
        assert waited < 15, waited

        # and once it answers again, so does the process
        postgres.resume()
        assert app.get(f"/api/addresses/{address.pk}")[0] == 200
