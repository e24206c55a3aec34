"""How fast a spreadsheet import runs, against saving the same rows directly.

``measure`` writes a CSV of ``rows`` new function addresses for one participant and times,
each inside a transaction that is rolled back afterwards (so a kept dataset stays as it was):

- the baseline: the same addresses saved one by one through ``function_address_save`` (the
  validation and writes of the row-by-row way); above BENCH_IMPORT_BASELINE_ROWS (5,000) it
  saves that many and scales the time to ``rows`` (it is linear, and 100,000 rows one by one
  would take longer than the whole benchmark);
- the preview (a dry run of the file) and the confirmed import, with the deferred
  constraint checks that COMMIT would run (``SET CONSTRAINTS ALL IMMEDIATE``) in its time.

The CPU time of each step is measured too, of this process and of its
PostgreSQL backend: figures that hold on a busy machine, where seconds do not.
The ratio to the baseline is what the import costs beside the writes: reading the file, keys,
role checks and the row-by-row outcome, with the writes in batches (below 1 the import is
faster than saving the rows one by one). The SQL statements of each step are counted too:
they do not grow with the rows (one per batch of 1,000). The services are called in-process, as the Celery
worker calls them for files above IMPORT_INLINE_BYTES (and the web process below it).

make bench runs ``measure`` on its dataset (bench.run). ``python -m bench.imports`` runs it
alone on a fresh ``<name>_bench_scratch`` database with BENCH_IMPORT_ROWS rows (default
5,000) and one participant, and prints rows per second and what a 50,000-row file would take.
"""

from __future__ import annotations

import os
import sys
import time

from bench.database import _bench_database, _setup_django

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "5000"))
BASELINE_ROWS = int(os.environ.get("BENCH_IMPORT_BASELINE_ROWS", "5000"))


def _cpu_seconds(backend_pid: int) -> tuple[float, float | None]:
    """CPU seconds so far of this process (every thread) and of its PostgreSQL backend (if local)."""
    import psutil

    try:
        times = psutil.Process(backend_pid).cpu_times()
        backend = times.user + times.system
    except psutil.Error:
        backend = None
    return time.process_time(), backend


def _spent(before: tuple[float, float | None], after: tuple[float, float | None]) -> dict:
    return {
        "python": after[0] - before[0],
        "database": None if before[1] is None or after[1] is None else after[1] - before[1],
    }


class _Statements:
    """Counts the SQL statements run on the connection while installed (connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _csv(rows: int, participant: str, prefix: str = "import") -> bytes:
    lines = ["Identifier;Name;Participant identifier;Keywords"]
    lines += [f"sdk:{prefix}{n}:{participant};Adress {n};{participant};bench, import" for n in range(rows)]
    return "\n".join(lines).encode()


def measure(rows: int, participant, prefix: str = "import") -> dict:
    """Seconds of the baseline, the preview and the confirmed import of ``rows`` new addresses."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from addressbook.choices import ImportStatus
    from addressbook.models import FunctionAddress
    from addressbook.services.addresses import function_address_save
    from addressbook.services.imports import import_job_apply, import_job_create, import_job_preview

    key = participant.participant_identifier
    baseline_rows = min(rows, BASELINE_ROWS)
    started = time.perf_counter()
    with transaction.atomic():
        for n in range(baseline_rows):
            function_address_save(
                function_address=FunctionAddress(
                    identifier=f"sdk:{prefix}{n}:{key}",
                    name=f"Adress {n}",
                    organization=participant,
                    keywords=["bench", "import"],
                )
            )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        baseline = (time.perf_counter() - started) * rows / baseline_rows
        transaction.set_rollback(True)

    with transaction.atomic():
        user = get_user_model().objects.create_superuser("bench-import", "bench@example.se", None)
        content = _csv(rows, key, prefix)
        job = import_job_create(user=user, resource="addresses", file_name="bench.csv", content=content)
        preview_statements, confirm_statements = _Statements(), _Statements()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend_pid = cursor.fetchone()[0]
        cpu = {}
        started, cpu_started = time.perf_counter(), _cpu_seconds(backend_pid)
        with connection.execute_wrapper(preview_statements):
            job = import_job_preview(job=job)
        preview = time.perf_counter() - started
        cpu["preview"] = _spent(cpu_started, _cpu_seconds(backend_pid))
        summary, status, message = dict(job.summary), job.status, job.message
        applied = None
        if status == ImportStatus.PREVIEWED and not summary.get("error"):
            started, cpu_started = time.perf_counter(), _cpu_seconds(backend_pid)
            with connection.execute_wrapper(confirm_statements):
                job = import_job_apply(job=job, user=user)
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            applied = time.perf_counter() - started
            cpu["confirm"] = _spent(cpu_started, _cpu_seconds(backend_pid))
            status = job.status
        job.file.delete(save=False)
        transaction.set_rollback(True)
    return {
        "rows": rows,
        "file_bytes": len(content),
        "baseline_seconds": baseline,
        "baseline_rows": baseline_rows,
        "preview_statements": preview_statements.count,
        "confirm_statements": confirm_statements.count,
        "cpu_seconds": cpu,
        "preview_seconds": preview,
        "confirm_seconds": applied,
        "summary": summary,
        "status": status,
        "message": message,
    }


def main() -> int:
    _setup_django()
    _bench_database()
    from addressbook.models import Organization
    from addressbook.services.organizations import organization_save

    participant = organization_save(
        organization=Organization(participant_identifier="0203:bench.se", name="Bench")
    )
    result = measure(ROWS, participant)
    print(f"Import of {ROWS:,} new function addresses (one CSV file), rolled back afterwards")
    print(f"{'':28}{'seconds':>10}{'rows/s':>10}{'ms/row':>8}{'vs. baseline':>14}{'statements':>12}")
    for label, seconds, statements in (
        ("baseline: save one by one", result["baseline_seconds"], None),
        ("preview (dry run)", result["preview_seconds"], result["preview_statements"]),
        ("confirmed import", result["confirm_seconds"], result["confirm_statements"]),
    ):
        if seconds is None:
            print(f"{label:28}{'—':>10}  ({result['status']}: {result['summary']} {result['message']})")
            continue
        print(
            f"{label:28}{seconds:>10.1f}{ROWS / seconds:>10.0f}{seconds / ROWS * 1000:>8.2f}"
            f"{seconds / result['baseline_seconds']:>13.2f}×{'' if statements is None else statements:>12}"
        )
    for step, spent in result["cpu_seconds"].items():
        database = "—" if spent["database"] is None else f"{spent['database'] / ROWS * 1000:.2f}"
        print(f"{step}: CPU ms a row: Python {spent['python'] / ROWS * 1000:.2f}, PostgreSQL {database}")
    if result["baseline_rows"] < ROWS:
        print(f"(the baseline saved {result['baseline_rows']:,} rows; its time is scaled to {ROWS:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
