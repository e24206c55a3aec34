"""The change feed: one row per change to a published record, numbered in commit order.

Triggers write a row for every create, update, deactivation and deletion, whatever path the
write takes. Rows are born without a sequence number; ``services.changes.changes_sequence``
numbers them under a lock, after their transaction committed. Numbering at read time, not
write time, is what makes the feed safe to follow: a transaction that commits late still
gets a number above everything a client has already seen, so nothing is skipped.
"""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from addressbook.choices import ChangeAction, ResourceType

CHANGE_TABLE = "addressbook_change"
SEQUENCE_NAME = "addressbook_change_sequence"


class Change(models.Model):
    """A change to a published record, as the change feed (``/api/changes``) reports it."""

    sequence = models.BigIntegerField(_("sequence number"), null=True, unique=True, editable=False)
    resource_type = models.CharField(_("resource type"), max_length=16, choices=ResourceType.choices)
    resource_id = models.UUIDField(_("resource id"))
    action = models.CharField(_("action"), max_length=16, choices=ChangeAction.choices)
    changed_at = models.DateTimeField(_("changed"), default=models.functions.Now)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["sequence"]
        indexes = [
            # The sequencer's queue: rows still waiting for their number, oldest first.
            models.Index(
                fields=["id"], condition=Q(sequence__isnull=True), name="addressbook_change_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sequence}: {self.action} {self.resource_type}/{self.resource_id}"


def change_feed_triggers(
    resource_type: ResourceType, *, active: str, unpublished_fields: tuple[str, ...] = ("updated_at",)
) -> list[pgtrigger.Trigger]:
    """Triggers that record creates, updates (deactivations told apart) and deletes in the feed.

    ``active`` is the SQL that is true for an active row of ``ROW`` (e.g. ``ROW.status = 'active'``);
    a change to ``unpublished_fields`` alone (timestamps, search documents, the staffing
    confirmation) is nothing the API shows, so nothing to publish.
    """

    def insert(action_sql: str, row: str) -> str:
        return f"""
            INSERT INTO {CHANGE_TABLE} (resource_type, resource_id, action, changed_at)
            VALUES ('{resource_type.value}', {row}.id, {action_sql}, now());
            RETURN NULL;
        """

    deactivated = f"({active.replace('ROW', 'OLD')}) AND NOT ({active.replace('ROW', 'NEW')})"
    return [
        pgtrigger.Trigger(
            name="change_feed_insert",
            when=pgtrigger.After,
            operation=pgtrigger.Insert,
            func=insert("'created'", "NEW"),
        ),
        pgtrigger.Trigger(
            name="change_feed_update",
            when=pgtrigger.After,
            operation=pgtrigger.Update,
            condition=pgtrigger.AnyChange(exclude=list(unpublished_fields)),
            func=insert(f"CASE WHEN {deactivated} THEN 'deactivated' ELSE 'updated' END", "NEW"),
        ),
        pgtrigger.Trigger(
            name="change_feed_delete",
            when=pgtrigger.After,
            operation=pgtrigger.Delete,
            func=insert("'deleted'", "OLD"),
        ),
    ]


def classification_change_trigger() -> pgtrigger.Trigger:
    """A code added to or removed from an address is a change of that address."""
    return pgtrigger.Trigger(
        name="change_feed",
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.Delete,
        func=f"""
            INSERT INTO {CHANGE_TABLE} (resource_type, resource_id, action, changed_at)
            VALUES (
                '{ResourceType.ADDRESSES.value}',
                CASE WHEN TG_OP = 'DELETE' THEN OLD.function_address_id ELSE NEW.function_address_id END,
                'updated',
                now()
            );
            RETURN NULL;
        """,
    )
