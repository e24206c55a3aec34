"""The change feed as a client reads it: numbered changes in order, and the latest number."""

from __future__ import annotations

from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.db.models import BigIntegerField
from django.db.models.expressions import RawSQL

from addressbook.models import Change


def latest_change_sequence() -> int:
    """The highest sequence number the change feed has handed out (0 before the first)."""
    return (
        Change.objects.exclude(sequence=None).order_by("-sequence").values_list("sequence", flat=True).first()
        or 0
    )


def latest_change_sequence_expression() -> RawSQL:
    """The same number as an expression, to read in the same statement as other rows."""
    return RawSQL(_latest_change_sequence_sql(), [], output_field=BigIntegerField())  # noqa: S611


@cache
def _latest_change_sequence_sql() -> str:
    # Compiled once per process: it has no parameters, and compiling it took a tenth of a
    # lookup's CPU.
    numbered = Change.objects.exclude(sequence=None).order_by("-sequence").values("sequence")[:1]
    sql, params = numbered.query.sql_with_params()
    if params:
        raise ImproperlyConfigured("The latest change sequence is read without parameters.")
    return f"COALESCE(({sql}), 0)"


def changes_after(*, sequence: int, limit: int) -> list:
    """Up to ``limit`` numbered changes after ``sequence``, in order, as rows with the fields a
    reader needs (a page of a thousand model instances cost a third more)."""
    return list(
        Change.objects.filter(sequence__gt=sequence)
        .order_by("sequence")
        .values_list("sequence", "action", "changed_at", "resource_type", "resource_id", named=True)[:limit]
    )
