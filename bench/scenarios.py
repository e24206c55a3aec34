"""What make bench measures: the requests of each scenario, and the in-process ones.

Load scenarios (``load_scenarios``), each at every concurrency of BENCH_CONCURRENCY, driven
by bench.load against the gunicorn of bench.server:

- ``ceiling-framework``: ``bench/ceiling/<identifier>`` (bench.ceiling), the framework's ceiling;
- ``ceiling-database``: the same SQL over psycopg, the database's ceiling;
- ``lookup-identifier``: ``/api/addresses?filter[identifier]=…`` (exactly one record expected);
- ``lookup-id``: ``/api/addresses/{id}``;
- ``recipient-check``: ``/api/recipient-check?…`` (outcome ``accepted`` expected);
- ``search``: ``/api/addresses?filter[search]=…&page[size]=20`` over ``SEARCH_QUERIES``.

Walks (``walk_scenarios``), one client following ``links.next``: a full sync of the addresses
(``filter[status]=all&page[size]=1000``), and the change feed from 0 with and without
``include=resource``, up to BENCH_FEED_CHANGES changes.

In-process (``import_scenario``, ``rollup_scenario``), in the harness's own process with the
production settings, as the Celery worker runs them: a spreadsheet import (bench.imports)
and the usage roll-up of BENCH_ROLLUP_LOOKUPS counted lookups.
"""

from __future__ import annotations

import datetime
import time
from urllib.parse import quote, urlencode

from bench.ceiling import ADDRESS_SQL

# What people type into a message service's address search: lower case, without å, ä and ö
# (a for å/ä, o for ö), letters swapped or missing, half words.
SEARCH_QUERIES = (
    "vardcentralen kirseberg",
    "socialtjanst malmo",
    "barn- och ungdomspsyk",
    "aldreomsorg norr",
    "psykaitri",
    "vardcentarl malmo",
    "hemtjansten",
    "elevhalsan",
    "orosanmalan barn",
    "folktandvarden",
    "bup akut",
    "ekonomsikt bistand",
    "registartor",
    "familjerat",
    "ungdomsmotagningen",
    "missbruk och beroende",
    "vuxenpsykiatri oster",
    "lss handlaggare",
    "byglov",
    "overformyndaren",
    "hemsjukvard",
    "dataskyddsombud",
)

FEED_PAGE = 1000
SYNC_PAGE = 1000
# The roll-up counts lookups on a day of their own: repeated runs (and the counts of the load
# scenarios, which are today's) never add to the same rows.
ROLLUP_DAY = datetime.date(2000, 1, 1)
ROLLUP_CLIENTS = 20
ROLLUP_CHUNK = 10_000


def _query(params: dict[str, str]) -> str:
    return urlencode(params, quote_via=quote)


def load_scenarios(keys: list[dict[str, str]], *, ceiling_bytes: int, dsn: str) -> list[dict]:
    """The concurrent scenarios as bench.load specs (without host, port and concurrency)."""
    return [
        {
            "name": "ceiling-framework",
            "label": "framework ceiling (one SELECT in Django)",
            "mode": "http",
            "check": "ceiling",
            "targets": [
                f"/bench/ceiling/{quote(key['identifier'], safe='')}?bytes={ceiling_bytes}" for key in keys
            ],
        },
        {
            "name": "ceiling-database",
            "label": "database ceiling (the SELECT over psycopg)",
            "mode": "sql",
            "dsn": dsn,
            "sql": ADDRESS_SQL,
            "params": [[key["identifier"]] for key in keys],
        },
        {
            "name": "lookup-identifier",
            "label": "address by identifier",
            "mode": "http",
            "check": "one",
            "targets": [
                f"/api/addresses?{_query({'filter[identifier]': key['identifier']})}" for key in keys
            ],
        },
        {
            "name": "lookup-id",
            "label": "address by id",
            "mode": "http",
            "check": "object",
            "targets": [f"/api/addresses/{key['id']}" for key in keys],
        },
        {
            "name": "recipient-check",
            "label": "recipient check",
            "mode": "http",
            "check": "accepted",
            "targets": [
                "/api/recipient-check?"
                + _query(
                    {
                        "filter[participantIdentifier]": key["participant"],
                        "filter[identifier]": key["identifier"],
                    }
                )
                for key in keys
            ],
        },
        {
            "name": "search",
            "label": f"search ({len(SEARCH_QUERIES)} queries with typos)",
            "mode": "http",
            "check": "list",
            "targets": [search_target(query) for query in SEARCH_QUERIES],
        },
    ]


def search_target(query: str) -> str:
    return f"/api/addresses?{_query({'filter[search]': query, 'page[size]': '20'})}"


def walk_scenarios(*, feed_changes: int, sync_records: int) -> list[dict]:
    feed = f"/api/changes?{_query({'filter[after]': '0', 'page[size]': str(FEED_PAGE)})}"
    return [
        {
            "name": "sync",
            "label": f"full sync of the addresses (page[size]={SYNC_PAGE})",
            "mode": "walk",
            "start": f"/api/addresses?{_query({'filter[status]': 'all', 'page[size]': str(SYNC_PAGE)})}",
            "limit": sync_records,
        },
        {
            "name": "feed",
            "label": f"change feed from 0 (page[size]={FEED_PAGE})",
            "mode": "walk",
            "start": feed,
            "limit": feed_changes,
        },
        {
            "name": "feed-include",
            "label": "change feed from 0 with include=resource",
            "mode": "walk",
            "start": f"{feed}&include=resource",
            "limit": feed_changes,
        },
    ]


