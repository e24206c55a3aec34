"""How fast a spreadsheet import runs, against saving the same rows directly.

Builds the throw-away ``<name>_bench`` database (as bench.lookups does), writes a CSV of
BENCH_IMPORT_ROWS new function addresses (default 5,000) for one participant, and times:

- the baseline: the same addresses saved one by one through ``function_address_save`` (the
  validation and writes an import cannot avoid), inside a transaction that is rolled back;
- the preview (a dry run of the file) and the confirmed import.

It prints rows per second, the ratio to the baseline (the cost of reading the file, keys,
role checks, per-row savepoints and the row-by-row outcome), and what a 50,000-row file
would take. Run with ``make bench``; nothing here runs in ``make test``.
"""

from __future__ import annotations

import os
import sys
import time

from bench.lookups import _bench_database, _setup_django

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "5000"))


def _csv(rows: int) -> bytes:
    lines = ["Identifier;Name;Participant identifier;Keywords"]
    lines += [f"sdk:import{n}:0203:bench.se;Adress {n};0203:bench.se;bench, import" for n in range(rows)]
    return "\n".join(lines).encode()


def main() -> int:
    _setup_django()
    _bench_database()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from addressbook.models import FunctionAddress, Organization
    from addressbook.services.addresses import function_address_save
    from addressbook.services.imports import import_job_apply, import_job_create, import_job_preview
    from addressbook.services.organizations import organization_save

    participant = organization_save(
        organization=Organization(participant_identifier="0203:bench.se", name="Bench")
    )
    user = get_user_model().objects.create_superuser("bench", "bench@example.se", "bench-password-1234")

    started = time.perf_counter()
    with transaction.atomic():
        for n in range(ROWS):
            function_address_save(
                function_address=FunctionAddress(
                    identifier=f"sdk:import{n}:0203:bench.se",
                    name=f"Adress {n}",
                    organization=participant,
                    keywords=["bench", "import"],
                )
            )
        transaction.set_rollback(True)
    baseline = time.perf_counter() - started

    job = import_job_create(user=user, resource="addresses", file_name="bench.csv", content=_csv(ROWS))
    started = time.perf_counter()
    import_job_preview(job=job)
    preview = time.perf_counter() - started
    started = time.perf_counter()
    import_job_apply(job=job, user=user)
    applied = time.perf_counter() - started

    print(f"Import of {ROWS:,} new function addresses (one CSV file)")
    print(f"{'':28}{'seconds':>10}{'rows/s':>10}{'vs. baseline':>14}{'50,000 rows':>14}")
    for label, seconds in (
        ("baseline: save one by one", baseline),
        ("preview (dry run)", preview),
        ("confirmed import", applied),
    ):
        print(
            f"{label:28}{seconds:>10.1f}{ROWS / seconds:>10.0f}{seconds / baseline:>13.1f}×"
            f"{50_000 / ROWS * seconds / 60:>11.1f} min"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
