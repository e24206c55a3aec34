"""How fast the lookup API answers at directory scale, against a no-index baseline.

Builds a throw-away database (``<name>_bench``) with BENCH_ORGANIZATIONS organisations and
BENCH_ADDRESSES function addresses (defaults 5,000 and 100,000; DESIGN.md plans for
100,000 and 1,000,000), then times each lookup as a message service makes it, through
Django's full request stack, twice: as deployed, and with PostgreSQL's index scans turned
off for the same queries (the baseline). It prints median and 95th-percentile times and
the ratio. Run with ``make bench``; nothing here runs in ``make test``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from contextlib import contextmanager

ORGANIZATIONS = int(os.environ.get("BENCH_ORGANIZATIONS", "5000"))
ADDRESSES = int(os.environ.get("BENCH_ADDRESSES", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
BATCH = 5000


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    # Without DATABASE_URL, on the embedded PostgreSQL, as make run and make test.
    from config.embedded_postgres import ensure_database_url

    ensure_database_url()
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = ["*"]
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ()


def _bench_database() -> None:
    """Point the default connection at a fresh <name>_bench database and migrate it."""
    from django.core.management import call_command
    from django.db import connection, connections

    name = connection.settings_dict["NAME"] + "_bench"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connections.close_all()
    connection.settings_dict["NAME"] = name
    call_command("migrate", verbosity=0)


def _populate() -> dict[str, str]:
    from django.db import connection

    from addressbook.choices import OrganizationKind
    from addressbook.models import FunctionAddress, Organization

    started = time.perf_counter()
    organizations = Organization.objects.bulk_create(
        [
            Organization(
                participant_identifier=f"0203:org{n}.se",
                name=f"Organisation {n} {'Malmö' if n % 97 == 0 else 'Norrby'}",
                kind=OrganizationKind.MUNICIPALITY,
            )
            for n in range(ORGANIZATIONS)
        ],
        batch_size=BATCH,
    )
    names = ["Registrator", "Vårdcentralen", "Socialtjänsten, barn och unga", "Elevhälsan", "Hemtjänsten"]
    for start in range(0, ADDRESSES, BATCH):
        FunctionAddress.objects.bulk_create(
            [
                FunctionAddress(
                    identifier=f"sdk:adress{n}:{organizations[n % ORGANIZATIONS].participant_identifier}",
                    name=f"{names[n % len(names)]} {n}",
                    organization=organizations[n % ORGANIZATIONS],
                )
                for n in range(start, min(start + BATCH, ADDRESSES))
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would, before the planner is asked anything
    seconds = time.perf_counter() - started
    print(f"Loaded {ORGANIZATIONS:,} organisations and {ADDRESSES:,} addresses in {seconds:.0f} s")
    middle = ADDRESSES // 2
    owner = organizations[middle % ORGANIZATIONS]
    return {
        "identifier": f"sdk:adress{middle}:{owner.participant_identifier}".upper(),
        "participant": owner.participant_identifier,
        "after": str(uuid.UUID(int=0)),
    }


@contextmanager
def _without_indexes():
    """The baseline: the same SQL, with PostgreSQL not allowed to use index scans."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_indexscan; RESET enable_bitmapscan; RESET enable_indexonlyscan")


def _time(client, url: str, params: dict[str, str]) -> list[float]:
    client.get(url, params)  # warm caches and connections
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url, params)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return samples


def _p95(samples: list[float]) -> float:
    return sorted(samples)[int(len(samples) * 0.95) - 1]


def main() -> int:
    _setup_django()
    from django.test import Client

    _bench_database()
    keys = _populate()
    client = Client()
    cases = [
        ("address by identifier", "/api/addresses", {"filter[identifier]": keys["identifier"]}),
        (
            "recipient check",
            "/api/recipient-check",
            {"filter[participantIdentifier]": keys["participant"], "filter[identifier]": keys["identifier"]},
        ),
        (
            "search 'vardcentarl malmo'",
            "/api/addresses",
            {"filter[search]": "vardcentarl malmo", "page[size]": "20"},
        ),
        (
            "organisation's addresses",
            "/api/addresses",
            {"filter[participantIdentifier]": keys["participant"]},
        ),
        ("sync page (page[after])", "/api/addresses", {"page[after]": keys["after"], "page[size]": "500"}),
    ]
    print(f"\n{'lookup':32} {'median ms':>10} {'p95 ms':>8} {'no-index median':>16} {'ratio':>7}")
    for label, url, params in cases:
        fast = _time(client, url, params)
        with _without_indexes():
            slow = _time(client, url, params)
        ratio = statistics.median(slow) / statistics.median(fast)
        print(
            f"{label:32} {statistics.median(fast):10.1f} {_p95(fast):8.1f} "
            f"{statistics.median(slow):16.1f} {ratio:6.1f}x"
        )
    _usage_overhead(client, cases[0][1], cases[0][2])
    return 0


def _usage_overhead(client, url: str, params: dict[str, str]) -> None:
    """What counting every request (issue 6) costs a lookup: the same lookup, counting off."""
    from unittest import mock

    from django.conf import settings

    counted = _time(client, url, params)
    with mock.patch("addressbook.api.base.usage_record"):
        uncounted = _time(client, url, params)
    store = "Redis" if settings.CACHES["default"]["BACKEND"].endswith("RedisCache") else "database"
    print(
        f"\nusage accounting ({store}): address by identifier {statistics.median(counted):.2f} ms counted, "
        f"{statistics.median(uncounted):.2f} ms not counted "
        f"({statistics.median(counted) / statistics.median(uncounted):.2f}x)"
    )


if __name__ == "__main__":
    sys.exit(main())
