"""Statistics work with side effects: the nightly snapshots and the report workbooks.

The datasets themselves are read in ``addressbook.selectors.datasets``.
"""

from __future__ import annotations

import datetime
import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from addressbook.choices import ReportStatus
from addressbook.models import StatisticSnapshot
from addressbook.selectors.datasets import DATASETS, dataset_table
from addressbook.spreadsheets.write import xlsx_row


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
