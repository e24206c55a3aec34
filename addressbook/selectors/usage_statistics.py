"""Usage statistics: the API's daily counts (``UsageCount``) added up for a range of days.

Every reader takes the first and last day and returns rows, for the datasets in
``selectors.datasets``.
"""

from __future__ import annotations

import datetime

from django.db.models import Sum
from django.utils.translation import gettext as _

from addressbook.choices import UsageMetric
from addressbook.models import FunctionAddress, UsageCount


def _usage(metric: str, first: datetime.date, last: datetime.date):
    return UsageCount.objects.filter(metric=metric, day__range=(first, last))


def lookups_per_day(first: datetime.date, last: datetime.date) -> list[list]:
    totals = dict(
        _usage(UsageMetric.REQUEST, first, last)
        .values("day")
        .annotate(n=Sum("count"))
        .values_list("day", "n")
    )
    anonymous = dict(
        _usage(UsageMetric.REQUEST, first, last)
        .filter(client__isnull=True)
        .values("day")
        .annotate(n=Sum("count"))
        .values_list("day", "n")
    )
    days = (last - first).days + 1
    return [
        [day.isoformat(), totals.get(day, 0), anonymous.get(day, 0)]
        for day in (first + datetime.timedelta(days=offset) for offset in range(days))
    ]


def requests_by_client(first: datetime.date, last: datetime.date) -> list[list]:
    rows = (
        _usage(UsageMetric.REQUEST, first, last)
        .values("client__name", "dimension")
        .annotate(n=Sum("count"))
        .order_by("-n", "client__name", "dimension")
    )
    return [[row["client__name"] or _("anonymous"), row["dimension"], row["n"]] for row in rows]


def top_clients(first: datetime.date, last: datetime.date) -> list[list]:
    rows = (
        _usage(UsageMetric.REQUEST, first, last)
        .values("client__name")
        .annotate(n=Sum("count"))
        .order_by("-n", "client__name")
    )
    return [[row["client__name"] or _("anonymous"), row["n"]] for row in rows]


def top_addresses(first: datetime.date, last: datetime.date) -> list[list]:
    counted = (
        _usage(UsageMetric.ADDRESS, first, last).values("dimension").annotate(n=Sum("count")).order_by("-n")
    )
    counts = {row["dimension"]: row["n"] for row in counted}
    addresses = {
        str(address.pk): address
        for address in FunctionAddress.objects.filter(pk__in=list(counts)).select_related("organization")
    }
    return [
        [addresses[key].identifier, addresses[key].name, addresses[key].organization.name, n]
        for key, n in counts.items()
        if key in addresses
    ]


def zero_hit_searches(first: datetime.date, last: datetime.date) -> list[list]:
    rows = (
        _usage(UsageMetric.ZERO_HIT_SEARCH, first, last)
        .values("dimension")
        .annotate(n=Sum("count"))
        .order_by("-n", "dimension")
    )
    return [[row["dimension"], row["n"]] for row in rows]


def recipient_checks(first: datetime.date, last: datetime.date) -> list[list]:
    rows = (
        _usage(UsageMetric.RECIPIENT_CHECK, first, last)
        .values("dimension")
        .annotate(n=Sum("count"))
        .order_by("dimension")
    )
    result = []
    for row in rows:
        outcome, _separator, reason = row["dimension"].partition(":")
        result.append([outcome, reason, row["n"]])
    return result
