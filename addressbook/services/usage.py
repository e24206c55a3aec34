"""Counting API use: one counter increment per request, added up in the background.

A lookup only increments counters in Redis (one round trip for all of a request's counts).
Every minute a Celery task *rolls them up* into ``UsageCount`` rows, exactly once:

1. the pending hash is renamed to a batch key (atomic: new counts start a new hash);
2. the batch's counts are added in one transaction that also records the batch id;
3. the batch key is deleted.

A worker that dies after 1 leaves the batch key for the next run; one that dies after 2
leaves a batch whose id is recorded, so the next run deletes it without adding it again.
Without Redis (``make run``), or while Redis is unreachable, counts are added to the database
at once (``cache_client`` logs the outage once and keeps requests from waiting on it).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import Counter
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from addressbook.cache_client import RedisUnavailable, redis_client, through_redis
from addressbook.models import UsageCount, UsageRollup

logger = logging.getLogger(__name__)

PENDING_KEY = "usage:pending"
BATCH_PREFIX = "usage:batch:"
# Separates the parts of a counter's name (a control character: never in a dimension).
SEPARATOR = "\x1f"
# Rows added per INSERT when a batch is rolled up.
ROLLUP_CHUNK = 1000


@dataclass(frozen=True)
class UsageEvent:
    """One thing to count: a metric, what it is about, and the API client (None: anonymous)."""

    metric: str
    dimension: str
    client_id: str | None = None


def _field(day: datetime.date, event: UsageEvent) -> str:
    # What a client sends (a search text) may hold control characters: as spaces they can
    # neither split the counter's name nor break a spreadsheet of the figures.
    dimension = " ".join(
        "".join(" " if ord(char) < 32 or ord(char) == 127 else char for char in event.dimension).split()
    )
    return SEPARATOR.join((day.isoformat(), event.metric, event.client_id or "", dimension[:300]))


def usage_record(events: list[UsageEvent], *, response=None, day: datetime.date | None = None) -> None:
    """Count ``events`` (the per-request part: increments only).

    Without Redis the counts go to the database, and for a request only once its response
    is done (``response``): inside the request's transaction an error answer, which rolls
    it back, would take its counts along.
    """
    if not events:
        return
    fields = Counter(_field(day or timezone.localdate(), event) for event in events)
    client = redis_client()
    if client is not None:
        pipeline = client.pipeline(transaction=False)
        for name, amount in fields.items():
            pipeline.hincrby(PENDING_KEY, name, amount)
        try:
            through_redis(client, pipeline.execute)
            return
        except RedisUnavailable:  # count in the database rather than lose it
            pass
    if response is None:
        _add_counts(fields)
    else:
        # Django closes a response after sending it, outside ATOMIC_REQUESTS' transaction.
        response._resource_closers.append(lambda: _add_counts_after_response(fields))


def _add_counts_after_response(fields: dict[str, int]) -> None:
    try:
        _add_counts(fields)
    except DatabaseError as error:
        # The database failed too (the answer was a 503): the response is sent, and an
        # exception from closing it would only reach the web server's log as a crash.
        logger.warning("Usage of a request not counted, the database is unavailable: %s", error)


def usage_rollup() -> int:
    """Add waiting counters to the daily counts, exactly once; returns the batches rolled up."""
    client = redis_client()
    if client is None:
        return 0
    try:
        client.rename(PENDING_KEY, f"{BATCH_PREFIX}{uuid.uuid4().hex}")
    except Exception as error:  # nothing pending (or another roll-up took it first)
        if "no such key" not in str(error).lower():
            raise
    done = 0
    for key in client.scan_iter(match=f"{BATCH_PREFIX}*", count=100):
        name = key.decode() if isinstance(key, bytes) else key
        counts = {
            (field.decode() if isinstance(field, bytes) else field): int(value)
            for field, value in client.hgetall(name).items()
        }
        with transaction.atomic():
            _, new = UsageRollup.objects.get_or_create(batch=name.removeprefix(BATCH_PREFIX))
            if new:
                _add_counts(counts)
        client.delete(name)
        done += 1
    return done


def _add_counts(counts: dict[str, int]) -> None:
    rows = []
    for name, amount in counts.items():
        day, metric, client_id, dimension = name.split(SEPARATOR, 3)
        rows.append((day, metric, client_id or None, dimension, amount))
    table = UsageCount._meta.db_table
    constraint = f"{UsageCount._meta.app_label}_usagecount_unique_day_metric_client_dimension"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROLLUP_CHUNK):
            chunk = rows[start : start + ROLLUP_CHUNK]
            values = ", ".join(["(%s::date, %s, %s::uuid, %s, %s)"] * len(chunk))
            cursor.execute(
                f"""
                INSERT INTO {table} (day, metric, client_id, dimension, count) VALUES {values}
                ON CONFLICT ON CONSTRAINT {constraint}
                DO UPDATE SET count = {table}.count + EXCLUDED.count
                """,  # noqa: S608 - only our table and constraint names go in; values are parameters
                [value for row in chunk for value in row],
            )
