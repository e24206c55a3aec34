"""Statistics for analysts: how the address book is used, how complete it is, who has connected.

Every dataset is a title, column headers and rows, so that the dashboard, the downloads
(CSV and Excel), the API and the reports all show the same figures. Usage datasets add up
the daily ``UsageCount`` rows for a range of days; directory datasets describe the directory
as it stands, and are also kept per day by the nightly task (``statistics_compute``), which
replaces a day's snapshot when run again.
"""

from __future__ import annotations

import datetime
import io
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from addressbook.choices import (
    ConnectionStage,
    OrganizationKind,
    OrganizationType,
    ReportStatus,
    Status,
    UsageMetric,
)
from addressbook.models import (
    Code,
    Connection,
    FunctionAddress,
    FunctionAddressCode,
    Organization,
    StatisticSnapshot,
    UsageCount,
)
from addressbook.services.lifecycle import function_addresses_unconfirmed
from addressbook.spreadsheets import xlsx_row


@dataclass(frozen=True)
class Dataset:
    """One table of figures: what it is called, its columns, and how to compute its rows."""

    key: str
    title: object  # a lazy translation
    headers: Callable[[], list[str]]
    rows: Callable[[datetime.date, datetime.date], list[list]]
    directory: bool = False  # describes the directory's state (kept nightly), not usage


def _usage(metric: str, first: datetime.date, last: datetime.date):
    return UsageCount.objects.filter(metric=metric, day__range=(first, last))


# The longest period a dataset is computed for (reports, the API): ten years of days.
MAX_DAYS = 3660


def check_period(first: datetime.date, last: datetime.date) -> None:
    """Refuses a reversed period, or one longer than MAX_DAYS (a day per row in some datasets)."""
    if last < first:
        raise ValueError(_("The period ends before it starts."))
    if (last - first).days >= MAX_DAYS:
        raise ValueError(_("A period can be at most %(days)d days long.") % {"days": MAX_DAYS})


# ------------------------------------------------------------------------------
# Usage
# ------------------------------------------------------------------------------
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


# ------------------------------------------------------------------------------
# The directory
# ------------------------------------------------------------------------------
def organizations_by_category(first: datetime.date, last: datetime.date) -> list[list]:
    rows = (
        Organization.objects.values("type", "kind", "county_code", "status")
        .annotate(n=Count("id"))
        .order_by("type", "kind", "county_code", "status")
    )
    return [[row["type"], row["kind"], row["county_code"], row["status"], row["n"]] for row in rows]


def _participants(*kinds: str):
    queryset = Organization.objects.filter(type=OrganizationType.PARTICIPANT, status=Status.ACTIVE)
    return queryset.filter(kind__in=kinds) if kinds else queryset


def addresses_per_organization(first: datetime.date, last: datetime.date) -> list[list]:
    # A participant's addresses include those of its sub-organisations (they share its identifier).
    counts = dict(
        FunctionAddress.objects.filter(status=Status.ACTIVE)
        .values("organization__participant_identifier")
        .annotate(n=Count("id"))
        .values_list("organization__participant_identifier", "n")
    )
    return [
        [
            organization.participant_identifier,
            organization.name,
            counts.get(organization.participant_identifier, 0),
        ]
        for organization in _participants().order_by("name")
    ]


def addresses_per_code(first: datetime.date, last: datetime.date) -> list[list]:
    counts = dict(
        FunctionAddressCode.objects.filter(function_address__status=Status.ACTIVE)
        .values("code")
        .annotate(n=Count("function_address", distinct=True))
        .values_list("code", "n")
    )
    return [
        [code.code_system.name, code.code, code.display_name, counts.get(code.pk, 0)]
        for code in Code.objects.select_related("code_system").order_by("code_system__name", "code")
    ]


