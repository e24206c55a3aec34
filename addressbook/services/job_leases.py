"""Leases on background jobs: one run at a time, and a run whose worker died is noticed.

A job row (an import, a report) is *claimed* by a conditional UPDATE: it moves from its
waiting status to its running status only if it is still waiting, or if it is running but
its lease ran out (its worker has not written ``heartbeat_at`` for ``JOB_LEASE_SECONDS``),
which is how a message the broker delivers again takes over the job of a worker that died.
Each claim writes a new ``run_token``; the run writes its outcome only where the token is
still its own, so two runs of one job can overlap in time (a stalled worker waking up after
another took over) but only one of them ever writes anything.

While a run works, a thread with its own database connection writes ``heartbeat_at`` every
quarter lease. It dies with its process, so ``kill -9`` of a worker stops the heartbeat and
``job_leases_abandoned`` finds the job one grace period later (two leases: a message the
broker delivers again gets the first chance to take the job over).
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import threading
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from addressbook.models.jobs import WorkerJob

logger = logging.getLogger(__name__)


def lease_seconds() -> float:
    """How long a running job's worker may stay silent before its job may be taken over."""
    return float(settings.JOB_LEASE_SECONDS)


def job_lease_claim(
    job: WorkerJob, *, waiting: str, running: str, only_if: Q | None = None, **changes
) -> uuid.UUID | None:
    """Moves ``job`` on to ``running`` for this run, if no live run holds it; its token, or None.

    ``only_if`` narrows what may be claimed further. ``job`` is read again either way, so the
    caller sees where it stands.
    """
    token = uuid.uuid4()
    now = timezone.now()
    lapsed = now - datetime.timedelta(seconds=lease_seconds())
    claimable = Q(status=waiting) | Q(status=running, heartbeat_at__lt=lapsed)
    claimed = (
        type(job)
        .objects.filter(claimable, only_if or Q(), pk=job.pk)
        .update(status=running, run_token=token, heartbeat_at=now, updated_at=now, **changes)
    )
    job.refresh_from_db()
    return token if claimed == 1 else None


def job_lease_finish(job: WorkerJob, token: uuid.UUID, **outcome) -> bool:
    """Writes the run's outcome and ends its lease, if the run still holds the job.

    Inside the run's transaction this is also the fence: a run that lost the job writes
    nothing and must roll its work back.
    """
    outcome = {**outcome, "run_token": None, "heartbeat_at": None, "updated_at": timezone.now()}
    written = type(job).objects.filter(pk=job.pk, run_token=token).update(**outcome)
    if written:
        for name, value in outcome.items():
            setattr(job, name, value)
    return written == 1


@contextlib.contextmanager
def job_lease_kept(job: WorkerJob, token: uuid.UUID) -> Iterator[None]:
    """While the body runs, a thread tells the database every quarter lease that the run lives.

    The heartbeat goes through the thread's own connection: the run's transaction (an import
    is one) would hide it from everyone else until it ends.
    """
    stop = threading.Event()
    model = type(job)

    def beat() -> None:
        try:
            while not stop.wait(max(lease_seconds() / 4, 0.2)):
                try:
                    alive = model.objects.filter(pk=job.pk, run_token=token).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    # The database is briefly away: the next beat tries again; if it stays
                    # away longer than the lease, the run's own writes fail as well.
                    logger.warning("%s %s: heartbeat not recorded", model.__name__, job.pk, exc_info=True)
                    continue
                if not alive:
                    return  # taken over or finished: the fence refuses this run's outcome
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"lease-{job.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def job_leases_abandoned(model: type[WorkerJob], *, running: str) -> QuerySet:
    """Jobs marked running whose worker has been silent for two leases: it is gone."""
    silent_since = timezone.now() - datetime.timedelta(seconds=2 * lease_seconds())
    return model.objects.filter(status=running, heartbeat_at__lt=silent_since)


def job_lease_break(job: WorkerJob, *, running: str, token: uuid.UUID | None, **outcome) -> bool:
    """Ends the lease of a run that is gone, writing ``outcome``; False if the job moved on.

    ``token`` is the dead run's (from ``job_leases_abandoned``), or None where it is not
    known (the worker's main process reporting that its pool child was killed).
    """
    held = type(job).objects.filter(pk=job.pk, status=running)
    if token is not None:
        held = held.filter(run_token=token)
    outcome = {**outcome, "run_token": None, "heartbeat_at": None, "updated_at": timezone.now()}
    return held.update(**outcome) == 1
