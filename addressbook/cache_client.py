"""The Redis client behind Django's cache, and what a web process does while Redis is away.

Rate limits and usage counts send pipelines of increments. Django's Redis cache makes a
client object on every call; one per cache backend is enough (its connection pool is the
backend's own), and saves a lookup a tenth of a millisecond.

Redis only makes lookups cheaper and fairer (rate limits, usage counters, import progress);
no lookup needs it to answer. So every use of Redis goes through :func:`through_redis`,
which turns any Redis error into :class:`RedisUnavailable` for the caller to degrade on
(rate limits are skipped, usage is counted in the database, a cache read misses), and keeps
this process's view of the outage:

- the first failure logs one warning, and for ``RETRY_SECONDS`` after a failure Redis is not
  asked at all, so a request does not wait for a timeout that is bound to come;
- after that one request asks again; the first success logs one line that Redis is back.

The socket timeouts in ``CACHES`` (settings) bound what that one request waits for a Redis
that is hung or unreachable rather than refusing connections.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

#: After a failure Redis is left alone this long; then one request tries it again.
RETRY_SECONDS = 5.0

T = TypeVar("T")


class RedisUnavailable(Exception):
    """Redis did not answer, or failed within the last ``RETRY_SECONDS``."""


def redis_client():
    """The client, or None when the cache is not Redis (``make run`` without REDIS_URL)."""
    backend = getattr(cache, "_cache", None)
    return _client_of(backend) if hasattr(backend, "get_client") else None


@lru_cache(maxsize=8)  # one per backend object: a process has one per thread at most
def _client_of(backend):
    return backend.get_client(write=True)


class RedisOutage:
    """This process's knowledge of whether Redis answers: one log line per outage, not per request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.since: float | None = None  # monotonic time of the first failure
        self._retry_at = 0.0

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def may_try(self) -> bool:
        return self.since is None or time.monotonic() >= self._retry_at

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            starts = self.since is None
            if starts:
                self.since = now
            self._retry_at = now + RETRY_SECONDS
        if starts:
            logger.warning(
                "Redis unreachable (%s: %s): API rate limits are not enforced and usage is counted "
                "in the database until it answers again; trying it again every %.0f s",
                type(error).__name__,
                error,
                RETRY_SECONDS,
            )

    def succeeded(self) -> None:
        if self.since is None:  # the common case, without taking the lock
            return
        with self._lock:
            since, self.since = self.since, None
        if since is not None:
            logger.warning(
                "Redis reachable again after %.1f s: rate limits and usage counters are back in Redis",
                time.monotonic() - since,
            )


#: Each Redis server's outage, by address: what one server does says nothing of another.
_outages: dict[tuple, RedisOutage] = {}


def outage_of(client) -> RedisOutage:
    """The outage record of the server ``client`` talks to."""
    options = client.connection_pool.connection_kwargs
    address = (options.get("host"), options.get("port"), options.get("path"))
    outage = _outages.get(address)
    if outage is None:
        outage = _outages.setdefault(address, RedisOutage())
    return outage


def through_redis(client, operation: Callable[[], T]) -> T:
    """``operation()``, which talks to ``client``'s Redis; RedisUnavailable instead of any Redis error.

    While a recent failure of that server stands, raises at once without asking it.
    """
    outage = outage_of(client)
    if not outage.may_try():
        raise RedisUnavailable("Redis failed less than a retry interval ago")
    try:
        result = operation()
    except RedisError as error:
        outage.failed(error)
        raise RedisUnavailable(str(error)) from error
    outage.succeeded()
    return result


class DegradingRedisCache(RedisCache):
    """Django's Redis cache, where an unreachable Redis is a cache miss and a write not kept.

    What reads the cache in a request (the failed-token throttle, an import's progress)
    then works as with an empty cache instead of failing the request. Counting (``incr``,
    ``decr``) and ``clear`` still raise RedisUnavailable: there is no honest value to return.
    """

    def get(self, key, default=None, version=None):
        return self._or(lambda: super(DegradingRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._or(lambda: super(DegradingRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._or(lambda: super(DegradingRedisCache, self).has_key(key, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._or(lambda: super(DegradingRedisCache, self).set(key, value, timeout, version), None)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(lambda: super(DegradingRedisCache, self).add(key, value, timeout, version), False)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(lambda: super(DegradingRedisCache, self).set_many(data, timeout, version), list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(lambda: super(DegradingRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self._or(lambda: super(DegradingRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        self._or(lambda: super(DegradingRedisCache, self).delete_many(keys, version), None)

    def incr(self, key, delta=1, version=None):
        return through_redis(self._client, lambda: super(DegradingRedisCache, self).incr(key, delta, version))

    def clear(self):
        return through_redis(self._client, super().clear)

    @property
    def _client(self):
        return _client_of(self._cache)

    def _or(self, operation: Callable[[], T], fallback: T) -> T:
        try:
            return through_redis(self._client, operation)
        except RedisUnavailable:
            return fallback
