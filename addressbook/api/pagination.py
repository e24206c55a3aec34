"""Paging: a keyset walk by default, page numbers for sorted views.

Without ``sort``, ``filter[search]`` or ``page[number]`` a collection is walked in id order
(``page[after]`` = the last id seen, empty to start), which never changes for a record: a
client that follows ``links.next`` sees every record that exists throughout exactly once,
however many are renamed or added meanwhile. Ids are time-ordered, so new records come last.
``page[number]`` pages a sorted or searched collection and counts it. The two modes do not
mix: ``page[after]`` with ``page[number]`` or ``sort`` is a 400, as is any value outside
what ``get_schema_operation_parameters`` publishes.
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from addressbook.api.errors import is_whole_number, parameter_error
from addressbook.selectors.changes import latest_change_sequence, latest_change_sequence_expression
from addressbook.selectors.search import search_count, search_window

SIZE, NUMBER, AFTER = "page[size]", "page[number]", "page[after]"
SEQUENCE_COLUMN = "page_change_sequence"
#: The highest page number: beyond it the row offset would leave PostgreSQL's bigint (an
#: error, not an empty page), and no collection has a billion pages anyway.
MAX_PAGE_NUMBER = 1_000_000_000
#: A record's id as links.next writes it (uuid.UUID alone would also take braces, a "urn:"
#: prefix or hyphens anywhere).
ID_PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_ID = re.compile(ID_PATTERN)


class DirectoryPagination(BasePagination):
    """JSON:API paging with absolute ``links`` and a count in ``meta`` where it is cheap."""

    query_names = ("size", "number", "after")
    default_size = settings.API_PAGE_SIZE
    max_size = settings.API_MAX_PAGE_SIZE
    count_limit = settings.API_COUNT_LIMIT

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.size = self.page_size(request)
        params = request.query_params
        if AFTER in params and NUMBER in params:
            raise parameter_error(NUMBER, "page[number] and page[after] are two ways of paging; give one.")
        ordered_by_request = "sort" in params or "filter[search]" in params
        if AFTER in params or (NUMBER not in params and not ordered_by_request):
            return self._paginate_after(queryset, request)
        self.cursor_mode = False
        number = request.query_params.get(NUMBER, "1")
        if not is_whole_number(number) or not 1 <= int(number) <= MAX_PAGE_NUMBER:
            raise parameter_error(NUMBER, f"page[number] is a whole number from 1 to {MAX_PAGE_NUMBER}.")
        self.number = int(number)
        offset = (self.number - 1) * self.size
        rows = self._read(queryset[offset : offset + self.size + 1])
        if not rows and self.number > 1:
            raise NotFound(
                [
                    {
                        "status": "404",
                        "code": "page_not_found",
                        "title": "Not found",
                        "detail": f"There is no page {number}.",
                        "source": {"parameter": NUMBER},
                    }
                ]
            )
        self.has_next = len(rows) > self.size
        self.count = self._capped_count(queryset, seen=offset + len(rows))
        return rows[: self.size]

    def _read(self, page) -> list:
        """The page's rows, and the change sequence a client may sync from after reading them.

        Both come from one statement, so from one snapshot: a change committed while the
        page is served is numbered higher, and a client syncing from this number cannot miss
        it. An empty page has no row to carry the number: it is read first, then the page
        again (a record added in between is then on it, with its own number).
        """
        numbered = page.annotate(**{SEQUENCE_COLUMN: latest_change_sequence_expression()})
        rows = list(numbered)
        if not rows:
            self.change_sequence = latest_change_sequence()
            rows = list(numbered.all())  # .all(): a fresh read, not the cached empty result
        if rows:
            self.change_sequence = rows[0][SEQUENCE_COLUMN]
        return rows

    def _capped_count(self, queryset, *, seen: int) -> int | None:
        """The count, or None past count_limit: beyond it an exact COUNT costs more than a page.

        ``seen`` is how many rows the page read reached, one past the page included: when
        the page is the last, that is the count, and no COUNT is needed (a lookup by key).
        """
        self.count_at_least = self.count_limit + 1
        # Capped, and without the order (a search's ranking costs as much as its window).
        if not self.has_next:
            counted = seen
        elif (known := search_count(queryset)) is not None:
            counted = known  # a search's window knows its size
        else:
            counted = queryset.order_by()[: self.count_limit + 1].count()
        window = search_window(queryset)
        if window is not None and counted >= window:
            # A search ranks a window of its matches: there may be more than it holds.
            self.count_at_least = window
            return None
        return counted if counted <= self.count_limit else None

    def page_size(self, request) -> int:
        raw = request.query_params.get(SIZE, str(self.default_size))
        if not is_whole_number(raw) or not 1 <= int(raw) <= self.max_size:
            raise parameter_error(SIZE, f"page[size] is a whole number from 1 to {self.max_size}.")
        return int(raw)

    def _paginate_after(self, queryset, request):
        self.cursor_mode = True
        if "sort" in request.query_params:
            raise parameter_error("sort", "A page[after] walk is always in id order; leave out sort.")
        after = request.query_params.get(AFTER, "")
        queryset = queryset.order_by("pk")
        if after:
            if not _ID.fullmatch(after):
                raise parameter_error(AFTER, "page[after] is the id of the last record seen (or empty).")
            queryset = queryset.filter(pk__gt=uuid.UUID(after))
        rows = self._read(queryset[: self.size + 1])
        self.has_next = len(rows) > self.size
        # The first page counts the collection (once per walk, not once per page).
        self.count = None if after else self._capped_count(queryset, seen=len(rows))
        self.counted = not after
        rows = rows[: self.size]
        self.last_id = rows[-1]["pk"] if rows else None
        return rows

    def _link(self, **params) -> str:
        url = self.request.build_absolute_uri()
        for name, value in params.items():
            url = remove_query_param(url, name) if value is None else replace_query_param(url, name, value)
        return url

    def _count_meta(self) -> dict[str, int]:
        if self.count is None:
            return {"countAtLeast": self.count_at_least}
        return {"count": self.count}

    def links(self) -> dict:
        """The page's ``links``: itself, the first, the next and previous (and last, if counted)."""
        links = {"self": self.request.build_absolute_uri()}
        if self.cursor_mode:
            links["first"] = self._link(**{AFTER: ""})
            links["next"] = self._link(**{AFTER: str(self.last_id)}) if self.has_next else None
            links["prev"] = None
            return links
        links["first"] = self._link(**{NUMBER: 1})
        pages = self._pages()
        if pages:
            links["last"] = self._link(**{NUMBER: pages})
        links["next"] = self._link(**{NUMBER: self.number + 1}) if self.has_next else None
        links["prev"] = self._link(**{NUMBER: self.number - 1}) if self.number > 1 else None
        return links

    def meta(self) -> dict:
        """The page's ``meta``: the change sequence to sync from, the page and the count."""
        meta: dict = {"changeSequence": self.change_sequence}
        if self.cursor_mode:
            meta["pagination"] = {"size": self.size}
            if self.counted:
                meta["pagination"].update(self._count_meta())
            return meta
        meta["pagination"] = {"page": self.number, "size": self.size, **self._count_meta()}
        pages = self._pages()
        if pages is not None:
            meta["pagination"]["pages"] = max(pages, 1)
        return meta

    def _pages(self) -> int | None:
        return -(-self.count // self.size) if self.count is not None else None

    def get_schema_operation_parameters(self, view):
        described = [
            (
                SIZE,
                {"type": "integer", "minimum": 1, "maximum": self.max_size},
                f"Records per page, 1–{self.max_size} (default {self.default_size}).",
            ),
            (
                NUMBER,
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_NUMBER},
                "Page number (page-number mode; counts the collection). Not with page[after]; "
                "a page past the last is a 404.",
            ),
            (
                AFTER,
                {"type": "string", "pattern": f"^({ID_PATTERN})?$"},
                "Keyset mode for full syncs: empty for the first page, then follow links.next. "
                "Not with page[number] or sort.",
            ),
        ]
        return [
            {"name": name, "required": False, "in": "query", "description": text, "schema": schema}
            for name, schema, text in described
        ]
