"""Schemathesis hooks: the rules between query parameters that OpenAPI 3 cannot express.

A parameter's schema describes it alone; these rules join two, and each is in the schema's
descriptions and refused with a 400 by the server. A request the fuzzer generates as valid
(positive) that breaks one is therefore not valid, and is dropped here; generated as invalid
(negative), it is kept, and the server must refuse it.

Loaded by the schemathesis process (``SCHEMATHESIS_HOOKS``) that
``test_schema_conformance.py`` starts: no Django here.
"""

from __future__ import annotations

import datetime
import zoneinfo

import schemathesis
from schemathesis import GenerationMode

#: The statistics endpoint's longest period (addressbook.models.statistics.MAX_DAYS) and
#: its default one (the last 30 days).
MAX_DAYS = 3660
DEFAULT_DAYS = 29
#: The server's TIME_ZONE, whose date "today" is.
SERVER_TIME_ZONE = zoneinfo.ZoneInfo("Europe/Stockholm")


def _listed(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value).split(",")


def paging_is_consistent(query: dict) -> bool:
    """page[after] walks in id order: not with page[number], nor with sort."""
    if "page[after]" in query and ("page[number]" in query or "sort" in query):
        return False
    fields = [item.removeprefix("-") for item in _listed(query.get("sort"))]
    return len(fields) == len(set(fields))  # each field sorted by once


def period_is_valid(query: dict) -> bool:
    """The statistics period: from no later than to, at most MAX_DAYS days (see StatisticsView)."""
    today = datetime.datetime.now(SERVER_TIME_ZONE).date()
    try:
        first = _day(query, "filter[from]", today - datetime.timedelta(days=DEFAULT_DAYS))
        last = _day(query, "filter[to]", today)
    except ValueError:
        return True  # a malformed date is the parameter's own schema's business
    return first <= last and (last - first).days < MAX_DAYS


def _day(query: dict, name: str, default: datetime.date) -> datetime.date:
    return datetime.date.fromisoformat(str(query[name])) if name in query else default


@schemathesis.hook
def filter_case(context, case) -> bool:
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return True
    query = case.query or {}
    return paging_is_consistent(query) and period_is_valid(query)
