"""Celery tasks: thin wrappers that call services, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from addressbook.choices import HistoryChannel


@shared_task(name="addressbook.expire_function_addresses", bind=True, max_retries=3, retry_backoff=True)
def expire_function_addresses_task(self) -> int:
    """Deactivate function addresses whose validity period has ended."""
    from addressbook.history import history_context
    from addressbook.services.addresses import function_addresses_expire

    with history_context(channel=HistoryChannel.SYSTEM, task=self.name):
        return function_addresses_expire(today=timezone.localdate())
