"""Strict query parameters: anything a view does not understand is a 400 that names it.

JSON:API lets a server ignore nothing silently: a misspelt filter that matched everything
would send a message service the wrong recipients.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.http import QueryDict
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework_json_api import filters as jsonapi_filters
from rest_framework_json_api.django_filters import DjangoFilterBackend
from rest_framework_json_api.utils import format_field_name, undo_format_field_name

from addressbook.api.errors import parameter_error

_BRACKETED = re.compile(r"^(?P<family>filter|fields|page)\[(?P<name>[A-Za-z0-9_.\-]+)\]$")


def single_value(query: QueryDict, parameter: str) -> str:
    """The parameter's value; given twice, or with a NUL character, it is a 400.

    Which of two values a view would read is an accident of the framework, and PostgreSQL
    refuses NUL in text: both are the client's mistake, said as such rather than a 500.
    """
    values = query.getlist(parameter)
    if len(values) > 1:
        raise parameter_error(parameter, f"{parameter} is given more than once.", code="repeated_parameter")
    if "\x00" in values[0]:
        raise parameter_error(parameter, f"{parameter} contains a NUL character.")
    return values[0]


def unknown_parameter(parameter: str, offered: Iterable[str]) -> ValidationError:
    """The 400 for a parameter the endpoint does not take, naming those it does."""
    return parameter_error(
        parameter, f"Unknown query parameter {parameter!r}; offered: {', '.join(offered) or 'none'}."
    )


def plain_parameters(query: QueryDict, offered: Iterable[str]) -> dict[str, str]:
    """Every offered parameter's value ("" when absent), for endpoints with a fixed few."""
    offered = list(offered)
    for parameter in query:
        if parameter not in offered:
            raise unknown_parameter(parameter, offered)
        single_value(query, parameter)
    return {name: query.get(name, "") for name in offered}


class StrictQueryParameters(BaseFilterBackend):
    """Validates every query parameter against what the view offers, before any work is done."""

    def filter_queryset(self, request, queryset, view):
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
        if parameter in ("sort", "include"):
            allowed = getattr(view, f"allowed_{parameter}", None)
            if allowed is None:
                raise parameter_error(parameter, f"This endpoint does not support {parameter}.")
            for item in filter(None, value.split(",")):
                if undo_format_field_name(item.lstrip("-") if parameter == "sort" else item) not in allowed:
                    offered = ", ".join(sorted(format_field_name(a) for a in allowed)) or "nothing"
                    raise parameter_error(parameter, f"Cannot {parameter} by {item!r}; offered: {offered}.")
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
            if value == "":
                raise parameter_error(parameter, f"{parameter} needs a value.")
        elif family == "page":
            paginator = getattr(view, "paginator", None)
            if paginator is None or name not in paginator.query_names:
                raise parameter_error(parameter, f"Unknown paging parameter {parameter!r}.")
        elif family == "fields":
            types = getattr(view, "resource_types", ())
            if name not in types:
                raise parameter_error(parameter, f"No resource type {name!r} in this response.")


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
        return filterset.qs
