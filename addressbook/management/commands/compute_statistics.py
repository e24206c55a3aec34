"""manage.py compute_statistics [--date D]: keep the directory statistics of a day (as nightly)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from addressbook.services.statistics import statistics_compute
from addressbook.services.usage import usage_rollup


class Command(BaseCommand):
    help = (
        "Add waiting API usage counters to the daily counts, and keep the directory statistics of "
        "a day (today by default). Running it again for a day replaces that day's figures."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="The day, as YYYY-MM-DD (default: today).")

    def handle(self, *args, date: str | None, **options) -> None:
        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error
        batches = usage_rollup()
        datasets = statistics_compute(day=day)
        self.stdout.write(
            self.style.SUCCESS(f"Rolled up {batches} usage batch(es); kept {datasets} datasets for {day}.")
        )
