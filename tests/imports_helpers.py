"""Helpers shared by the import and export tests: the sample files and a preview."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

from addressbook.models import ImportJob
from addressbook.services.imports import import_job_create, import_job_preview

FILES = Path(__file__).parent / "files"
UPLOAD = reverse("admin:addressbook_importjob_add")


def preview(
    user, name: str, resource: str = "addresses", content: bytes | None = None, **options
) -> ImportJob:
    """A previewed import job of ``content``, or of the sample file ``name`` in tests/files."""
    content = (FILES / name).read_bytes() if content is None else content
    job = import_job_create(user=user, resource=resource, file_name=name, content=content, **options)
    return import_job_preview(job=job)


def rows(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(row.number, row.action, row.key) for row in job.rows.all()]
