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
