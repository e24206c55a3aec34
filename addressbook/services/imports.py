"""Spreadsheet import and export: one entry point for the admin, the commands and the worker.

An import is a job: the file is read and *previewed* (a dry run: every row is applied inside
a transaction that is then rolled back, so the preview is exactly what would happen), and
applied only when confirmed. Applying runs the same import for real and compares its
outcome with the preview; if anything differs (someone changed the data meanwhile), the
whole import is rolled back and refused.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import uuid
from collections.abc import Iterator

import tablib
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from addressbook import trees
from addressbook.choices import HistoryChannel, ImportAction, ImportResource, ImportStatus
from addressbook.database import insert_columns
from addressbook.history import history_context
from addressbook.models import ImportJob, ImportRow, Organization
from addressbook.resources import RESOURCES, ROW_NUMBER, AddressbookResource, RowOutcome
from addressbook.roles import administers, may_import
from addressbook.selectors.exports import export_records
from addressbook.services.job_leases import (
    job_lease_claim,
    job_lease_finish,
    job_lease_kept,
)
from addressbook.spreadsheets import format_of
from addressbook.spreadsheets.read import Table, TableError, read_table
from addressbook.spreadsheets.write import write_sheet

logger = logging.getLogger(__name__)

# Preview rows are written in batches of this many.
ROW_BATCH_SIZE = 1000
# How often (in rows) the progress shown in the admin is updated.
PROGRESS_EVERY = 200


class ImportRefusedError(Exception):
    """The import cannot be applied as previewed; the message says why."""


def progress_key(job: ImportJob) -> str:
    # Progress lives in the cache: the import's own transaction is invisible until it ends.
    return f"import-progress:{job.pk}"


def import_progress(job: ImportJob) -> int:
    """Rows done so far by a running preview or import."""
    return cache.get(progress_key(job), 0)


@transaction.atomic
def import_job_create(
    *,
    user,
    resource: str,
    file_name: str,
    content: bytes,
    organization: Organization | None = None,
    sync: bool = False,
) -> ImportJob:
    """Keeps an uploaded file as a job, ready to be previewed."""
    if not may_import(user, resource):
        raise PermissionDenied(_("Only federation administrators import code systems."))
    if sync and (resource != ImportResource.ADDRESSES or organization is None):
        raise ValidationError(
            {"organization": _("Sync needs the organisation whose function addresses the file lists.")}
        )
    if not administers(user, organization):
        raise ValidationError({"organization": _("This organisation is not one you administer.")})
    job = ImportJob(
        resource=resource,
        file_name=file_name[:256],
        organization=organization,
        sync=sync,
        created_by=user,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    # Stored under a short, plain name: the person's file name may be long, dotted or odd.
    suffix = f".{format_of(file_name)}"
    job.file.save(
        f"{slugify(file_name.rsplit('.', 1)[0])[:40] or 'import'}{suffix}", ContentFile(content), save=False
    )
    job.save()
    return job


def import_job_preview(*, job: ImportJob) -> ImportJob:
    """Reads the file and records, row by row, what importing it would do. Writes no records.

    Runs once per job: a second call (a retried or redelivered task, say) finds it claimed and
    does nothing, unless the run holding it is gone (its lease ran out): then it reads the
    file again in that run's place.
    """
    token = job_lease_claim(job, waiting=ImportStatus.QUEUED, running=ImportStatus.PREVIEWING)
    if token is None:
        return job
    with job_lease_kept(job, token):
        _preview(job, token)
    return job


def _preview(job: ImportJob, token: uuid.UUID) -> None:
    try:
        table = _read(job)
        # For the progress bar; the run that holds the job says how long the file is.
        ImportJob.objects.filter(pk=job.pk, run_token=token).update(total_rows=len(table.rows))
        job.total_rows = len(table.rows)
        outcomes = _run(job, table, user=job.created_by, dry_run=True)
    except TableError as error:
        job_lease_finish(job, token, status=ImportStatus.FAILED, message=str(error))
        return
    except OperationalError:
        # A transient database error: give the job back, so the task's retry can claim it.
        _release(job, token, ImportStatus.QUEUED)
        raise
    except SoftTimeLimitExceeded:
        job_lease_finish(job, token, status=ImportStatus.FAILED, message=_time_limit_message(job))
        return
    except Exception:
        logger.exception("Import %s could not be previewed", job.pk)
        job_lease_finish(job, token, status=ImportStatus.FAILED, message=_("The file could not be read."))
        return
    with transaction.atomic():
        # The outcome first: it locks the job's row, and a run that lost the job writes no rows.
        if not job_lease_finish(
            job,
            token,
            status=ImportStatus.PREVIEWED,
            message="",
            summary=_summary(outcomes),
            preview_digest=_digest(outcomes),
        ):
            logger.warning(
                "Import %s: this preview was taken over by another run; its rows are dropped", job.pk
            )
            return
        job.rows.all().delete()
        for start in range(0, len(outcomes), ROW_BATCH_SIZE):
            batch = outcomes[start : start + ROW_BATCH_SIZE]
            # Column by column, without an ImportRow each: a national file has 100,000 rows.
            insert_columns(
                ImportRow,
                {
                    "job": [job.pk] * len(batch),
                    "number": [outcome.number for outcome in batch],
                    "action": [outcome.action for outcome in batch],
                    "key": [outcome.key[:512] for outcome in batch],
                    "changes": [outcome.changes for outcome in batch],
                    "errors": [outcome.errors for outcome in batch],
                },
            )


class _RunSupersededError(Exception):
    """The run lost its job to another run while it worked: its work is rolled back."""


def import_job_confirm(*, job: ImportJob) -> uuid.UUID | None:
    """Records a confirmation of the preview for a queued import (see ``import_job_apply``).

    None if the job is no longer a preview waiting to be imported.
    """
    confirmation = uuid.uuid4()
    confirmed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(
        confirmation=confirmation
    )
    return confirmation if confirmed else None


def import_job_apply(*, job: ImportJob, user, confirmation: uuid.UUID | None = None) -> ImportJob:
    """Applies a preview, all rows or none; refused if the outcome would differ from it.

    The records and the job's "imported" are written in one transaction: an import whose
    worker dies half-way has written nothing and can be confirmed again. A queued import
    passes the ``confirmation`` it was queued with, and is applied only while that is current.
    """
    if job.summary.get(ImportAction.ERROR):
        raise ImportRefusedError(
            _("The preview has rows with errors: fix them in the file and upload it again.")
        )
    # One confirmation applies it once, however often the button is pressed; a run that is
    # gone (lease ran out) is replaced by this one.
    token = job_lease_claim(
        job,
        waiting=ImportStatus.PREVIEWED,
        running=ImportStatus.APPLYING,
        only_if=None if confirmation is None else Q(confirmation=confirmation),
    )
    if token is None:
        raise ImportRefusedError(_("Only a finished preview that is not imported yet can be imported."))
    with job_lease_kept(job, token):
        _apply(job, token, user)
    return job


def _apply(job: ImportJob, token: uuid.UUID, user) -> None:
    try:
        with transaction.atomic():
            outcomes = _run(job, _read(job), user=user, dry_run=False)
            if _digest(outcomes) != job.preview_digest:
                raise ImportRefusedError(
                    _(
                        "The address book changed after the preview was made, so the import would not "
                        "do what the preview shows. Nothing was imported: upload the file again for a "
                        "new preview."
                    )
                )
            if not job_lease_finish(
                job,
                token,
                status=ImportStatus.APPLIED,
                message="",
                applied_by=user,
                applied_at=timezone.now(),
            ):
                raise _RunSupersededError
    except _RunSupersededError:
        logger.warning("Import %s: this run was taken over by another; its changes are rolled back", job.pk)
        job.refresh_from_db()
    except (ImportRefusedError, TableError) as error:
        job_lease_finish(job, token, status=ImportStatus.REFUSED, message=str(error))
        raise ImportRefusedError(str(error)) from error
    except OperationalError:
        # Nothing was written (one transaction): the preview can be confirmed again.
        _release(job, token, ImportStatus.PREVIEWED)
        raise
    except SoftTimeLimitExceeded:
        # Nothing was written; confirming again would run out of time again.
        _release(job, token, ImportStatus.REFUSED, message=_time_limit_message(job))
        raise
    except Exception:
        _release(job, token, ImportStatus.REFUSED, message=_("The import failed; nothing was imported."))
        raise


def _time_limit_message(job: ImportJob) -> str:
    """Said when the worker's soft time limit stops a preview or an import (it rolls back)."""
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return _(
            "The file took longer than the worker's limit of %(minutes)d minutes and was stopped. "
            "Nothing was imported: split the file into smaller ones and upload them one by one."
        ) % {"minutes": settings.CELERY_TASK_SOFT_TIME_LIMIT // 60}


def import_run(
    *, resource: str, file_name: str, content: bytes, user=None, dry_run: bool = True
) -> list[RowOutcome]:
    """One import without a job (the command line): the outcomes, applied unless ``dry_run``."""
    job = ImportJob(
        resource=resource, file_name=file_name, language=translation.get_language() or settings.LANGUAGE_CODE
    )
    # One pass: import_data rolls the whole file back on a dry run or any row in error.
    return _run(job, read_table(content, file_name), user=user, dry_run=dry_run)


def detect_resource(content: bytes, file_name: str = "") -> str:
    """Which kind of records a file holds, from its headers."""
    headers = {header.casefold() for header in read_table(content, file_name).headers}
    return max(RESOURCES, key=lambda name: len(headers & set(RESOURCES[name].header_aliases())))


def _read(job: ImportJob) -> Table:
    with job.file.open("rb") as uploaded:
        return read_table(uploaded.read(), job.file_name)


def _run(job: ImportJob, table: Table, *, user, dry_run: bool) -> list[RowOutcome]:
    resource_class = RESOURCES[job.resource]
    resource = resource_class(user=user, organization=job.organization, sync=job.sync)
    dataset = _dataset(table, resource_class)
    if job.pk is not None:
        cache.set(progress_key(job), 0, timeout=24 * 60 * 60)
        resource.on_row = lambda done: done % PROGRESS_EVERY == 0 and cache.set(progress_key(job), done)
    with (
        translation.override(job.language or settings.LANGUAGE_CODE),
        history_context(channel=HistoryChannel.IMPORT, user=user, import_job=str(job.pk or "")),
        _collector_paused(),
    ):
        resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
        )
    return resource.outcomes


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a file is imported.

    An import keeps every row's outcome and result until it ends, so the collector's passes
    walk an ever larger heap and find next to nothing to free: on 20,000 rows they were 15 %
    of the preview's CPU and 25 % of the confirm's (more on larger files). What reference
    counting frees is freed as before; cycles made meanwhile (in this process, whichever
    thread) are collected when the collector resumes.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _dataset(table: Table, resource_class: type[AddressbookResource]) -> tablib.Dataset:
    aliases = resource_class.header_aliases()
    ignored = {str(_("Errors")).casefold(), "errors", "fel"}  # the column our error files add
    keys, unknown = [], []
    for header in table.headers:
        key = aliases.get(header.casefold())
        if key is None and header.casefold() not in ignored and header:
            unknown.append(header)
        keys.append(key)
    if unknown:
        raise TableError(
            _("Unknown columns: %(unknown)s. The columns are: %(expected)s.")
            % {"unknown": ", ".join(unknown), "expected": ", ".join(resource_class.headers())}
        )
    missing = [key for key in resource_class.key_columns if key not in keys]
    if missing and not (
        resource_class.key_columns[-1] == "local_identifier" and missing == ["local_identifier"]
    ):
        labels = {item.column_name: str(item.label) for item in resource_class.columns()}
        raise TableError(
            _("The file lacks the column %(columns)s, which identifies each row.")
            % {"columns": ", ".join(labels[key] for key in missing)}
        )
    duplicates = {key for key in keys if key is not None and keys.count(key) > 1}
    if duplicates:
        raise TableError(
            _("Two columns have the same meaning: %(columns)s.") % {"columns": ", ".join(duplicates)}
        )
    used = [index for index, key in enumerate(keys) if key is not None]
    rows = []
    for number, values in table.rows:
        values = values + [""] * (len(keys) - len(values))
        rows.append([str(number), *(values[index] for index in used)])
    # Given all at once: Dataset.append() checks the width of the whole dataset for each row.
    return tablib.Dataset(*rows, headers=[ROW_NUMBER, *(keys[index] for index in used)])


