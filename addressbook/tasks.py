"""Celery tasks: thin wrappers that call services, safe to run twice."""

from __future__ import annotations

from dataclasses import asdict

from billiard.exceptions import TimeLimitExceeded, WorkerLostError
from celery import shared_task
from celery.signals import task_failure
from django.db import OperationalError
from django.utils import timezone

from addressbook.choices import HistoryChannel


@shared_task(
    name="addressbook.expire_records",
    bind=True,
    autoretry_for=(OperationalError,),  # a database restart or fail-over: try again shortly
    retry_backoff=True,
    max_retries=5,
)
def expire_records_task(self) -> dict[str, int]:
    """Deactivate organisations, function addresses and code systems whose validity has ended."""
    from addressbook.history import history_context
    from addressbook.services.expiry import records_expire

    with history_context(channel=HistoryChannel.SYSTEM, task=self.name):
        return asdict(records_expire(today=timezone.localdate()))


@shared_task(
    name="addressbook.sequence_changes", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def sequence_changes_task() -> int:
    """Number waiting change-feed entries, so collections' meta.changeSequence stays current."""
    from addressbook.services.changes import changes_sequence

    return changes_sequence()


# The jobs below (imports, reports) are rows with a lease (addressbook.services.job_leases):
# a message delivered twice finds its job claimed, and a job whose worker died is taken over
# by a redelivered message or marked by recover_abandoned_jobs_task. Acknowledgement, time
# limits and the broker's visibility timeout are set, and explained, in config/settings/base.py.


@shared_task(
    name="addressbook.preview_import", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def preview_import_task(job_id: str) -> str:
    """Read an uploaded spreadsheet and record what importing it would do."""
    from addressbook.models import ImportJob
    from addressbook.services.imports import import_job_preview

    return import_job_preview(job=ImportJob.objects.get(pk=job_id)).status


@shared_task(name="addressbook.apply_import")
def apply_import_task(job_id: str, user_id: int, confirmation: str | None = None) -> str:
    """Apply a confirmed import preview (refused, not retried, if the data changed since).

    ``confirmation`` (import_job_confirm's) makes a message delivered again after its job went
    back to its preview do nothing; messages queued before it existed carry none.
    """
    import uuid

    from django.contrib.auth import get_user_model

    from addressbook.models import ImportJob
    from addressbook.services.imports import ImportRefusedError, import_job_apply

    job = ImportJob.objects.get(pk=job_id)
    try:
        return import_job_apply(
            job=job,
            user=get_user_model().objects.get(pk=user_id),
            confirmation=uuid.UUID(confirmation) if confirmation else None,
        ).status
    except ImportRefusedError:
        return ImportJob.objects.get(pk=job_id).status


@shared_task(
    name="addressbook.rollup_usage", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def rollup_usage_task() -> int:
    """Add the API's usage counters to the daily counts (exactly once, however often it runs)."""
    from addressbook.services.usage import usage_rollup

    return usage_rollup()


@shared_task(
    name="addressbook.compute_statistics",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def compute_statistics_task(day: str | None = None) -> int:
    """Keep today's (or ``day``'s) directory statistics; run again, it replaces them."""
    import datetime

    from addressbook.services.statistics import statistics_compute

    return statistics_compute(day=datetime.date.fromisoformat(day) if day else timezone.localdate())


# How a worker's main process reports a task whose pool process died (see job_run_lost).
RUN_LOST_ERRORS = (WorkerLostError, TimeLimitExceeded)


def _report_failed(self, exc, task_id, args, kwargs, einfo) -> None:
    if isinstance(exc, RUN_LOST_ERRORS):
        return  # job_run_lost says what happened, in the admin's language
    from addressbook.choices import ReportStatus
    from addressbook.models import StatisticsReport

    StatisticsReport.objects.filter(pk=args[0]).update(
        status=ReportStatus.FAILED, message=str(exc)[:1000], run_token=None, heartbeat_at=None
    )


@shared_task(
    name="addressbook.build_statistics_report",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    on_failure=_report_failed,
)
def build_statistics_report_task(report_id: str) -> str:
    """Compute the workbook an analyst asked for in the admin."""
    from addressbook.models import StatisticsReport
    from addressbook.services.statistics import statistics_report_build

    report = StatisticsReport.objects.get(pk=report_id)
    statistics_report_build(report=report)
    return report.status


@shared_task(
    name="addressbook.recover_abandoned_jobs",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def recover_abandoned_jobs_task() -> int:
    """Mark imports and reports whose worker has gone silent, so they can be started again."""
    from addressbook.services.import_recovery import import_jobs_recover
    from addressbook.services.statistics import statistics_reports_recover

    return import_jobs_recover() + statistics_reports_recover()


def _import_run_lost(job_id: str) -> None:
    from addressbook.models import ImportJob
    from addressbook.services.import_recovery import import_job_abandon

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        import_job_abandon(job=job)


def _report_run_lost(report_id: str) -> None:
    from addressbook.models import StatisticsReport
    from addressbook.services.statistics import statistics_report_abandon

    report = StatisticsReport.objects.filter(pk=report_id).first()
    if report is not None:
        statistics_report_abandon(report=report)


# The job each task's first argument names, and how to mark it when its run is lost.
RUN_LOST = {
    "addressbook.preview_import": _import_run_lost,
    "addressbook.apply_import": _import_run_lost,
    "addressbook.build_statistics_report": _report_run_lost,
}


@task_failure.connect
def job_run_lost(sender=None, exception=None, args=None, **kwargs) -> None:
    """The worker's main process saw a job's pool process die: mark the job at once.

    A pool process killed (``kill -9``, out of memory, the hard time limit) runs no code of
    its own; its parent reports WorkerLostError and, with CELERY_TASK_REJECT_ON_WORKER_LOST
    off, acknowledges the message: nothing would run the job again, so it is marked here (an
    import goes back to its preview, a preview or report fails) and can be started again.
    """
    lost = RUN_LOST.get(getattr(sender, "name", ""))
    if lost is not None and args and isinstance(exception, RUN_LOST_ERRORS):
        lost(args[0])
