"""Strict query parameters: anything a view does not understand is a 400 that names it.

JSON:API lets a server ignore nothing silently: a misspelt filter that matched everything
would send a message service the wrong recipients. So a parameter is refused, naming it in
``source.parameter``, when it is unknown, given twice, empty (except ``page[after]``, whose
empty value starts a walk, and ``fields[type]``, whose empty value asks for no fields), not
UTF-8, or contradicts another (``page[after]`` with ``page[number]`` or ``sort``, a field
sorted twice); a list names nothing the endpoint does not offer.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from urllib.parse import unquote, unquote_to_bytes

from django.http import QueryDict
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework_json_api import filters as jsonapi_filters
from rest_framework_json_api.django_filters import DjangoFilterBackend
from rest_framework_json_api.utils import format_field_name, undo_format_field_name

from addressbook.api import documents
from addressbook.api.errors import parameter_error

_BRACKETED = re.compile(r"^(?P<family>filter|fields|page)\[(?P<name>[A-Za-z0-9_.\-]+)\]$")

#: The largest number PostgreSQL's bigint holds: sequence numbers and row offsets beyond it
#: cannot exist, and the database would refuse them with an error (a 500) rather than none.
MAX_SEQUENCE = 2**63 - 1
#: Parameters whose empty value means something (see the module docstring).
_EMPTY_ALLOWED = re.compile(r"^(page\[after\]|fields\[[^\]]*\])$")


def check_encoding(request) -> None:
    """Refuses a query string whose percent-encoded bytes are not UTF-8.

    Django decodes such bytes to U+FFFD, so ``filter[search]=%ff`` would silently look for
    a replacement character. The raw query string is what the client sent.
    """
    raw = request.META.get("QUERY_STRING", "")
    try:
        raw_bytes = raw.encode("latin-1")  # WSGI hands the bytes over as Latin-1 text
    except UnicodeEncodeError:
        raw_bytes = raw.encode()
    for pair in raw_bytes.split(b"&"):
        name, _, value = pair.partition(b"=")
        for part in (name, value):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                parameter = unquote(name.replace(b"+", b" ").decode("latin-1"), errors="replace")
                raise parameter_error(
                    parameter,
                    f"{parameter} is not UTF-8: percent-encode the UTF-8 bytes of the text.",
                    code="invalid_encoding",
                ) from None


def single_value(query: QueryDict, parameter: str) -> str:
    """The parameter's value; given twice, empty, or with a NUL character, it is a 400.

    Which of two values a view would read is an accident of the framework; an empty value
    would be taken as no parameter at all (a filter matching everything); PostgreSQL
    refuses NUL in text: each is the client's mistake, said as such rather than ignored.
    """
    values = query.getlist(parameter)
    if len(values) > 1:
        raise parameter_error(parameter, f"{parameter} is given more than once.", code="repeated_parameter")
    if "\x00" in values[0]:
        raise parameter_error(parameter, f"{parameter} contains a NUL character.")
    if not values[0].strip() and not _EMPTY_ALLOWED.match(parameter):
        raise parameter_error(parameter, f"{parameter} needs a value; leave it out for none.")
    return values[0]


def fieldset_names(resource_type: str) -> list[str]:
    """What ``fields[resource_type]`` may name: every attribute and relationship, as published."""
    writer = documents.writer_for(resource_type)
    return [
        *(a.name for a in writer.attributes),
        *(r.name for r in writer.relationships),
        *(link.name for link in writer.links),
    ]


def unknown_parameter(parameter: str, offered: Iterable[str]) -> ValidationError:
    """The 400 for a parameter the endpoint does not take, naming those it does."""
    return parameter_error(
        parameter, f"Unknown query parameter {parameter!r}; offered: {', '.join(offered) or 'none'}."
    )


def plain_parameters(request, offered: Iterable[str]) -> dict[str, str]:
    """Every offered parameter's value ("" when absent), for endpoints with a fixed few."""
    check_encoding(request)
    query = request.query_params
    offered = list(offered)
    for parameter in query:
        if parameter not in offered:
            raise unknown_parameter(parameter, offered)
        single_value(query, parameter)
    return {name: query.get(name, "") for name in offered}


def list_items(parameter: str, value: str) -> list[str]:
    """A comma-separated list's items; an empty item (``a,,b``, a trailing comma) is a 400."""
    items = value.split(",")
    if not all(item.strip() for item in items):
        raise parameter_error(parameter, f"{parameter} has an empty item: {value!r}.")
    return items


def published_name(name: str) -> str:
    """A field's name as published (camelCase); its Python spelling (snake_case) is taken too."""
    return format_field_name(undo_format_field_name(name))


def offered_names(parameter: str, items: Iterable[str], offered: Iterable[str], what: str) -> None:
    """Refuses an item that is not among the published names ``offered``."""
    offered = list(offered)
    for item in items:
        if published_name(item) not in offered:
            raise parameter_error(
                parameter, f"{what} {item!r} is not offered; offered: {', '.join(offered) or 'nothing'}."
            )


