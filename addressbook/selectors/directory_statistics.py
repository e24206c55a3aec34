"""Directory statistics: how complete the address book is and who has connected to SDK.

They describe the directory as it stands (the day range is accepted for a uniform signature,
and used by the audit-history reader); the nightly task keeps them per day.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.apps import apps
from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from addressbook import trees
from addressbook.choices import OrganizationKind, OrganizationType, Status
from addressbook.models import Code, Connection, FunctionAddress, FunctionAddressCode, Organization
from addressbook.selectors.addresses import function_addresses_unconfirmed


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
    roots = {code.pk: trees.root(code, lambda node: codes.get(node.parent_id)) for code in codes.values()}
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


def coverage_headers() -> list[str]:
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
