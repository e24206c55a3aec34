"""Rate limits that cost one Redis round trip a request, whatever the rate.

DRF's ``SimpleRateThrottle`` keeps every request's time in one cached list: a GET and a SET
of a list as long as the rate allows (600 entries for an anonymous address, tens of
thousands for a busy message service) on every lookup. This keeps two counters per caller
instead, one for the current window of ``duration`` seconds and one for the window before,
and estimates the requests of the last ``duration`` seconds as the current count plus the
previous one weighted by how much of it still lies inside (the "sliding window counter").
A request is one pipelined INCR + EXPIRE + GET; a refused one is taken back (DECR), so,
as with DRF's throttles, only answered requests use up the rate.

If Redis cannot be reached, the limit is not enforced: it *fails open*. A rate limit protects
the service, and refusing or failing every lookup while Redis is away would be the outage it
exists to prevent; counting in each process's memory instead would multiply every limit by
the number of web processes, so it would not hold the limit it promises either. ``cache_client`` logs
the outage once and, for a few seconds after a failure, does not ask Redis at all.
"""

from __future__ import annotations

import math

from django.core.cache import cache
from rest_framework import throttling

from addressbook.cache_client import RedisUnavailable, redis_client, through_redis

KEY_PREFIX = "rate:"


class WindowRateThrottle(throttling.SimpleRateThrottle):
    """``SimpleRateThrottle`` with two counters per caller instead of a list of times."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = math.floor(self.now / self.duration)
        current, previous = f"{KEY_PREFIX}{key}:{window}", f"{KEY_PREFIX}{key}:{window - 1}"
        try:
            self.current_count, self.previous_count = self._count(current, previous)
        except RedisUnavailable:  # serve rather than fail (see the module docstring)
            return True
        self.elapsed = self.now - window * self.duration
        if self._estimate(self.current_count) <= self.num_requests:
            return True
        self._take_back(current)
        self.current_count -= 1
        return False

    def _estimate(self, current: int) -> float:
        weight = 1 - self.elapsed / self.duration
        return self.previous_count * weight + current

    def _count(self, current: str, previous: str) -> tuple[int, int]:
        client = redis_client()
        if client is None:
            # One process's memory (no REDIS_URL): the cache API, two calls.
            cache.add(current, 0, timeout=2 * self.duration)
            return cache.incr(current), cache.get(previous, 0)
        pipeline = client.pipeline(transaction=False)
        pipeline.incr(current)
        pipeline.expire(current, 2 * self.duration)
        pipeline.get(previous)
        counted, _expiry, before = through_redis(client, pipeline.execute)
        return int(counted), int(before or 0)

    def _take_back(self, current: str) -> None:
        client = redis_client()
        try:
            if client is None:
                cache.decr(current)
            else:
                through_redis(client, lambda: client.decr(current))
        except RedisUnavailable:  # the refusal stands; the caller is merely counted once too often
            pass

    def wait(self) -> float:
        """Seconds until a request would be answered again (the Retry-After header).

        Never more than ``duration``: by then every request counted has left the last
        ``duration`` seconds, whatever the two-counter estimate still says.
        """
        if self.current_count + 1 > self.num_requests:
            # Not before the next window, where this one's count still weighs at first.
            into_next = self.duration * max(0.0, 1 - (self.num_requests - 1) / max(self.current_count, 1))
            needed = self.duration - self.elapsed + into_next
        elif not self.previous_count:
            needed = 1.0
        else:
            share = (self.num_requests - self.current_count - 1) / self.previous_count
            needed = self.duration * (1 - share) - self.elapsed
        return min(float(self.duration), max(1.0, needed))
