"""Defects a review of usage accounting and statistics found (issue 6), each kept as a test."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from addressbook.choices import ReportStatus, UsageMetric
from addressbook.models import StatisticsReport, UsageCount
from addressbook.services.api_clients import api_client_create
from addressbook.services.statistics import statistics_report_build
from addressbook.services.usage import usage_rollup
from tests.factories import CodeFactory, CodeSystemFactory, FunctionAddressCodeFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def request_counts() -> dict[str, int]:
    usage_rollup()
    return {
        row.dimension: row.count for row in UsageCount.objects.filter(metric=UsageMetric.REQUEST, day=TODAY)
    }


def analyst_token() -> str:
    analyst_client, token = api_client_create(name="Analysverktyg")
    analyst_client.statistics_access = True
    analyst_client.save()
    return f"Bearer {token}"


# 1. Counting breaks a lookup: OPTIONS on the recipient check is answered 200 by DRF, then
#    count_usage asks RecipientCheckView.usage_events for self.check, which only get() sets.
def test_options_on_the_recipient_check_is_no_server_error(client):
    client.raise_request_exception = False

    response = client.options("/api/recipient-check")

    assert response.status_code == 200
    assert request_counts() == {"recipient-check": 1}


# 2. Without Redis (make run, or Redis failing) counts are written to PostgreSQL inside the
#    request's atomic block (ATOMIC_REQUESTS), which DRF has already marked for rollback on
#    any 4xx: the INSERT raises TransactionManagementError and every 400/404 becomes a 500.
@pytest.mark.parametrize(
    "url", [f"/api/addresses/{uuid.UUID(int=1)}", "/api/addresses?page[size]=abc"], ids=["404", "400"]
)
def test_without_redis_an_error_answer_stays_an_error_answer(client, settings, url):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client.raise_request_exception = False

    response = client.get(url)

    assert response.status_code in (400, 404)


# 3. Any anonymous caller can store a control character as a zero-hit search (only NUL is
#    refused, and str.split() keeps \x01); openpyxl refuses it: the Excel download of the
#    dataset is a 500 and every statistics report for that period fails.
def test_a_control_character_in_a_search_does_not_break_excel_downloads_and_reports(
    client, as_user, analyst, malmo_address
):
    client.get("/api/addresses", {"filter[search]": "ab\x01cd"})
    usage_rollup()
    assert UsageCount.objects.filter(metric=UsageMetric.ZERO_HIT_SEARCH).exists()
    report = StatisticsReport.objects.create(first_day=TODAY, last_day=TODAY, requested_by=analyst)

    browser = as_user(analyst)
    browser.raise_request_exception = False
    download = browser.get(reverse("admin:statistics_download", args=["zero_hit_searches", "xlsx"]))
    try:
        statistics_report_build(report=report)
    except Exception:
        report.status = ReportStatus.FAILED

    assert download.status_code == 200
    assert report.status == ReportStatus.DONE


# 4. "Every API request is counted": /api/schema and /api/docs are API requests but their
#    views do not use LookupViewMixin, so they are never counted.
def test_schema_and_docs_requests_are_counted(client):
    client.get("/api/schema")
    client.get("/api/docs")

    assert request_counts() == {"schema": 1, "docs": 1}


# 5. /api/statistics takes any range: a reversed one is a silent empty 200, and an unbounded
#    one is accepted (lookups_per_day for 0001-01-01..9999-12-31 is a 440 MB answer after
#    ~40 s in this review; the cheap top_clients dataset is used here to show acceptance).
@pytest.mark.parametrize(
    ("first", "last"), [("2026-05-01", "2026-01-01"), ("0001-01-01", "9999-12-31")], ids=["reversed", "huge"]
)
def test_the_statistics_api_refuses_reversed_and_unbounded_ranges(client, first, last):
    response = client.get(
        "/api/statistics/top_clients",
        {"filter[from]": first, "filter[to]": last},
        HTTP_AUTHORIZATION=analyst_token(),
    )

    assert response.status_code == 400


# 6. The report form has no validation either: a reversed or 10,000-year period is queued for
#    the worker (which would build a 3.6 million row lookups-per-day sheet).
@pytest.mark.parametrize(
    ("first", "last"), [("2026-05-01", "2026-01-01"), ("0001-01-01", "9999-12-31")], ids=["reversed", "huge"]
)
def test_a_report_for_a_reversed_or_unbounded_period_is_refused(as_user, analyst, first, last):
    response = as_user(analyst).post(
        reverse("admin:addressbook_statisticsreport_add"), {"first_day": first, "last_day": last}
    )

    assert response.status_code == 200  # the form again, with an error
    assert not StatisticsReport.objects.exists()


# 7. Coverage columns are named after top-level codes' display names; two code systems with a
#    "Psykiatri" give two identical headers, and the API's dict(zip(columns, row)) keeps one:
#    Malmö's "yes" for one system silently replaces the "no" of the other (or vice versa).
def test_same_named_top_level_codes_keep_their_own_coverage_columns_in_the_api(client, malmo, malmo_address):
    CodeFactory(code_system=CodeSystemFactory(name="A"), code="psyk", display_name="Psykiatri")
    other = CodeFactory(code_system=CodeSystemFactory(name="B"), code="psyk", display_name="Psykiatri")
    FunctionAddressCodeFactory(function_address=malmo_address, code=other)

    document = client.get("/api/statistics/coverage", HTTP_AUTHORIZATION=analyst_token()).json()

    assert len(document["meta"]["columns"]) == 5
    assert sorted(document["data"][0]["attributes"].values()).count("yes") == 1
    assert len(document["data"][0]["attributes"]) == 5
