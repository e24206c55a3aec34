"""The audit history: who changed what, when, and through which channel.

Rows are written by database triggers (django-pghistory), so bulk updates and raw SQL are
recorded too. This module attaches the *context* of a change (user, channel); reading the
history back is ``selectors.history``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pghistory
from pghistory.middleware import HistoryMiddleware

from addressbook.choices import HistoryChannel


def channel_for_path(path: str) -> HistoryChannel:
    """The channel of a web request, from the part of the site it came through."""
    return HistoryChannel.API if path.startswith("/api/") else HistoryChannel.ADMIN


class HistoryContextMiddleware(HistoryMiddleware):
    """Adds the channel and the user's name to every change made during a request."""

    def get_context(self, request) -> dict[str, Any]:
        context = super().get_context(request)
        user = getattr(request, "user", None)
        context["username"] = user.get_username() if user is not None and user.is_authenticated else None
        context["channel"] = channel_for_path(request.path)
        return context


@contextlib.contextmanager
def history_context(*, channel: HistoryChannel, user=None, **extra: Any) -> Iterator[None]:
    """Mark every change inside the block with a channel (and user), outside web requests."""
    metadata: dict[str, Any] = {"channel": str(channel), **extra}
    if user is not None:
        metadata["user"] = user.pk
        metadata["username"] = user.get_username()
    with pghistory.context(**metadata):
        yield
