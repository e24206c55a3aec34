"""Lookup accounting: every request counted, added up in the background exactly once."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from addressbook.cache_client import redis_client
from addressbook.choices import UsageMetric
from addressbook.models import UsageCount, UsageRollup
from addressbook.services.api_clients import api_client_create
from addressbook.services.usage import (
    BATCH_PREFIX,
    PENDING_KEY,
    UsageEvent,
    usage_record,
    usage_rollup,
)

pytestmark = pytest.mark.django_db


def counts(metric: str) -> dict[tuple[str | None, str], int]:
    usage_rollup()
    return {
        (row.client.name if row.client else None, row.dimension): row.count
        for row in UsageCount.objects.filter(metric=metric, day=timezone.localdate())
    }


def request_counts() -> dict[str, int]:
    """Today's counted requests by endpoint, whoever made them."""
    usage_rollup()
    return {
        row.dimension: row.count
        for row in UsageCount.objects.filter(metric=UsageMetric.REQUEST, day=timezone.localdate())
    }


@pytest.fixture
def redis():
    client = redis_client()
    if client is None:
        pytest.skip("the roll-up needs Redis (REDIS_URL); without it counts go straight to the database")
    return client


def test_every_request_is_counted_by_client_and_endpoint(client, malmo, malmo_address):
    # given a message service with a token, and anonymous lookups
    _client, token = api_client_create(name="Malmö meddelandetjänst", organization=malmo)
    token = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    for _ in range(3):
        client.get("/api/addresses", **token)
    client.get(f"/api/addresses/{malmo_address.pk}")
    client.get("/api/organizations/not-an-id")

    assert counts(UsageMetric.REQUEST) == {
        ("Malmö meddelandetjänst", "address-list"): 3,
        (None, "address-detail"): 1,
        (None, "unknown"): 1,
    }


def test_resolved_addresses_and_organisations_are_counted(client, malmo, malmo_address):
    client.get(f"/api/addresses/{malmo_address.pk}")
    client.get("/api/addresses", {"filter[identifier]": malmo_address.identifier})
    client.get("/api/addresses")  # a sync page resolves nothing in particular
    client.get(f"/api/organizations/{malmo.pk}")
    client.get(
        "/api/recipient-check",
        {"filter[participantIdentifier]": "0203:malmo.se", "filter[identifier]": malmo_address.identifier},
    )

    assert counts(UsageMetric.ADDRESS) == {(None, str(malmo_address.pk)): 3}
    assert counts(UsageMetric.ORGANIZATION) == {(None, str(malmo.pk)): 1}


def test_searches_that_found_nothing_are_counted_by_their_normalised_text(client, malmo_address):
    client.get("/api/addresses", {"filter[search]": "  Tandvård  Lund "})
    client.get("/api/addresses", {"filter[search]": "tandvård lund"})
    client.get("/api/addresses", {"filter[search]": "socialtjänsten"})  # found something

    assert counts(UsageMetric.ZERO_HIT_SEARCH) == {(None, "tandvård lund"): 2}


def test_recipient_check_outcomes_are_counted_by_reason(client, malmo, malmo_address):
    ask = {"filter[participantIdentifier]": "0203:malmo.se"}
    client.get("/api/recipient-check", {**ask, "filter[identifier]": malmo_address.identifier})
    client.get("/api/recipient-check", {**ask, "filter[identifier]": "sdk:finns-inte:0203:malmo.se"})
    client.get("/api/recipient-check", {**ask, "filter[identifier]": "sdk:finns-inte:0203:malmo.se"})

    assert counts(UsageMetric.RECIPIENT_CHECK) == {(None, "accepted"): 1, (None, "rejected:not-found"): 2}


def test_a_rollup_run_twice_adds_nothing_the_second_time(redis):
    usage_record([UsageEvent(UsageMetric.REQUEST, "address-list")] * 5)

    usage_rollup()
    usage_rollup()

    assert UsageCount.objects.get(dimension="address-list").count == 5


def test_a_rollup_interrupted_after_taking_the_counters_loses_none(redis):
    # given counters a worker took (renamed) and then died before adding them
    usage_record([UsageEvent(UsageMetric.REQUEST, "address-list")] * 4)
    redis.rename(PENDING_KEY, f"{BATCH_PREFIX}dead-worker")
    usage_record([UsageEvent(UsageMetric.REQUEST, "address-list")] * 2)  # new requests meanwhile

    # when the next roll-up runs
    usage_rollup()

    # then every request is counted once
    assert UsageCount.objects.get(dimension="address-list").count == 6


def test_a_rollup_interrupted_after_adding_the_counters_adds_them_once(redis):
    # given a batch that was added and recorded, but whose key the dying worker left behind
    usage_record([UsageEvent(UsageMetric.REQUEST, "address-list")] * 3)
    redis.rename(PENDING_KEY, f"{BATCH_PREFIX}half-done")
    usage_rollup()
    redis.hset(f"{BATCH_PREFIX}half-done", "ignored", 1)  # the key is back, as if never deleted
    UsageRollup.objects.get(batch="half-done")

    usage_rollup()

    assert UsageCount.objects.get(dimension="address-list").count == 3
    assert not redis.exists(f"{BATCH_PREFIX}half-done")


# "Every API request is counted": /api/schema and /api/docs are API requests but their
# views do not use LookupViewMixin, so they were never counted.
def test_schema_and_docs_requests_are_counted(client):
    client.get("/api/schema")
    client.get("/api/docs")

    assert request_counts() == {"schema": 1, "docs": 1}


# Without Redis (make run, or Redis failing) counts are written to PostgreSQL inside the
# request's atomic block (ATOMIC_REQUESTS), which DRF has already marked for rollback on
# any 4xx: the INSERT raised TransactionManagementError and every 400/404 became a 500.
@pytest.mark.parametrize(
    "url", [f"/api/addresses/{uuid.UUID(int=1)}", "/api/addresses?page[size]=abc"], ids=["404", "400"]
)
def test_without_redis_an_error_answer_stays_an_error_answer(client, settings, url):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client.raise_request_exception = False

    response = client.get(url)

    assert response.status_code in (400, 404)
