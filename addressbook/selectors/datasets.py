"""Every statistics dataset by key: a title, column headers and a reader of rows.

The dashboard, the downloads (CSV and Excel), the API and the reports all read datasets
here, so they all show the same figures.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from addressbook.choices import ConnectionStage
from addressbook.selectors.directory_statistics import (
    addresses_per_code,
    addresses_per_organization,
    change_activity,
    connected_over_time,
    connections,
    connections_by_county,
    coverage,
    coverage_by_county,
    coverage_headers,
    organizations_by_category,
    unconfirmed_addresses,
)
from addressbook.selectors.usage_statistics import (
    lookups_per_day,
    recipient_checks,
    requests_by_client,
    top_addresses,
    top_clients,
    zero_hit_searches,
)


@dataclass(frozen=True)
class Dataset:
    """One table of figures: what it is called, its columns, and how to compute its rows."""

    key: str
    title: object  # a lazy translation
    headers: Callable[[], list[str]]
    rows: Callable[[datetime.date, datetime.date], list[list]]
    directory: bool = False  # describes the directory's state (kept nightly), not usage


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
            coverage_headers,
            coverage,
            directory=True,
        ),
        Dataset(
            "coverage_by_county",
            gettext_lazy("Coverage by county"),
            lambda: [str(_("County")), str(_("Municipalities and regions")), *coverage_headers()[3:]],
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
