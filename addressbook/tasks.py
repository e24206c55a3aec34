"""Celery tasks: thin wrappers that call services, safe to run twice."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task
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


@shared_task(
    name="addressbook.preview_import", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def preview_import_task(job_id: str) -> str:
    """Read an uploaded spreadsheet and record what importing it would do."""
    from addressbook.models import ImportJob
    from addressbook.services.imports import import_job_preview

    return import_job_preview(job=ImportJob.objects.get(pk=job_id)).status


@shared_task(name="addressbook.apply_import")
def apply_import_task(job_id: str, user_id: int) -> str:
    """Apply a confirmed import preview (refused, not retried, if the data changed since)."""
    from django.contrib.auth import get_user_model

    from addressbook.models import ImportJob
    from addressbook.services.imports import ImportRefusedError, import_job_apply

    job = ImportJob.objects.get(pk=job_id)
    try:
        return import_job_apply(job=job, user=get_user_model().objects.get(pk=user_id)).status
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


def _report_failed(self, exc, task_id, args, kwargs, einfo) -> None:
    from addressbook.choices import ReportStatus
    from addressbook.models import StatisticsReport

    StatisticsReport.objects.filter(pk=args[0]).update(status=ReportStatus.FAILED, message=str(exc)[:1000])


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
