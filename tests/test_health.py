"""The probes a load balancer and an orchestrator call.

/readyz is 200 while this process can serve lookups (the database answers), "degraded" with
Redis or the broker down; the body names each dependency's state.
"""

from __future__ import annotations

import pytest

from addressbook.cache_client import redis_client
from config.celery import app as celery_app

pytestmark = pytest.mark.django_db

NOBODY_LISTENS = "redis://127.0.0.1:9/0"


def test_healthz_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "no-cache" in response["Cache-Control"]


def test_readyz_names_the_state_of_every_dependency(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        # Without REDIS_URL (make test on a laptop) the cache is the process's memory.
        "checks": {"database": "ok", "redis": "ok" if redis_client() else "not used", "broker": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_a_broker_outage_degrades_but_keeps_the_process_in_the_load_balancer(client, monkeypatch):
    # given a broker nobody listens on
    monkeypatch.setitem(celery_app.conf, "broker_url", NOBODY_LISTENS)
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["broker"] == "fail"
    assert response.json()["checks"]["database"] == "ok"


def test_a_redis_outage_degrades_but_keeps_the_process_in_the_load_balancer(client, settings):
    # given a cache on a Redis nobody listens on
    settings.CACHES = {
        "default": {
            "BACKEND": "addressbook.cache_client.DegradingRedisCache",
            "LOCATION": NOBODY_LISTENS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["redis"] == "fail"
    assert response.json()["checks"]["database"] == "ok"
