"""manage.py import_addressbook FILE [--dry-run]: a spreadsheet into the address book."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from addressbook.choices import ImportAction, ImportResource
from addressbook.services.imports import detect_resource, import_run
from addressbook.spreadsheets.read import TableError


class Command(BaseCommand):
    help = (
        "Import organisations, function addresses or code systems from a CSV or XLSX file. Every row "
        "is checked first; with errors nothing is written. --dry-run shows what would happen."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what the import would do; write nothing."
        )
        parser.add_argument(
            "--resource",
            choices=ImportResource.values,
            help="What the file holds (default: recognised from its headers).",
        )
        parser.add_argument(
            "--user",
            help="Import as this account (its role applies; recorded in the history). Default: operator.",
        )

    def handle(
        self, *args, file: Path, dry_run: bool, resource: str | None, user: str | None, **options
    ) -> None:
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        account = None
        if user:
            account = get_user_model().objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(f"No active account {user!r}.")
        try:
            resource = resource or detect_resource(content, file.name)
            outcomes = import_run(
                resource=resource, file_name=file.name, content=content, user=account, dry_run=dry_run
            )
        except TableError as error:
            raise CommandError(str(error)) from error
        counts: dict[str, int] = {}
        for outcome in outcomes:
            counts[outcome.action] = counts.get(outcome.action, 0) + 1
            if outcome.action == ImportAction.UNCHANGED:
                continue
            details = [
                f"{label}: {before} → {after}" if before else f"{label}: {after}"
                for label, before, after in outcome.changes
            ]
            details += [f"{column}: {message}" if column else message for column, message in outcome.errors]
            self.stdout.write(
                f"row {outcome.number or '-'}\t{outcome.action}\t{outcome.key}\t{'; '.join(details)}"
            )
        summary = ", ".join(f"{action}: {count}" for action, count in sorted(counts.items())) or "no rows"
        if counts.get(ImportAction.ERROR):
            raise CommandError(f"{summary}. Nothing was imported: fix the rows in error and run again.")
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb} {file.name} ({resource}): {summary}."))
