"""A second thread that writes an import's batches while the import reads on (issue 11).

An import of 100,000 rows spends about as long in Python (reading, validating and describing
each row) as PostgreSQL spends inserting them and running their triggers; one after the
other, that is twice as long as it need be. The writer runs a batch's statements over the
import's own connection, and so in its transaction, while the importing thread goes on with
the next rows: Python and PostgreSQL each keep a core busy.

Only one batch is written at a time, and the importing thread never runs a statement while
one is: any statement it runs first waits for the batch to finish (an execute wrapper), so
the order of the writes, and what every read sees, are as if the batches were written in
the importing thread. A batch is written inside a savepoint of its own; if PostgreSQL
refuses it, the writer rolls back to that savepoint and hands the error to the importing
thread, which writes the batch again row by row to name the row.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper
from pghistory import runtime as pghistory_runtime

SAVEPOINT = "addressbook_import_batch"


class BatchWriter:
    """Writes one batch at a time on a thread of its own, in the importing thread's transaction."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.importing_thread = threading.get_ident()
        self.executor: ThreadPoolExecutor | None = None
        self.running: Future | None = None
        self.running_batch: object = None
        self.refused: list[tuple[object, DatabaseError]] = []

    def __enter__(self) -> BatchWriter:
        # The writer's statements carry the import's history context (user, channel import),
        # which django-pghistory keeps per thread.
        context = getattr(pghistory_runtime._tracker, "value", None)
        self.executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="import-writer", initializer=_adopt, initargs=(context,)
        )
        self.connection.inc_thread_sharing()
        # Outermost, so that the history context is added to a statement only once it may run.
        self.connection.execute_wrappers.insert(0, self._wait_first)
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self.finish()
        finally:
            self.connection.execute_wrappers.remove(self._wait_first)
            self.executor.shutdown(wait=True)
            self.connection.dec_thread_sharing()

    def submit(self, batch: object, statements: list[tuple[str, list]]) -> None:
        """Runs ``batch``'s statements (SQL, parameters) on the writer thread, after the batch before."""
        self.finish()
        self.running_batch = batch
        self.running = self.executor.submit(self._write, statements)

    def finish(self) -> list[tuple[object, DatabaseError]]:
        """Waits for the batch being written; returns (and forgets) the batches refused so far."""
        self._wait()
        refused, self.refused = self.refused, []
        return refused

    def _wait(self) -> None:
        if self.running is None:
            return
        running, self.running = self.running, None
        error = running.result()
        if error is not None:
            self.refused.append((self.running_batch, error))
        self.running_batch = None

    def _write(self, statements: list[tuple[str, list]]) -> DatabaseError | None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SAVEPOINT {SAVEPOINT}")
            try:
                for sql, params in statements:
                    cursor.execute(sql, params)
            except DatabaseError as error:
                cursor.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
                cursor.execute(f"RELEASE SAVEPOINT {SAVEPOINT}")
                return error
            cursor.execute(f"RELEASE SAVEPOINT {SAVEPOINT}")
        return None

    def _wait_first(self, execute, sql, params, many, context):
        # A statement of the importing thread waits until the batch being written is done.
        if threading.get_ident() == self.importing_thread:
            self._wait()
        return execute(sql, params, many, context)


def _adopt(context) -> None:
    if context is not None:
        pghistory_runtime._tracker.value = context
