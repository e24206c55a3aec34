"""manage.py load_demo: reference organisations plus clearly marked demo addresses."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from addressbook.services.demo_data import demo_data_load


class Command(BaseCommand):
    help = "Load Sweden's municipalities, regions and agencies with demo addresses (idempotent)."

    def handle(self, *args, **options) -> None:
        report = demo_data_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {report.organizations} organisations, "
                f"{report.sub_organizations} sub-organisations, {report.codes} codes, "
                f"{report.function_addresses} function addresses and "
                f"{report.classifications} classifications created."
            )
        )