def _top_level_codes() -> tuple[list[Code], dict]:
    """The top-level codes, and for every code the top-level code it lies under."""
    codes = {code.pk: code for code in Code.objects.filter(active=True).select_related("code_system")}
    roots = {}
    for code in codes.values():
        node, depth = code, 0
        while node.parent_id in codes and depth < 20:
            node, depth = codes[node.parent_id], depth + 1
        roots[code.pk] = node
    tops = sorted(
        {root.pk: root for root in roots.values()}.values(),
        key=lambda code: (code.code_system.name, code.code),
    )
    return tops, roots


def coverage(first: datetime.date, last: datetime.date) -> list[list]:
    tops, roots = _top_level_codes()
    covered: dict[str, set] = defaultdict(set)
    classified = FunctionAddressCode.objects.filter(
        function_address__status=Status.ACTIVE, code_id__in=list(roots)
    ).values_list("function_address__organization__participant_identifier", "code_id")
    for participant, code_id in classified:
        covered[participant].add(roots[code_id].pk)
    yes, no = _("yes"), _("no")
    return [
        [
            organization.name,
            organization.get_kind_display(),
            organization.get_county_code_display(),
            *(yes if top.pk in covered[organization.participant_identifier] else no for top in tops),
        ]
        for organization in _participants(OrganizationKind.MUNICIPALITY, OrganizationKind.REGION).order_by(
            "county_code", "name"
        )
    ]


def _coverage_headers() -> list[str]:
    tops, _roots = _top_level_codes()
    names = Counter(top.display_name.casefold() for top in tops)
    # Two code systems may both have a "Psykiatri": then each column says whose it is.
    return [
        _("Organisation"),
        _("Category"),
        _("County"),
        *(
            f"{top.display_name} ({top.code_system.name})"
            if names[top.display_name.casefold()] > 1
            else top.display_name
            for top in tops
        ),
    ]


def coverage_by_county(first: datetime.date, last: datetime.date) -> list[list]:
    """Per county: municipalities and regions, and how many have an address for each top-level code."""
    tops, _roots = _top_level_codes()
    table: dict[str, list] = {}
    yes = _("yes")
    for row in coverage(first, last):
        county = row[2] or "—"
        totals = table.setdefault(county, [county, 0] + [0] * len(tops))
        totals[1] += 1
        for index, answer in enumerate(row[3:]):
            totals[2 + index] += answer == yes
    return list(table.values())


def connections(first: datetime.date, last: datetime.date) -> list[list]:
    result = []
    for connection in Connection.objects.select_related("organization").order_by("organization__name"):
        organization = connection.organization
        result.append(
            [
                organization.name,
                organization.get_kind_display(),
                organization.get_county_code_display(),
                connection.stage_label,
                *(
                    (getattr(connection, field) and getattr(connection, field).isoformat()) or ""
                    for _stage, field in Connection.STEPS
                ),
            ]
        )
    return result


def connections_by_county(first: datetime.date, last: datetime.date) -> list[list]:
    """Municipalities and regions per county by their furthest step (a map in numbers)."""
    stages = [stage for stage, _field in Connection.STEPS]
    table: dict[str, Counter] = defaultdict(Counter)
    reached = {connection.organization_id: connection.stage for connection in Connection.objects.all()}
    for organization in _participants(OrganizationKind.MUNICIPALITY, OrganizationKind.REGION):
        county = organization.get_county_code_display() or "—"
        table[county][reached.get(organization.pk) or "none"] += 1
    return [
        [county, *(counts[stage] for stage in stages), counts["none"]]
        for county, counts in sorted(table.items())
    ]


def production_by_county() -> dict[str, tuple[int, int]]:
    """Per county code: municipalities and regions in production, and how many there are."""
    in_production = set(
        Connection.objects.filter(production_on__isnull=False).values_list("organization_id", flat=True)
    )
    result: dict[str, tuple[int, int]] = {}
    for organization in _participants(OrganizationKind.MUNICIPALITY, OrganizationKind.REGION):
        done, total = result.get(organization.county_code, (0, 0))
        result[organization.county_code] = (done + (organization.pk in in_production), total + 1)
    return result


