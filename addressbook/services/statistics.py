"""Statistics work with side effects: the nightly snapshots and the report workbooks.

The datasets themselves are read in ``addressbook.selectors.datasets``.
"""

from __future__ import annotations

import datetime
import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from addressbook.choices import OrganizationKind, OrganizationType, ReportStatus, Status
from addressbook.models import StatisticSnapshot, StatisticsReport
from addressbook.selectors.datasets import DATASETS, dataset_table
from addressbook.selectors.recipient_check import RecipientCheckOutcome
from addressbook.services.job_leases import (
    job_lease_break,
    job_lease_claim,
    job_lease_finish,
    job_lease_kept,
    job_leases_abandoned,
)
from addressbook.spreadsheets.write import sheet_name, xlsx_row

# What a person reads for the machine values some datasets hold, by dataset and column. The
# datasets keep the values (the API hands them out as they are); the admin's page, its
# downloads and the report workbooks show these labels, in the language of the moment.
_OUTCOME_LABELS = {
    RecipientCheckOutcome.ACCEPTED: gettext_lazy("Accepted"),
    RecipientCheckOutcome.REJECTED: gettext_lazy("Rejected"),
}
_REASON_LABELS = {
    RecipientCheckOutcome.NOT_FOUND: gettext_lazy("Address not found"),
    RecipientCheckOutcome.INACTIVE: gettext_lazy("Address not active"),
    RecipientCheckOutcome.SECURITY: gettext_lazy("Address belongs to another participant"),
}
DISPLAY_LABELS: dict[str, dict[int, dict]] = {
    "recipient_checks": {0: _OUTCOME_LABELS, 1: _REASON_LABELS},
    "organizations_by_category": {
        0: dict(OrganizationType.choices),
        1: dict(OrganizationKind.choices),
        3: dict(Status.choices),
    },
}


def dataset_display_rows(key: str, rows: list[list]) -> list[list]:
    """A dataset's rows as a person reads them: outcomes and statuses by their translated labels.

    A value without a label (a new outcome, an empty reason) is shown as it is.
    """
    columns = DISPLAY_LABELS.get(key)
    if not columns:
        return rows
    return [
        [
            str(columns[index].get(value, value)) if index in columns and value else value
            for index, value in enumerate(row)
        ]
        for row in rows
    ]


def dataset_display_table(
    key: str, first: datetime.date, last: datetime.date
) -> tuple[list[str], list[list]]:
    """A dataset's headers and rows for people (the admin, its files, the reports), not the API."""
    headers, rows = dataset_table(key, first, last)
    return headers, dataset_display_rows(key, rows)


@transaction.atomic
def statistics_compute(*, day: datetime.date) -> int:
    """Keeps the directory datasets as they stand today under ``day`` (replacing earlier runs)."""
    for dataset in DATASETS.values():
        if dataset.directory:
            StatisticSnapshot.objects.update_or_create(
                day=day, dataset=dataset.key, defaults={"rows": dataset.rows(day, day)}
            )
    return sum(1 for dataset in DATASETS.values() if dataset.directory)


def statistics_report_build(*, report: StatisticsReport) -> None:
    """Computes every dataset for the report's days into one workbook (a sheet each).

    Once per request: a task delivered again finds the report claimed and does nothing,
    unless the run holding it is gone (its lease ran out): then it computes it in its place.
    """
    token = job_lease_claim(report, waiting=ReportStatus.QUEUED, running=ReportStatus.RUNNING, progress=0)
    if token is None:
        return
    with job_lease_kept(report, token):
        try:
            content = _workbook(report, token)
        except OperationalError:
            # A transient database error: give the report back, so the task's retry can claim it.
            job_lease_finish(report, token, status=ReportStatus.QUEUED)
            raise
        name = report.file.storage.save(
            report.file.field.generate_filename(
                report, f"statistik-{report.first_day}-{report.last_day}.xlsx"
            ),
            ContentFile(content),
        )
        if not job_lease_finish(
            report, token, status=ReportStatus.DONE, file=name, finished_at=timezone.now()
        ):
            report.file.storage.delete(name)  # another run took over; its own file counts


def _workbook(report: StatisticsReport, token: uuid.UUID) -> bytes:
    workbook = Workbook(write_only=True)
    for number, dataset in enumerate(DATASETS.values(), start=1):
        headers, rows = dataset_display_table(dataset.key, report.first_day, report.last_day)
        sheet = workbook.create_sheet(sheet_name(dataset.title))
        sheet.append(headers)
        for row in rows:
            sheet.append(xlsx_row(row))
        # Only while this run holds the report: a run that lost it must not move its bar.
        StatisticsReport.objects.filter(pk=report.pk, run_token=token).update(
            progress=round(100 * number / len(DATASETS)), updated_at=timezone.now()
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def statistics_report_abandon(*, report: StatisticsReport, token: uuid.UUID | None = None) -> bool:
    """Marks a report whose run is gone as failed, saying so; False if it moved on meanwhile."""
    if report.status not in (ReportStatus.QUEUED, ReportStatus.RUNNING):
        return False
    with translation.override(settings.LANGUAGE_CODE):  # the admin's language: messages are kept
        message = _(
            "The process computing the report stopped before it was done (restarted, out of memory, "
            "or past its time limit of %(minutes)d minutes). Compute it again."
        ) % {"minutes": settings.CELERY_TASK_TIME_LIMIT // 60}
    return job_lease_break(
        report, running=report.status, token=token, status=ReportStatus.FAILED, message=message
    )


def statistics_reports_recover() -> int:
    """Marks every report whose worker has gone silent as failed; how many."""
    abandoned = job_leases_abandoned(StatisticsReport, running=ReportStatus.RUNNING)
    return sum(statistics_report_abandon(report=report, token=report.run_token) for report in abandoned)


def statistics_report_restart(*, report: StatisticsReport) -> bool:
    """Puts a failed report back in the queue, to be computed afresh; False unless it had failed."""
    restarted = StatisticsReport.objects.filter(pk=report.pk, status=ReportStatus.FAILED).update(
        status=ReportStatus.QUEUED, progress=0, message="", updated_at=timezone.now()
    )
    report.refresh_from_db()
    return restarted == 1
