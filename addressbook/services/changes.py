"""Numbering the change feed in commit order."""

from __future__ import annotations

from django.db import connection, transaction

from addressbook.models.changes import CHANGE_TABLE, SEQUENCE_NAME

# One sequencer at a time; a reader that finds it busy reads what is numbered so far.
SEQUENCER_LOCK = 0x5DCA_0001
# Numbered per call, so one huge bulk change cannot hold the lock for long.
SEQUENCE_BATCH = 10_000


@transaction.atomic
def changes_sequence() -> int:
    """Give waiting changes their sequence numbers; returns how many were numbered.

    Only committed changes are visible here, and numbers are handed out under a lock and
    committed together, so the numbered changes always form a gap-free prefix of the feed:
    a client that has read up to N never misses a change numbered later.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEQUENCER_LOCK])
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(
            f"""
            WITH waiting AS (
                SELECT id FROM {CHANGE_TABLE} WHERE sequence IS NULL ORDER BY id LIMIT %s
            ), numbered AS (
                SELECT id, nextval('{SEQUENCE_NAME}') AS sequence FROM waiting ORDER BY id
            )
            UPDATE {CHANGE_TABLE} AS change SET sequence = numbered.sequence
            FROM numbered WHERE change.id = numbered.id
            """,  # noqa: S608 - table and sequence names are constants
            [SEQUENCE_BATCH],
        )
        return cursor.rowcount
