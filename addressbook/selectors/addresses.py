"""Reads of function addresses beyond the lookups: those due for a staffing check."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from addressbook.choices import Status
from addressbook.models import FunctionAddress


def function_addresses_unconfirmed(*, months: int) -> QuerySet[FunctionAddress]:
    """Active addresses nobody has confirmed or changed for about ``months`` months: to be checked."""
    since = timezone.localdate() - datetime.timedelta(days=round(months * 30.44))
    return FunctionAddress.objects.filter(status=Status.ACTIVE, updated_at__date__lt=since).filter(
        Q(confirmed_at__isnull=True) | Q(confirmed_at__date__lt=since)
    )
