"""``flush`` as the owner of the tables: emptying them is TRUNCATE, which the application may not do.

Also what a test that commits (``transaction=True``) uses to clean up after itself.
"""

from __future__ import annotations

from django.core.management.commands import flush
from django.db import connections

from addressbook.database_roles import as_owner


class Command(flush.Command):
    def handle(self, **options):
        with as_owner(connections[options["database"]]):
            return super().handle(**options)
