"""Statistics datasets over the API (/api/statistics/<dataset>), for the analyst scope only.

The figures come from ``addressbook.selectors.datasets``, the same tables the admin's
dashboard shows; a row becomes a resource whose attributes are the dataset's columns. The
rows are built by hand: a serializer declares its fields per class, these columns differ
per dataset and are named only when the request comes.
"""

from __future__ import annotations

import datetime

from django.utils import timezone, translation
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework_json_api.utils import format_value  # camelCase, as the rest of the API

from addressbook.api.base import PlainParametersView
from addressbook.api.errors import parameter_error
from addressbook.api.schema import TOKEN_REQUIRED, document_schema, query_parameters, resource_schema
from addressbook.models import ApiClient
from addressbook.models.statistics import MAX_DAYS, check_period
from addressbook.selectors.datasets import DATASETS, dataset_table

STATISTICS_PARAMETERS = {
    "filter[from]": "First day (YYYY-MM-DD) of usage datasets; default 30 days ago.",
    "filter[to]": "Last day (YYYY-MM-DD); default today.",
}


@extend_schema_view(
    get=extend_schema(
        operation_id="statistics_retrieve",
        tags=["statistics"],
        description=(
            "One statistics dataset (see the admin's dashboard), for API clients with the analyst "
            "scope. Rows are resources of type statistics; meta.columns names their attributes. "
            "The period (filter[from] to filter[to]) must not end before it starts and is at most "
            f"{MAX_DAYS} days long."
        ),
        auth=TOKEN_REQUIRED,
        parameters=[
            OpenApiParameter(
                "dataset",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(DATASETS),
                description="The dataset.",
            ),
            *query_parameters(
                STATISTICS_PARAMETERS,
                schemas={name: {"type": "string", "format": "date"} for name in STATISTICS_PARAMETERS},
            ),
        ],
        responses={
            200: document_schema(
                {"type": "array", "items": resource_schema("statistics", None)},
                meta={
                    "type": "object",
                    "required": ["dataset", "title", "from", "to", "columns"],
                    "properties": {
                        "dataset": {"type": "string", "enum": list(DATASETS)},
                        "title": {"type": "string"},
                        "from": {"type": "string", "format": "date"},
                        "to": {"type": "string", "format": "date"},
                        "columns": {
                            "type": "object",
                            "description": "Each attribute's column heading.",
                            "additionalProperties": {"type": "string"},
                        },
                    },
                },
            ),
            401: OpenApiResponse(description="No token was sent, or it is unknown, expired or revoked."),
            403: OpenApiResponse(description="The token's API client does not have the analyst scope."),
        },
    )
)
class StatisticsView(PlainParametersView):
    """A statistics dataset as JSON:API rows (per-client figures: the analyst scope only)."""

    allowed_parameters = STATISTICS_PARAMETERS

    def get(self, request, dataset: str):
        client = getattr(request, "_auth", None)
        if not isinstance(client, ApiClient):
            # No credentials: 401 with WWW-Authenticate (RFC 9110), not 403.
            raise NotAuthenticated("Statistics are for API clients with the analyst scope; send its token.")
        if not client.statistics_access:
            raise PermissionDenied("Statistics are for API clients with the analyst scope.")
        if dataset not in DATASETS:
            raise NotFound(f"No dataset {dataset!r}; offered: {', '.join(DATASETS)}.")
        params = self.parameters(request)
        today = timezone.localdate()
        first = self._day(params, "filter[from]", today - datetime.timedelta(days=29))
        last = self._day(params, "filter[to]", today)
        try:
            check_period(first, last)
        except ValueError as error:
            raise parameter_error("filter[from]", str(error)) from None
        # Attribute names stay the same whatever language the client asks for.
        with translation.override("en"):
            columns = _unique(
                [
                    format_value(slugify(header).replace("-", "_"), "camelize")
                    for header in DATASETS[dataset].headers()
                ]
            )
        headers, rows = dataset_table(dataset, first, last)
        document = {
            "data": [
                {
                    "type": "statistics",
                    "id": f"{dataset}-{number}",
                    "attributes": dict(zip(columns, row, strict=True)),
                }
                for number, row in enumerate(rows, start=1)
            ],
            "meta": {
                "dataset": dataset,
                "title": str(DATASETS[dataset].title),
                "from": first.isoformat(),
                "to": last.isoformat(),
                "columns": dict(zip(columns, headers, strict=True)),
            },
            "links": {"self": request.build_absolute_uri()},
        }
        response = Response(document)
        # Per-client figures, and today's still growing: no shared cache, no stale copy.
        response["Cache-Control"] = "private, no-cache"
        return response

    @staticmethod
    def _day(params: dict[str, str], name: str, default: datetime.date) -> datetime.date:
        if not params[name]:
            return default
        try:
            return datetime.date.fromisoformat(params[name])
        except ValueError:
            raise parameter_error(name, f"{name} must be a date, YYYY-MM-DD.") from None


def _unique(names: list[str]) -> list[str]:
    """Attribute names, numbered where two columns would otherwise share one."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name}{seen[name]}")
    return result