def connected_over_time(first: datetime.date, last: datetime.date) -> list[list]:
    months = Counter(
        connection.production_on.replace(day=1)
        for connection in Connection.objects.filter(production_on__isnull=False)
    )
    total, result = 0, []
    for month in sorted(months):
        total += months[month]
        result.append([month.strftime("%Y-%m"), months[month], total])
    return result


def change_activity(first: datetime.date, last: datetime.date) -> list[list]:
    """Recorded changes per participant and month, from the audit history."""
    counts: Counter = Counter()
    for model_name, participant in (
        ("OrganizationEvent", "participant_identifier"),
        ("FunctionAddressEvent", "organization__participant_identifier"),
    ):
        events = apps.get_model("addressbook", model_name).objects.filter(
            pgh_created_at__date__range=(first, last)
        )
        for row in (
            events.annotate(month=TruncMonth("pgh_created_at"))
            .values(participant, "month")
            .annotate(n=Count("pgh_id"))
        ):
            counts[(row[participant] or "", row["month"].strftime("%Y-%m"))] += row["n"]
    names = dict(_participants().values_list("participant_identifier", "name"))
    return [
        [names.get(participant, participant), participant, month, n]
        for (participant, month), n in sorted(counts.items(), key=lambda item: (item[0][1], -item[1]))
    ]


def unconfirmed_addresses(first: datetime.date, last: datetime.date) -> list[list]:
    counts = dict(
        function_addresses_unconfirmed(months=settings.ADDRESS_CONFIRMATION_MONTHS)
        .values("organization__participant_identifier")
        .annotate(n=Count("id"))
        .values_list("organization__participant_identifier", "n")
    )
    names = dict(_participants().values_list("participant_identifier", "name"))
    return [[names.get(key, key), key, n] for key, n in sorted(counts.items(), key=lambda item: -item[1])]


def _headers(*labels) -> Callable[[], list[str]]:
    return lambda: [str(label) for label in labels]