def import_scenario(rows: int, keys: list[dict[str, str]]) -> dict:
    """A spreadsheet of ``rows`` new addresses of a sampled participant, previewed and confirmed."""
    from addressbook.models import Organization
    from bench.imports import measure

    participant = Organization.objects.get(participant_identifier=keys[0]["participant"], type="o")
    result = measure(rows, participant, prefix="benchimport")
    result["participant"] = participant.participant_identifier
    result["participant_addresses"] = participant.function_addresses.count()
    expected = {"create": rows}
    result["errors"] = 0 if result["summary"] == expected and result["confirm_seconds"] is not None else 1
    return result


def _rollup_clients() -> list[str | None]:
    """Anonymous and ROLLUP_CLIENTS API clients (created once in the bench database)."""
    from addressbook.models import ApiClient
    from addressbook.services.api_clients import api_client_create

    clients = list(ApiClient.objects.filter(name__startswith="bench-rollup-").order_by("name"))
    for n in range(len(clients), ROLLUP_CLIENTS):
        clients.append(api_client_create(name=f"bench-rollup-{n:02}")[0])
    return [None, *(str(client.pk) for client in clients[:ROLLUP_CLIENTS])]


def write_counters(lookups: int) -> dict:
    """Counters for ``lookups`` API lookups, as usage_record leaves them in Redis.

    The lookups resolve ``min(addresses, lookups / 10)`` distinct addresses (the first by id),
    each as often as the next, each by one of the anonymous caller and ROLLUP_CLIENTS API
    clients: 60 % by identifier, 15 % by id, 25 % recipient checks (accepted). Every lookup
    counts a request (per endpoint and client) and its address; a recipient check also its
    outcome. Written with HINCRBY by the amount, which leaves the same hash as that many
    single increments.
    """
    from collections import Counter

    from django.db import connection

    from addressbook.cache_client import redis_client
    from addressbook.choices import UsageMetric
    from addressbook.services.usage import PENDING_KEY, UsageEvent, _field

    redis = redis_client()
    clients = _rollup_clients()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM addressbook_functionaddress")
        distinct = max(1, min(cursor.fetchone()[0], lookups // 10))
    per_address, extra = divmod(lookups, distinct)
    totals: Counter[str] = Counter()
    fields = 0
    started = time.perf_counter()
    after, index = "00000000-0000-0000-0000-000000000000", 0
    while index < distinct:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id::text FROM addressbook_functionaddress WHERE id > %s ORDER BY id LIMIT %s",
                [after, min(ROLLUP_CHUNK, distinct - index)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            break
        chunk: Counter[str] = Counter()
        for address in ids:
            amount = per_address + (1 if index < extra else 0)
            client = clients[index % len(clients)]
            kind = index % 20
            endpoint = "address-list" if kind < 12 else "address-detail" if kind < 15 else "recipient-check"
            chunk[_field(ROLLUP_DAY, UsageEvent(UsageMetric.ADDRESS, address, client))] += amount
            totals[_field(ROLLUP_DAY, UsageEvent(UsageMetric.REQUEST, endpoint, client))] += amount
            if endpoint == "recipient-check":
                totals[_field(ROLLUP_DAY, UsageEvent(UsageMetric.RECIPIENT_CHECK, "accepted", client))] += (
                    amount
                )
            index += 1
        after = ids[-1]
        fields += _hincrby(redis, PENDING_KEY, chunk)
    fields += _hincrby(redis, PENDING_KEY, totals)
    return {
        "lookups": lookups,
        "distinct_addresses": distinct,
        "clients": len(clients),
        "fields": fields,
        "write_seconds": time.perf_counter() - started,
    }


def _hincrby(redis, key: str, counts) -> int:
    pipeline = redis.pipeline(transaction=False)
    for n, (name, amount) in enumerate(counts.items(), 1):
        pipeline.hincrby(key, name, amount)
        if n % ROLLUP_CHUNK == 0:
            pipeline.execute()
    pipeline.execute()
    return len(counts)


def rollup_scenario(lookups: int, sampler_factory) -> dict:
    """``usage_rollup()`` of ``lookups`` counted lookups; checks that every one was added once."""
    from django.db.models import Sum

    from addressbook.cache_client import redis_client
    from addressbook.choices import UsageMetric
    from addressbook.models import UsageCount
    from addressbook.services.usage import BATCH_PREFIX, PENDING_KEY, usage_rollup

    redis = redis_client()
    # What the load scenarios counted is not part of this figure.
    redis.delete(PENDING_KEY, *redis.scan_iter(match=f"{BATCH_PREFIX}*"))
    UsageCount.objects.filter(day=ROLLUP_DAY).delete()
    result = write_counters(lookups)
    with sampler_factory() as sampler:
        started = time.perf_counter()
        batches = usage_rollup()
        result["seconds"] = time.perf_counter() - started
    result["batches"] = batches
    result["memory"] = sampler.report()
    counted = UsageCount.objects.filter(day=ROLLUP_DAY, metric=UsageMetric.REQUEST).aggregate(n=Sum("count"))[
        "n"
    ]
    result["counted"] = counted or 0
    result["rows"] = UsageCount.objects.filter(day=ROLLUP_DAY).count()
    result["lookups_per_second"] = lookups / result["seconds"] if result["seconds"] else None
    result["errors"] = 0 if result["counted"] == lookups and batches == 1 else 1
    return result
