"""manage.py export_addressbook RESOURCE [--format xlsx] [--output FILE]: a spreadsheet out."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from addressbook.choices import ImportResource
from addressbook.services.imports import export_file


class Command(BaseCommand):
    help = (
        "Export organisations, function addresses or code systems as CSV or XLSX; "
        "the file imports back unchanged."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("resource", choices=ImportResource.values)
        parser.add_argument("--format", dest="file_format", choices=("csv", "xlsx"), default="csv")
        parser.add_argument("--output", type=Path, help="Write to this file (default: standard output).")

    def handle(self, *args, resource: str, file_format: str, output: Path | None, **options) -> None:
        content = export_file(resource=resource, user=None, file_format=file_format)
        if output is None:
            sys.stdout.buffer.write(content)
            return
        output.write_bytes(content)
        self.stderr.write(f"Wrote {output}")