def _summary(outcomes: list[RowOutcome]) -> dict[str, int]:
    summary: dict[str, int] = {}
    for outcome in outcomes:
        summary[outcome.action] = summary.get(outcome.action, 0) + 1
    return summary


def _digest(outcomes: list[RowOutcome]) -> str:
    # What the import does, row by row; equal digests mean the same effect on the records.
    document = [(o.number, o.action, o.key, o.changes, o.errors) for o in outcomes]
    return hashlib.sha256(json.dumps(document, default=str, sort_keys=True).encode()).hexdigest()


def _release(job: ImportJob, token: uuid.UUID, status: str, message: str = "") -> None:
    """After a failure: put the job where it can go on from (if the database lets us)."""
    try:
        job_lease_finish(job, token, status=status, message=message)
    except Exception:  # the database is gone; the lease runs out and the job is found abandoned
        logger.exception("Import %s: could not record its status", job.pk)


# ------------------------------------------------------------------------------
# Files going out: exports, templates, and the rows in error
# ------------------------------------------------------------------------------
def export_file(*, resource: str, user, file_format: str, queryset: QuerySet | None = None) -> bytes:
    """The records as a spreadsheet that imports back unchanged (headers in the current language)."""
    resource_object = RESOURCES[resource](user=user)
    queryset = export_records(resource=resource, user=user) if queryset is None else queryset
    records = queryset.iterator(chunk_size=2000)
    if resource != ImportResource.ADDRESSES:
        # Organisations and codes: every parent before its children, so that the file can
        # also fill an empty address book in one import.
        records = list(records)
        by_id = {record.pk: record for record in records}
        records = trees.parents_first(records, lambda record: by_id.get(record.parent_id))
    rows = (
        [resource_object.export_field(item, record) for item in resource_object.own_columns()]
        for record in records
    )
    return write_sheet(
        resource_object.headers(), rows, file_format=file_format, title=ImportResource(resource).label
    )


def template_file(*, resource: str, file_format: str) -> bytes:
    """An empty sheet with the resource's headers, to fill in."""
    return write_sheet(
        RESOURCES[resource].headers(), [], file_format=file_format, title=ImportResource(resource).label
    )


def error_file(*, job: ImportJob) -> bytes:
    """The uploaded sheet's rows in error, as uploaded, with what is wrong in an extra column."""
    table = _read(job)
    problems: dict[int, list[str]] = {}
    for row in job.rows.filter(action=ImportAction.ERROR):
        problems.setdefault(row.number, []).extend(
            f"{column}: {message}" if column else message for column, message in row.errors
        )
    rows = ([*values, "; ".join(problems[number])] for number, values in table.rows if number in problems)
    return write_sheet(
        [*table.headers, str(_("Errors"))], rows, file_format=format_of(job.file_name), title=_("Errors")
    )
