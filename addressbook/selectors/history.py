"""The audit history read back: each change of a record as who, when, channel, before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import pgettext_lazy
from pghistory.models import Events

from addressbook.choices import HistoryChannel

ACTION_LABELS = {
    "insert": pgettext_lazy("history action", "created"),
    "update": pgettext_lazy("history action", "changed"),
    "delete": pgettext_lazy("history action", "deleted"),
}


@dataclass(frozen=True)
class HistoryEntry:
    """One change to a record, ready to show to a person."""

    when: datetime
    action: str
    record: str
    name: str
    username: str
    channel: str
    changes: list[tuple[str, Any, Any]]


# Snapshot columns that say nothing to a person reading the history of a record.
_HIDDEN_COLUMNS = {"id", "created_at"}


class _ValueRenderer:
    """Turns raw snapshot values into what the admin shows: choice labels and related names.

    Related records are looked up once per model for the whole history, not once per value.
    """

    def __init__(self, events) -> None:
        self._wanted: dict[type[models.Model], set[Any]] = {}
        for event in events:
            tracked = apps.get_model(event.pgh_obj_model)
            for column, before, after in _raw_changes(event):
                field = _field(tracked, column)
                if field is not None and field.is_relation:
                    self._wanted.setdefault(field.related_model, set()).update({before, after} - {None})
        self._names = {
            model: {obj.pk: str(obj) for obj in model._base_manager.filter(pk__in=ids)}
            for model, ids in self._wanted.items()
        }

    def render(self, field: models.Field | None, value: Any) -> Any:
        if value is None or field is None:
            return value
        if field.is_relation:
            return self._names.get(field.related_model, {}).get(value, value)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value


def _field(model: type[models.Model], column: str) -> models.Field | None:
    try:
        return model._meta.get_field(column)
    except FieldDoesNotExist:
        try:
            return model._meta.get_field(column.removesuffix("_id"))
        except FieldDoesNotExist:
            return None


def _raw_changes(event) -> list[tuple[str, Any, Any]]:
    if event.pgh_diff:
        return [(column, before, after) for column, (before, after) in event.pgh_diff.items()]
    # Creations and deletions have no previous row to compare with: show the record.
    return [
        (column, None, value)
        for column, value in (event.pgh_data or {}).items()
        if column not in _HIDDEN_COLUMNS and value not in (None, "", [])
    ]


def _channel_label(channel: str | None) -> str:
    # Context written outside our code (a psql session, an old release) may name no channel.
    if channel in HistoryChannel.values:
        return str(HistoryChannel(channel).label)
    return str(HistoryChannel.SYSTEM.label) if channel is None else channel


def object_history(obj: models.Model, *, with_related: bool = False) -> list[HistoryEntry]:
    """Every recorded change to ``obj``, newest first, with before/after values.

    ``with_related`` adds the changes of rows that point at ``obj`` (for a function address:
    its classifications), which belong to the same story for an auditor.
    """
    events = Events.objects.references(obj) if with_related else Events.objects.tracks(obj)
    return describe_events(events.order_by("-pgh_created_at", "-pgh_id"))


def describe_events(events) -> list[HistoryEntry]:
    """Events (pghistory's aggregate rows) as a person reads them: names, labels, before → after."""
    events = list(events)
    user_ids = {(e.pgh_context or {}).get("user") for e in events} - {None}
    names = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
    values = _ValueRenderer(events)
    entries = []
    for event in events:
        context = event.pgh_context or {}
        tracked = apps.get_model(event.pgh_obj_model)
        changes = []
        for column, before, after in _raw_changes(event):
            field = _field(tracked, column)
            label = str(field.verbose_name) if field is not None else column
            changes.append((label, values.render(field, before), values.render(field, after)))
        entries.append(
            HistoryEntry(
                when=event.pgh_created_at,
                action=str(ACTION_LABELS.get(event.pgh_label, event.pgh_label)),
                record=str(tracked._meta.verbose_name),
                name=_record_name(event.pgh_data or {}, event.pgh_obj_id),
                # The name at the time of the change: renaming an account must not rewrite history.
                username=context.get("username") or names.get(context.get("user")) or "",
                channel=_channel_label(context.get("channel")),
                changes=changes,
            )
        )
    return entries


def _record_name(data: dict[str, Any], object_id: str | None) -> str:
    # What a person recognises the record by, as it was when the change was made.
    for key in ("name", "identifier", "code", "username"):
        if data.get(key):
            return str(data[key])
    return object_id or ""
