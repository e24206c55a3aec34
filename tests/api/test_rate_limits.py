"""Rate limits as two counters per caller (addressbook.api.rate_limits), over time and without Redis."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from addressbook.api.access import AnonymousRateThrottle

pytestmark = pytest.mark.django_db

ORGANIZATIONS = "/api/organizations"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ask(monkeypatch):
    """``ask(at)``: whether an anonymous request from one address at time ``at`` is allowed."""
    monkeypatch.setattr(AnonymousRateThrottle, "THROTTLE_RATES", {"anonymous": "3/min"})
    clock = Clock(0)
    monkeypatch.setattr(AnonymousRateThrottle, "timer", clock)
    request = Request(APIRequestFactory().get(ORGANIZATIONS, REMOTE_ADDR="192.0.2.7"))

    def ask(at: float) -> tuple[bool, float | None]:
        clock.now = at
        throttle = AnonymousRateThrottle()
        allowed = throttle.allow_request(request, None)
        return allowed, None if allowed else throttle.wait()

    return ask


def test_a_burst_at_the_end_of_a_window_still_counts_in_the_next(ask):
    # given three requests (the rate) in the last second of a minute
    assert [ask(6059.0)[0] for _ in range(3)] == [True, True, True]

    # when the next comes a second into the next minute, it is refused, with a fair wait
    allowed, wait = ask(6061.0)
    assert not allowed
    assert 15 <= wait <= 21

    # and once the burst has mostly slid out of the last sixty seconds, it is answered
    assert ask(6080.0)[0] is True


def test_refused_requests_do_not_use_up_the_rate(ask):
    assert [ask(6000.0 + n)[0] for n in range(3)] == [True, True, True]
    assert [ask(6010.0)[0] for _ in range(20)] == [False] * 20

    # when five sixths of the next minute have passed, the first minute weighs a sixth: its
    # three answered requests count as a half, so two more are answered (the twenty refused
    # ones, had they counted, would weigh almost four and refuse everything)
    assert [ask(6110.0)[0] for _ in range(3)] == [True, True, False]


def test_a_full_window_waits_for_the_next_one(ask):
    assert [ask(6000.0)[0] for _ in range(3)] == [True, True, True]

    allowed, wait = ask(6030.0)

    assert not allowed
    assert 30 <= wait <= 60


def test_the_wait_is_never_longer_than_the_rate_s_period(ask):
    # given the rate used up early in a window (the estimate would weigh it into the next)
    assert [ask(6001.0)[0] for _ in range(3)] == [True, True, True]

    allowed, wait = ask(6002.0)

    assert not allowed
    assert 1 <= wait <= 60


def test_lookups_are_answered_while_redis_is_down(client, settings, malmo):
    # given a cache (rate limits, usage counters) on a Redis that does not answer
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    # then lookups are answered: the limit is skipped and usage is counted in the database
    response = client.get(ORGANIZATIONS)
    assert response.status_code == 200
    assert response.json()["data"]
    cache.close()
