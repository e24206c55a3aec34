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
    from addressbook.services.lifecycle import records_expire

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