DATASETS: dict[str, Dataset] = {
    dataset.key: dataset
    for dataset in (
        Dataset(
            "lookups_per_day",
            gettext_lazy("Lookups per day"),
            _headers(gettext_lazy("Day"), gettext_lazy("Requests"), gettext_lazy("Of which anonymous")),
            lookups_per_day,
        ),
        Dataset(
            "top_clients",
            gettext_lazy("Requests per API client"),
            _headers(gettext_lazy("API client"), gettext_lazy("Requests")),
            top_clients,
        ),
        Dataset(
            "requests_by_client",
            gettext_lazy("Requests per API client and endpoint"),
            _headers(gettext_lazy("API client"), gettext_lazy("Endpoint"), gettext_lazy("Requests")),
            requests_by_client,
        ),
        Dataset(
            "top_addresses",
            gettext_lazy("Most looked-up function addresses"),
            _headers(
                gettext_lazy("Identifier"),
                gettext_lazy("Name"),
                gettext_lazy("Organisation"),
                gettext_lazy("Lookups"),
            ),
            top_addresses,
        ),
        Dataset(
            "zero_hit_searches",
            gettext_lazy("Searches that found nothing"),
            _headers(gettext_lazy("Search"), gettext_lazy("Times")),
            zero_hit_searches,
        ),
        Dataset(
            "recipient_checks",
            gettext_lazy("Recipient checks by outcome"),
            _headers(gettext_lazy("Outcome"), gettext_lazy("Reason"), gettext_lazy("Checks")),
            recipient_checks,
        ),
        Dataset(
            "organizations_by_category",
            gettext_lazy("Organisations by type, category, county and status"),
            _headers(
                gettext_lazy("Type"),
                gettext_lazy("Category"),
                gettext_lazy("County code"),
                gettext_lazy("Status"),
                gettext_lazy("Organisations"),
            ),
            organizations_by_category,
            directory=True,
        ),
        Dataset(
            "addresses_per_organization",
            gettext_lazy("Active function addresses per participant organisation"),
            _headers(
                gettext_lazy("Participant identifier"),
                gettext_lazy("Organisation"),
                gettext_lazy("Addresses"),
            ),
            addresses_per_organization,
            directory=True,
        ),
        Dataset(
            "addresses_per_code",
            gettext_lazy("Active function addresses per code"),
            _headers(
                gettext_lazy("Code system"),
                gettext_lazy("Code"),
                gettext_lazy("Display name"),
                gettext_lazy("Addresses"),
            ),
            addresses_per_code,
            directory=True,
        ),
        Dataset(
            "coverage",
            gettext_lazy("Coverage of municipalities and regions"),
            _coverage_headers,
            coverage,
            directory=True,
        ),
        Dataset(
            "coverage_by_county",
            gettext_lazy("Coverage by county"),
            lambda: [str(_("County")), str(_("Municipalities and regions")), *_coverage_headers()[3:]],
            coverage_by_county,
            directory=True,
        ),
        Dataset(
            "connections",
            gettext_lazy("SDK connection progress"),
            _headers(
                gettext_lazy("Organisation"),
                gettext_lazy("Category"),
                gettext_lazy("County"),
                gettext_lazy("Stage"),
                *(label for _value, label in ConnectionStage.choices),
            ),
            connections,
            directory=True,
        ),
        Dataset(
            "connections_by_county",
            gettext_lazy("Municipalities and regions per county by connection stage"),
            _headers(
                gettext_lazy("County"),
                *(label for _value, label in ConnectionStage.choices),
                gettext_lazy("Not started"),
            ),
            connections_by_county,
            directory=True,
        ),
        Dataset(
            "connected_over_time",
            gettext_lazy("Organisations in production over time"),
            _headers(
                gettext_lazy("Month"), gettext_lazy("New in production"), gettext_lazy("In production in all")
            ),
            connected_over_time,
            directory=True,
        ),
        Dataset(
            "change_activity",
            gettext_lazy("Changes per organisation and month"),
            _headers(
                gettext_lazy("Organisation"),
                gettext_lazy("Participant identifier"),
                gettext_lazy("Month"),
                gettext_lazy("Changes"),
            ),
            change_activity,
        ),
        Dataset(
            "unconfirmed_addresses",
            gettext_lazy("Addresses not changed or confirmed for a long time"),
            _headers(
                gettext_lazy("Organisation"),
                gettext_lazy("Participant identifier"),
                gettext_lazy("Addresses"),
            ),
            unconfirmed_addresses,
            directory=True,
        ),
    )
}


def dataset_table(key: str, first: datetime.date, last: datetime.date) -> tuple[list[str], list[list]]:
    """A dataset's headers and rows for a range of days."""
    dataset = DATASETS[key]
    return dataset.headers(), dataset.rows(first, last)


@transaction.atomic
def statistics_compute(*, day: datetime.date) -> int:
    """Keeps the directory datasets as they stand today under ``day`` (replacing earlier runs)."""
    for dataset in DATASETS.values():
        if dataset.directory:
            StatisticSnapshot.objects.update_or_create(
                day=day, dataset=dataset.key, defaults={"rows": dataset.rows(day, day)}
            )
    return sum(1 for dataset in DATASETS.values() if dataset.directory)


def statistics_report_build(*, report) -> None:
    """Computes every dataset for the report's days into one workbook (a sheet each)."""
    report.status, report.progress = ReportStatus.RUNNING, 0
    report.save(update_fields=["status", "progress", "updated_at"])
    workbook = Workbook(write_only=True)
    for number, dataset in enumerate(DATASETS.values(), start=1):
        headers, rows = dataset_table(dataset.key, report.first_day, report.last_day)
        sheet = workbook.create_sheet(str(dataset.title)[:31])
        sheet.append(headers)
        for row in rows:
            sheet.append(xlsx_row(row))
        report.progress = round(100 * number / len(DATASETS))
        report.save(update_fields=["progress", "updated_at"])
    output = io.BytesIO()
    workbook.save(output)
    report.file.save(
        f"statistik-{report.first_day}-{report.last_day}.xlsx", ContentFile(output.getvalue()), save=False
    )
    report.status, report.finished_at = ReportStatus.DONE, timezone.now()
    report.save()