class StrictQueryParameters(BaseFilterBackend):
    """Validates every query parameter against what the view offers, before any work is done."""

    def filter_queryset(self, request, queryset, view):
        check_encoding(request)
        for parameter in request.query_params:
            self._validate(parameter, single_value(request.query_params, parameter), view)
        return queryset

    @staticmethod
    def _offered(view) -> list[str]:
        filterset = getattr(view, "filterset_class", None)
        paginator = getattr(view, "paginator", None)
        return [
            *(f"filter[{format_field_name(name)}]" for name in (filterset.base_filters if filterset else {})),
            *(f"page[{name}]" for name in getattr(paginator, "query_names", ())),
            *(name for name in ("sort", "include") if getattr(view, f"allowed_{name}", None)),
            *(f"fields[{name}]" for name in getattr(view, "resource_types", ())),
        ]

    def _validate(self, parameter: str, value: str, view) -> None:
        single = getattr(view, "action", None) == "retrieve"
        if single and (parameter == "sort" or parameter.startswith("page[")):
            # One resource: nothing to sort or page, and saying nothing would hide the mistake.
            raise parameter_error(parameter, f"A single resource takes no {parameter}.")
        if parameter == "sort":
            self._validate_sort(value, view)
            return
        if parameter == "include":
            allowed = getattr(view, "allowed_include", None)
            if not allowed:
                raise parameter_error(parameter, "This endpoint does not support include.")
            items = list_items(parameter, value)
            offered_names(parameter, items, [format_field_name(a) for a in allowed], "Relationship")
            return
        match = _BRACKETED.match(parameter)
        if match is None:
            raise unknown_parameter(parameter, self._offered(view))
        family, name = match["family"], match["name"]
        if family == "filter":
            filterset = getattr(view, "filterset_class", None)
            filters = filterset.base_filters if filterset else {}
            if undo_format_field_name(name) not in filters:
                offered = ", ".join(f"filter[{format_field_name(f)}]" for f in filters) or "none"
                raise parameter_error(parameter, f"Unknown filter {parameter!r}; offered: {offered}.")
        elif family == "page":
            paginator = getattr(view, "paginator", None)
            if paginator is None or name not in paginator.query_names:
                raise parameter_error(parameter, f"Unknown paging parameter {parameter!r}.")
        elif family == "fields":
            self._validate_fields(parameter, name, value, view)

    @staticmethod
    def _validate_sort(value: str, view) -> None:
        allowed = getattr(view, "allowed_sort", None)
        if not allowed:
            raise parameter_error("sort", "This endpoint does not support sort.")
        fields = [item.removeprefix("-") for item in list_items("sort", value)]
        offered_names("sort", fields, [format_field_name(a) for a in allowed], "Sort field")
        fields = [published_name(field) for field in fields]
        repeated = {field for field in fields if fields.count(field) > 1}
        if repeated:
            # The second key of a field already sorted by would be silently ignored.
            raise parameter_error("sort", f"sort names {', '.join(sorted(repeated))} more than once.")

    @staticmethod
    def _validate_fields(parameter: str, resource_type: str, value: str, view) -> None:
        types = getattr(view, "resource_types", ())
        if resource_type not in types:
            raise parameter_error(parameter, f"No resource type {resource_type!r} in this response.")
        if value:  # empty: no fields at all, only type and id
            items = list_items(parameter, value)
            offered_names(parameter, items, fieldset_names(resource_type), f"Field of {resource_type}")


class SortFilter(jsonapi_filters.OrderingFilter):
    """``sort=``; without it the collection keeps its own order (search relevance, or name)."""

    def filter_queryset(self, request, queryset, view):
        if not request.query_params.get(self.ordering_param):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        # Many records share a name: the id breaks ties, so pages neither repeat nor skip.
        return [*ordering, "pk"] if ordering else ordering


class FilterBackend(DjangoFilterBackend):
    """djangorestframework-jsonapi's filter[...] backend; a bad value is a 400 naming its filter."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            name, messages = next(iter(filterset.errors.items()))
            parameter = f"filter[{format_field_name(name)}]"
            raise parameter_error(
                parameter, f"{parameter}: {' '.join(messages)}", code="invalid_filter_value"
            )
        cleaned = filterset.form.cleaned_data
        for name, value in cleaned.items():
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                cleaned[name] = self._in_utc(name, value)
        return filterset.qs

    @staticmethod
    def _in_utc(name: str, value: datetime.datetime) -> datetime.datetime:
        """A time compared in UTC: ISO 8601 offsets go to ±23:59, PostgreSQL's to ±15:59."""
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0
            parameter = f"filter[{format_field_name(name)}]"
            raise parameter_error(
                parameter, f"{parameter} is outside the years 1–9999 in UTC.", code="invalid_filter_value"
            ) from None
