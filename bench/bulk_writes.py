"""Whether writing many rows in one transaction through the triggers grows linearly.

Every directory write passes PostgreSQL triggers (history, change feed, search documents,
cycle checks). Loads N and 4N function addresses in one transaction each (bulk INSERTs of
1,000 rows, rolled back afterwards), three ways, in the same run:

- **as deployed**: the session settings of ``addressbook.database`` and the history context
  function of migration 0012;
- **before the fix** (the baseline): the same load in a session without ``pgtrigger.ignore``
  and with django-pghistory's own ``_pgh_attach_context()`` (installed inside the rolled-back
  transaction: PostgreSQL's DDL is transactional), where every trigger call rolled back a
  subtransaction;
- **no triggers** (the database's ceiling): ``session_replication_role = replica``.

It prints seconds, rows per second and the growth from N to 4N rows (4.0 is linear).
BENCH_BULK_ROWS sets N (default 10,000). Run with ``make bench``; nothing here runs in
``make test``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from bench.database import _bench_database, _setup_django

ROWS = int(os.environ.get("BENCH_BULK_ROWS", "10000"))
BATCH = 1000


def _load(rows: int, prepare: Callable[[], None]) -> float:
    """Seconds to insert ``rows`` addresses in one transaction after ``prepare()``; rolled back."""
    from django.db import connection, transaction

    from addressbook.models import FunctionAddress, Organization

    with transaction.atomic():
        prepare()
        owner = Organization.objects.get(participant_identifier="0203:bulk.se")
        started = time.perf_counter()
        for start in range(0, rows, BATCH):
            FunctionAddress.objects.bulk_create(
                FunctionAddress(
                    identifier=f"sdk:bulk{n}:0203:bulk.se", name=f"Adress {n}", organization=owner
                )
                for n in range(start, min(start + BATCH, rows))
            )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred checks, as COMMIT runs them
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def _as_deployed() -> None:
    """Nothing to do: every session already has what addressbook.database gives it."""


def _before_the_fix() -> None:
    from django.db import connection
    from pghistory.models import Context

    Context.install_pgh_attach_context_func()
    with connection.cursor() as cursor:
        cursor.execute("RESET pgtrigger.ignore")


def _no_triggers() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")


def main() -> int:
    _setup_django()
    _bench_database()
    from django.db import connection

    from addressbook.models import Organization
    from addressbook.services.organizations import organization_save

    organization_save(organization=Organization(participant_identifier="0203:bulk.se", name="Bulk"))
    print(f"Bulk writes through the triggers: {ROWS:,} and {4 * ROWS:,} addresses in one transaction")
    print(f"{'':28}{'N s':>8}{'4N s':>8}{'rows/s at 4N':>14}{'growth N→4N':>13}{'vs. deployed':>14}")
    results = {}
    for label, prepare in (
        ("as deployed", _as_deployed),
        ("baseline: before the fix", _before_the_fix),
        ("no triggers (ceiling)", _no_triggers),
    ):
        small, large = _load(ROWS, prepare), _load(4 * ROWS, prepare)
        connection.close()  # a fresh session (and its settings) for the next way
        results[label] = large
        print(
            f"{label:28}{small:>8.1f}{large:>8.1f}{4 * ROWS / large:>14.0f}{large / small:>12.1f}×"
            f"{large / results['as deployed']:>13.2f}×"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
