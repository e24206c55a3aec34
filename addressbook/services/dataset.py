"""Generate a realistic directory for benchmarks (``manage.py generate_dataset``).

The plan (names, trees, identifiers) comes from ``dataset_plan``; this module writes it
through the real tables, so every trigger and constraint works as for any other write: the
audit history, the change feed, the search documents, the cycle check and every CHECK and
unique constraint. Nothing is disabled or skipped; rows are inserted in set-based batches
(``INSERT … SELECT FROM unnest(…)``), one transaction per batch, so the cost per row stays
the same however large the directory grows.

Phases: code system, organisations (level by level, parents first), addresses with their
classifications, a round of updates (renames, new descriptions, deactivations) so that the
history and the feed hold more than creations, numbering the change feed, ANALYZE.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from addressbook.choices import HistoryChannel, OrganizationType, Status
from addressbook.database_roles import owner_connection
from addressbook.history import history_context
from addressbook.models import Code, CodeSystem, FunctionAddress, Organization
from addressbook.models.changes import CHANGE_TABLE
from addressbook.models.search import ADDRESS_TABLE, CLASSIFICATION_TABLE, ORGANIZATION_TABLE
from addressbook.services import dataset_vocabulary as words
from addressbook.services.changes import changes_sequence
from addressbook.services.dataset_plan import (
    PlannedAddress,
    PlannedOrganization,
    plan_addresses,
    plan_organization_updates,
    plan_organizations,
)

# More than this many organisations means a directory someone uses: refuse unless forced.
MAX_EXISTING_ORGANIZATIONS = 10
# Rows per INSERT and per transaction: large enough to amortise a round trip, small enough
# that a transaction never holds many thousand trigger sub-transactions and row locks.
BATCH = 2000

_INSERT_ORGANIZATIONS = f"""
    INSERT INTO {ORGANIZATION_TABLE} (
        id, parent_id, type, kind, participant_identifier, local_identifier, organization_number, name,
        alternate_name, description, country_code, county_code, municipality_code, status, valid_from,
        valid_to, created_at, updated_at, search_document)
    SELECT planned.*, now(), now(), ''
    FROM unnest(%s::uuid[], %s::uuid[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
                %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
                %s::date[], %s::date[]) AS planned
"""  # noqa: S608 - table names are constants
_INSERT_ADDRESSES = f"""
    INSERT INTO {ADDRESS_TABLE} (
        id, organization_id, identifier, name, description, keywords, status, valid_from, valid_to,
        confirmed_at, created_at, updated_at, search_document)
    SELECT a.id, a.organization_id, a.identifier, a.name, a.description,
           string_to_array(a.keywords, '|')::varchar(64)[], a.status, a.valid_from, a.valid_to,
           now() - make_interval(days => a.confirmed_days_ago), now(), now(), ''
    FROM unnest(%s::uuid[], %s::uuid[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
                %s::date[], %s::date[], %s::int[])
         AS a(id, organization_id, identifier, name, description, keywords, status, valid_from, valid_to,
              confirmed_days_ago)
"""  # noqa: S608
_INSERT_CLASSIFICATIONS = f"""
    INSERT INTO {CLASSIFICATION_TABLE} (function_address_id, code_id)
    SELECT * FROM unnest(%s::uuid[], %s::uuid[])
"""  # noqa: S608
_UPDATE_ORGANIZATIONS = f"""
    UPDATE {ORGANIZATION_TABLE} AS o SET name = u.name, description = u.description, updated_at = now()
    FROM unnest(%s::uuid[], %s::text[], %s::text[]) AS u(id, name, description) WHERE o.id = u.id
"""  # noqa: S608
_UPDATE_ADDRESSES = f"""
    UPDATE {ADDRESS_TABLE} AS a
    SET name = u.name, description = u.description, status = u.status, valid_to = u.valid_to,
        updated_at = now()
    FROM unnest(%s::uuid[], %s::text[], %s::text[], %s::text[], %s::date[])
         AS u(id, name, description, status, valid_to)
    WHERE a.id = u.id
"""  # noqa: S608


class DatasetRefusedError(Exception):
    """The database already holds a directory; generating into it needs ``force``."""


@dataclass
class DatasetReport:
    """What one run created and changed, and how long each phase took (seconds)."""

    participants: int = 0
    sub_organizations: int = 0
    codes: int = 0
    function_addresses: int = 0
    inactive_function_addresses: int = 0
    classifications: int = 0
    updated_organizations: int = 0
    updated_function_addresses: int = 0
    numbered_changes: int = 0
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def organizations(self) -> int:
        return self.participants + self.sub_organizations

    @property
    def seconds(self) -> float:
        return sum(self.phases.values())


def dataset_generate(
    *,
    organizations: int,
    addresses: int,
    seed: int,
    progress: Callable[[str], None] | None = None,
    force: bool = False,
    workers: int | None = None,
) -> DatasetReport:
    """Create ``organizations`` organisations and ``addresses`` function addresses from ``seed``.

    Refuses (DatasetRefusedError) when the database already has more than a handful of
    organisations, unless ``force``: a benchmark directory must never be mixed into real data
    by mistake. With ``force``, identifiers already in use are avoided. Addresses are written
    by ``workers`` connections (default: 2 on a multi-core machine, 1 inside a transaction).
    """
    if organizations < 1 or addresses < 0:
        raise ValueError("At least one organisation, and no negative number of addresses.")
    existing = Organization.objects.count()
    if existing > MAX_EXISTING_ORGANIZATIONS and not force:
        raise DatasetRefusedError(
            f"The database already has {existing} organisations; generating test data into it needs --force."
        )
    say = progress or (lambda message: None)
    report = DatasetReport()
    today = timezone.localdate()

    @contextlib.contextmanager
    def phase(name: str) -> Iterator[None]:
        started = time.perf_counter()
        say(f"{name} …")
        yield
        report.phases[name] = time.perf_counter() - started
        say(f"{name}: {report.phases[name]:.1f} s")

    context = {"channel": HistoryChannel.SYSTEM, "source": "generate_dataset", "seed": seed}
    with history_context(**context):
        with phase("code system"):
            codes = _load_code_system(report)
        with phase("organisations"):
            planned = _taken_and_plan(organizations, seed, today, existing)
            _insert_organizations(planned, report, say)
        with phase("function addresses"):
            taken = _taken_addresses()
            stream = plan_addresses(
                organizations=planned, count=addresses, seed=seed, today=today, taken=taken
            )
            if workers is None:
                workers = 1 if connection.in_atomic_block else min(2, os.cpu_count() or 1)
            writers = _Writers(workers, context)
            try:
                updates = _insert_addresses(stream, codes, addresses, len(taken), writers, report, say)
            finally:
                writers.close()  # waits for the last batches; raises a writer's error
        with phase("updates"):
            _update(planned, updates, seed, report)
        with phase("change feed"):
            # The beat numbers 10,000 changes per run; a million waiting ones would keep the
            # feed behind for hours, so the loader numbers its own, with the same service.
            while numbered := changes_sequence():
                report.numbered_changes += numbered
        with phase("vacuum"):
            _vacuum()  # for the first benchmark, before autovacuum comes round
    return report


def _vacuum() -> None:
    """What autovacuum would do next: clear the dead rows the load left, and analyze.

    Numbering the feed rewrites every change row: until vacuumed, the index of changes
    waiting for a number holds a dead entry for each, and the feed's every page walks them
    all (14 ms at two million changes, to find none). VACUUM cannot run in a transaction
    (a test's): there, statistics are enough.
    """
    if connection.in_atomic_block:
        _analyze()
        return
    # Only the owner of a table may vacuum it; the application's role is warned and skipped.
    with owner_connection() as owner, owner.cursor() as cursor:
        for table in (ORGANIZATION_TABLE, ADDRESS_TABLE, CLASSIFICATION_TABLE, CHANGE_TABLE):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def _analyze() -> None:
    """Fresh statistics for the tables the triggers read, as autovacuum keeps them in time.

    The triggers look up parents, ancestors and classifications by key. Planned while a table
    was empty, those lookups become sequential scans, and every row inserted makes the next
    one slower; autovacuum would analyze only after a minute. ANALYZE invalidates the cached
    plans, so the triggers plan again with index scans. As the owner, in a session of its own
    (the application's role may not analyze): it sees what this session has committed.
    """
    with owner_connection() as owner, owner.cursor() as cursor:
        for table in (ORGANIZATION_TABLE, ADDRESS_TABLE, CLASSIFICATION_TABLE):
            cursor.execute(f"ANALYZE {table}")


def _load_code_system(report: DatasetReport) -> dict[str, Code]:
    """The generated code system with its hierarchy, reused if an earlier run created it."""
    with transaction.atomic():
        system = CodeSystem.objects.filter(identifier=words.CODE_SYSTEM_IDENTIFIER, version="1").first()
        if system is None:
            system = CodeSystem(
                identifier=words.CODE_SYSTEM_IDENTIFIER,
                version="1",
                name=words.CODE_SYSTEM_NAME,
                description=words.CODE_SYSTEM_DESCRIPTION,
            )
            system.full_clean()
            system.save()
        codes = {code.code: code for code in system.codes.all()}
        for value, display_name, parent in words.CODES:
            if value in codes:
                continue
            code = Code(code_system=system, code=value, display_name=display_name, parent=codes.get(parent))
            code.full_clean()
            code.save()
            codes[value] = code
            report.codes += 1
    return codes


def _taken_and_plan(count: int, seed: int, today: datetime.date, existing: int) -> list[PlannedOrganization]:
    taken: set[str] = set()
    if existing:  # only with --force, or a handful of hand-made records
        participants = Organization.objects.filter(type=OrganizationType.PARTICIPANT)
        for identifier, number in participants.values_list("participant_identifier", "organization_number"):
            taken |= {identifier, number}
    return plan_organizations(count=count, seed=seed, today=today, taken=taken)


def _taken_addresses() -> set[str]:
    return set(
        FunctionAddress.objects.annotate(lower=Lower("identifier")).values_list("lower", flat=True).iterator()
    )


def _batched(rows: Iterable) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _execute(sql: str, columns: Iterable[tuple]) -> None:
    """One statement over a batch given column by column (one array parameter per column)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(column) for column in columns])


def _organization_row(o: PlannedOrganization) -> tuple:
    parent = o.parent.id if o.parent else None
    return (o.id, parent, o.type, o.kind, o.participant_identifier, o.local_identifier,
            o.organization_number, o.name, o.alternate_name, o.description, "SE", o.county_code,
            o.municipality_code, o.status, o.valid_from, o.valid_to)  # fmt: skip


def _address_row(a: PlannedAddress) -> tuple:
    return (a.id, a.organization.id, a.identifier, a.name, a.description, "|".join(a.keywords), a.status,
            a.valid_from, a.valid_to, a.confirmed_days_ago)  # fmt: skip


def _insert_organizations(planned: list[PlannedOrganization], report: DatasetReport, say) -> None:
    """Level by level, so that every parent exists (and has its search document) before its units."""
    for level in sorted({o.level for o in planned}):
        rows = [o for o in planned if o.level == level]
        for batch in _batched(rows):
            with transaction.atomic():
                _execute(_INSERT_ORGANIZATIONS, zip(*map(_organization_row, batch), strict=True))
        _analyze()
        if level == 0:
            report.participants = len(rows)
        else:
            report.sub_organizations += len(rows)
        say(f"  level {level}: {len(rows):,} organisations")


def _write_addresses(rows: list[tuple], classified: list[tuple]) -> None:
    with transaction.atomic():
        _execute(_INSERT_ADDRESSES, zip(*rows, strict=True))
        if classified:
            # Each classification refreshes its address's search document and puts an
            # "updated" in the feed, as when an administrator adds a code to a new address.
            _execute(_INSERT_CLASSIFICATIONS, zip(*classified, strict=True))


def _insert_addresses(
    stream: Iterator[PlannedAddress], codes: dict[str, Code], total: int, existing: int, writers, report, say
) -> list[PlannedAddress]:
    """Addresses and their classifications, batch by batch; returns those to change afterwards.

    ``existing`` is how many addresses the database had before: its statistics are fine until
    this run has added about as many again.
    """
    updates: list[PlannedAddress] = []
    started = time.perf_counter()
    step = max(total // 10, 1)
    # After 1, 2, 4, 8 … batches: the statistics keep up with the table at little cost.
    next_report, next_analyze = step, max(BATCH, existing)
    for batch in _batched(stream):
        if report.function_addresses >= next_analyze:
            _analyze()
            next_analyze *= 2
        classified = [(a.id, codes[code].id) for a in batch for code in a.codes]
        writers.submit(functools.partial(_write_addresses, [_address_row(a) for a in batch], classified))
        report.function_addresses += len(batch)
        report.inactive_function_addresses += sum(a.status == Status.INACTIVE for a in batch)
        report.classifications += len(classified)
        updates += [a for a in batch if a.update is not None]
        if report.function_addresses >= next_report:
            rate = report.function_addresses / (time.perf_counter() - started)
            say(f"  {report.function_addresses:,} of {total:,} addresses ({rate:,.0f} a second)")
            next_report += step
    return updates


class _Writers:
    """Runs write jobs on ``count`` threads, each with its own connection and history context.

    One PostgreSQL backend runs the triggers of one statement on one core; two connections
    use both cores of a small machine. Batches touch disjoint rows (their own addresses,
    classifications and change rows; shared locks only on organisations and codes), so they
    cannot block each other. With ``count`` 1 the jobs run inline, in the caller's
    transaction: inside a test's transaction, another connection would not see the
    organisations the addresses belong to.
    """

    def __init__(self, count: int, context: dict):
        self.errors: list[BaseException] = []
        self.jobs: queue.Queue = queue.Queue(maxsize=2 * count)
        self.threads = [
            threading.Thread(target=self._work, args=(context,)) for _ in range(count if count > 1 else 0)
        ]
        for thread in self.threads:
            thread.start()

    def _work(self, context: dict) -> None:
        try:
            # A context of its own: two connections upserting one context row would queue on its lock.
            with history_context(**context):
                while (job := self.jobs.get()) is not None:
                    if not self.errors:  # after a failure, only drain the queue
                        try:
                            job()
                        except BaseException as error:  # re-raised in the caller's thread
                            self.errors.append(error)
        finally:
            connection.close()

    def submit(self, job: Callable[[], None]) -> None:
        if not self.threads:
            job()
            return
        if self.errors:
            self.close()
        self.jobs.put(job)

    def close(self) -> None:
        for _thread in self.threads:
            self.jobs.put(None)
        for thread in self.threads:
            thread.join()
        self.threads = []
        if self.errors:
            raise self.errors[0]


def _update(planned: list[PlannedOrganization], addresses: list[PlannedAddress], seed: int, report) -> None:
    """Change a share of the records once, in bulk UPDATEs, as administrators would over time."""
    for batch in _batched(plan_organization_updates(planned, seed=seed)):
        with transaction.atomic():
            _execute(
                _UPDATE_ORGANIZATIONS, zip(*((o.id, name, text) for o, name, text in batch), strict=True)
            )
        report.updated_organizations += len(batch)
    for batch in _batched(addresses):
        with transaction.atomic():
            _execute(_UPDATE_ADDRESSES, zip(*((a.id, *a.update) for a in batch), strict=True))
        report.updated_function_addresses += len(batch)
        report.inactive_function_addresses += sum(
            a.status == Status.ACTIVE and a.update[2] == Status.INACTIVE for a in batch
        )
