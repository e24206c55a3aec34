"""The lookup API's endpoints: collections, single resources, the change feed and the recipient check."""

from __future__ import annotations

import copy
import datetime
import json
import uuid

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.text import slugify
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView
from rest_framework_json_api import views
from rest_framework_json_api.utils import format_value  # camelCase, as the rest of the API

from addressbook import filtersets
from addressbook.api import serializers
from addressbook.api.errors import is_whole_number, parameter_error
from addressbook.api.pagination import DirectoryPagination
from addressbook.api.renderers import JsonApiRenderer
from addressbook.api.schema import document_schema, resource_schema
from addressbook.choices import ChangeAction, UsageMetric
from addressbook.models import ApiClient, Code, CodeSystem, FunctionAddress, Organization
from addressbook.models.statistics import check_period
from addressbook.selectors.changes import changes_after, latest_change_sequence
from addressbook.selectors.datasets import DATASETS, dataset_table
from addressbook.selectors.recipient_check import recipient_check
from addressbook.services.changes import changes_sequence
from addressbook.services.usage import UsageEvent, usage_record

UUID_PATTERN = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


def api_language(request) -> None:
    """Machines rarely send Accept-Language: API messages are in English unless asked otherwise."""
    if "HTTP_ACCEPT_LANGUAGE" not in request.META:
        translation.activate("en")
        request.LANGUAGE_CODE = "en"


def cache_headers(response, request) -> None:
    """Lookups may be cached briefly; with tokens required only by the client itself."""
    if request.method in ("GET", "HEAD") and response.status_code in (200, 304):
        visibility = "private" if settings.API_REQUIRE_TOKEN else "public"
        response.setdefault("Cache-Control", f"{visibility}, max-age={settings.API_CACHE_SECONDS}")
        patch_vary_headers(response, ["Accept", "Authorization"])


class LookupViewMixin:
    """What every API view shares: English unless asked otherwise, cache headers, usage counts."""

    def initial(self, request, *args, **kwargs):
        api_language(request)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        cache_headers(response, request)
        self.count_usage(request, response)
        return response

    def usage_events(self, request, response) -> list[UsageEvent]:
        """What this response resolved, beyond the request itself (views add theirs)."""
        return []

    def count_usage(self, request, response) -> None:
        # Not request.auth: after a failed authentication that would authenticate again.
        client = getattr(request, "_auth", None)
        client_id = str(client.pk) if isinstance(client, ApiClient) else None
        endpoint = request.resolver_match.url_name if request.resolver_match else "unknown"
        events = [UsageEvent(UsageMetric.REQUEST, endpoint or "unknown", client_id)]
        if response.status_code == 200:
            events += [
                UsageEvent(event.metric, event.dimension, client_id)
                for event in self.usage_events(request, response)
            ]
        usage_record(events, response=response)


class DirectoryViewSet(LookupViewMixin, views.ReadOnlyModelViewSet):
    """What every resource shares: strict parameters, paging, uuid ids, nested collections."""

    pagination_class = DirectoryPagination
    lookup_value_regex = UUID_PATTERN
    http_method_names = ["get", "head", "options"]
    #: sort= and include= values on offer (snake_case); resource types fields[...] may name.
    allowed_sort: tuple[str, ...] = ()
    allowed_include: tuple[str, ...] = ()
    resource_types: tuple[str, ...] = ()
    #: select_related/prefetch_related per included relationship, against N+1 queries.
    include_prefetch: dict[str, tuple[str, ...]] = {}
    #: Nested collections: URL kwarg -> (lookup that filters by it, the owner's model, whose
    #: absence is a 404 rather than an empty list).
    nested: dict[str, tuple[str, type]] = {}

    @property
    def ordering_fields(self):
        return self.allowed_sort

    def included(self) -> list[str]:
        return [item for item in self.request.query_params.get("include", "").split(",") if item]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for kwarg, (_lookup, owner) in self.nested.items():
            if kwarg in kwargs and not owner.objects.filter(pk=kwargs[kwarg]).exists():
                raise NotFound("No such resource.")

    def get_queryset(self):
        queryset = self.queryset.all()
        for kwarg, (lookup, _owner) in self.nested.items():
            if kwarg in self.kwargs:
                queryset = queryset.filter(**{lookup: self.kwargs[kwarg]})
        for include in self.included():
            for path in self.include_prefetch.get(include, ()):
                queryset = queryset.prefetch_related(path)
        return queryset

    #: The usage metric of a record this view resolves (addresses and organisations are counted).
    resolved_metric: str | None = None
    #: Filters that look records up by key: their results count as resolved.
    key_filters: tuple[str, ...] = ()

    def usage_events(self, request, response) -> list[UsageEvent]:
        search = request.query_params.get("filter[search]")
        page = getattr(self, "page_objects", None)
        if search is not None and page == []:
            return [UsageEvent(UsageMetric.ZERO_HIT_SEARCH, " ".join(search.casefold().split()))]
        if self.resolved_metric is None:
            return []
        if self.action == "retrieve":
            return [UsageEvent(self.resolved_metric, str(self.resolved.pk))]
        if page and any(name in request.query_params for name in self.key_filters):
            return [UsageEvent(self.resolved_metric, str(record.pk)) for record in page]
        return []

    def paginate_queryset(self, queryset):
        self.page_objects = super().paginate_queryset(queryset)
        return self.page_objects

    def retrieve(self, request, *args, **kwargs):
        instance = self.resolved = self.get_object()
        response = Response(self.get_serializer(instance).data)
        # Last-Modified lets clients revalidate with If-Modified-Since (answered with 304).
        response["Last-Modified"] = http_date(instance.updated_at.timestamp())
        return response

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        # No Last-Modified: a record leaving the page would not make the page newer.
        # ConditionalGetMiddleware's ETag revalidates pages exactly.
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class OrganizationViewSet(DirectoryViewSet):
    """Participant organisations and sub-organisations."""

    queryset = Organization.objects.select_related("parent")
    serializer_class = serializers.OrganizationSerializer
    filterset_class = filtersets.OrganizationFilterSet
    allowed_sort = ("name", "participant_identifier", "organization_number", "created_at", "updated_at")
    allowed_include = ("parent",)
    resource_types = ("organizations",)
    nested = {"organization_pk": ("parent_id", Organization)}
    resolved_metric = UsageMetric.ORGANIZATION
    key_filters = ("filter[participantIdentifier]", "filter[organizationNumber]")


class FunctionAddressViewSet(DirectoryViewSet):
    """Function addresses."""

    # Codes are few and small: prefetched whole, so including them costs no query per row.
    queryset = FunctionAddress.objects.select_related("organization").prefetch_related("codes")
    serializer_class = serializers.FunctionAddressSerializer
    filterset_class = filtersets.FunctionAddressFilterSet
    allowed_sort = ("name", "identifier", "created_at", "updated_at")
    allowed_include = ("parent", "codes")
    resource_types = ("addresses", "organizations", "codes")
    include_prefetch = {"parent": ("organization__parent",), "codes": ("codes__code_system", "codes__parent")}
    nested = {"organization_pk": ("organization_id", Organization)}
    resolved_metric = UsageMetric.ADDRESS
    key_filters = ("filter[identifier]",)


class CodeSystemViewSet(DirectoryViewSet):
    """Code systems."""

    queryset = CodeSystem.objects.select_related("owner")
    serializer_class = serializers.CodeSystemSerializer
    filterset_class = filtersets.CodeSystemFilterSet
    allowed_sort = ("name", "identifier", "created_at", "updated_at")
    allowed_include = ("owner",)
    resource_types = ("codesystems", "organizations")
    include_prefetch = {"owner": ("owner__parent",)}


class CodeViewSet(DirectoryViewSet):
    """Codes, also as /api/codesystems/{id}/codes."""

    queryset = Code.objects.select_related("code_system", "parent")
    serializer_class = serializers.CodeSerializer
    filterset_class = filtersets.CodeFilterSet
    allowed_sort = ("code", "display_name", "created_at", "updated_at")
    allowed_include = ("code_system", "parent")
    resource_types = ("codes", "codesystems")
    include_prefetch = {"code_system": ("code_system__owner",)}
    nested = {"codesystem_pk": ("code_system_id", CodeSystem)}


def resource_objects(request, viewset_class: type[DirectoryViewSet], instances) -> list[dict]:
    """JSON:API resource objects for ``instances``, exactly as their own endpoint renders them."""
    # The same request without its query (its include= and fields[] are not theirs).
    bare = copy.copy(request._request)
    bare.GET = QueryDict()
    request = Request(bare)
    viewset = viewset_class(request=request, format_kwarg=None, kwargs={}, action="list")
    serializer = viewset.get_serializer(instances, many=True)
    renderer = JsonApiRenderer()
    body = renderer.render(
        serializer.data, renderer_context={"view": viewset, "request": request, "response": Response()}
    )
    return json.loads(body)["data"]


VIEWSETS_BY_TYPE: dict[str, type[DirectoryViewSet]] = {
    "organizations": OrganizationViewSet,
    "addresses": FunctionAddressViewSet,
    "codesystems": CodeSystemViewSet,
    "codes": CodeViewSet,
}


CHANGE_FEED_PARAMETERS = {
    "filter[after]": "Changes numbered after this sequence number (default 0: from the start).",
    "page[size]": f"Changes per page, 1–{settings.API_MAX_CHANGES_PAGE_SIZE}.",
    "include": "resource: add the current state of each changed record.",
}
RECIPIENT_CHECK_PARAMETERS = {
    "filter[participantIdentifier]": "The participant the message is addressed to, e.g. 0203:malmo.se.",
    "filter[identifier]": "The function address the message is addressed to.",
}


class PlainParametersView(LookupViewMixin, APIView):
    """A JSON:API endpoint outside the model resources, with its own few parameters."""

    resource_name = False  # the document is built here, not by the serializer machinery
    # Described by hand (extend_schema_view), not derived from a JSON:API serializer.
    schema = AutoSchema()
    allowed_parameters: dict[str, str] = {}

    def get_serializer(self, *args, **kwargs):
        # No serializer: the document is built by hand (tells the schema generator so).
        return None

    def parameters(self, request) -> dict[str, str]:
        for parameter in request.query_params:
            if parameter not in self.allowed_parameters:
                offered = ", ".join(self.allowed_parameters)
                raise parameter_error(
                    parameter, f"Unknown query parameter {parameter!r}; offered: {offered}."
                )
            if len(request.query_params.getlist(parameter)) > 1:
                raise parameter_error(parameter, f"{parameter} is given more than once.")
            if "\x00" in request.query_params[parameter]:
                raise parameter_error(parameter, f"{parameter} contains a NUL character.")
        return {name: request.query_params.get(name, "") for name in self.allowed_parameters}


@extend_schema_view(
    get=extend_schema(
        operation_id="changes_list",
        tags=["changes"],
        parameters=[
            OpenApiParameter(name, str, OpenApiParameter.QUERY, description=text)
            for name, text in CHANGE_FEED_PARAMETERS.items()
        ],
        responses={
            200: document_schema(
                {
                    "type": "array",
                    "items": resource_schema(
                        "changes",
                        {
                            "sequence": {"type": "integer"},
                            "action": {"type": "string", "enum": [a.value for a in ChangeAction]},
                            "changedAt": {"type": "string", "format": "date-time"},
                        },
                        ["resource"],
                    ),
                },
                included=True,
            )
        },
    )
)
class ChangeFeedView(PlainParametersView):
    """The change feed: every create, update, deactivation and deletion, in sequence order.

    A client syncs by fetching each collection once (noting ``meta.changeSequence`` on its
    first page), then reading this feed from that number, following ``links.next`` for ever.
    With ``include=resource`` each change comes with the record's current state; a deleted
    record is gone and has only its id.
    """

    allowed_parameters = CHANGE_FEED_PARAMETERS

    def get(self, request):
        params = self.parameters(request)
        after = params["filter[after]"] or "0"
        if not is_whole_number(after):
            raise parameter_error("filter[after]", "filter[after] is a sequence number (0 or more).")
        size = params["page[size]"] or str(settings.API_PAGE_SIZE)
        if not is_whole_number(size) or not 1 <= int(size) <= settings.API_MAX_CHANGES_PAGE_SIZE:
            raise parameter_error("page[size]", f"page[size] is 1–{settings.API_MAX_CHANGES_PAGE_SIZE}.")
        if params["include"] not in ("", "resource"):
            raise parameter_error("include", "The change feed can include only: resource.")
        changes_sequence()
        changes = changes_after(sequence=int(after), limit=int(size))
        data = [
            {
                "type": "changes",
                "id": str(change.sequence),
                "attributes": {
                    "sequence": change.sequence,
                    "action": change.action,
                    "changedAt": change.changed_at.isoformat(),
                },
                "relationships": {
                    "resource": {"data": {"type": change.resource_type, "id": str(change.resource_id)}}
                },
            }
            for change in changes
        ]
        document = {"data": data, "links": self._links(request, changes, after), "meta": {}}
        document["meta"]["latestSequence"] = latest_change_sequence()
        if params["include"]:
            document["included"] = self._current_state(request, changes)
        response = Response(document)
        # A follower polls the same URL for new changes: a cached page would hide them.
        response["Cache-Control"] = "no-cache"
        return response

    def _links(self, request, changes, after: str) -> dict[str, str]:
        url = request.build_absolute_uri()
        last = str(changes[-1].sequence) if changes else after
        return {"self": url, "next": replace_query_param(url, "filter[after]", last)}

    def _current_state(self, request, changes) -> list[dict]:
        wanted: dict[str, set] = {}
        for change in changes:
            wanted.setdefault(change.resource_type, set()).add(change.resource_id)
        included = []
        for resource_type, ids in wanted.items():
            viewset = VIEWSETS_BY_TYPE[resource_type]
            instances = list(viewset.queryset.filter(pk__in=ids).order_by("pk"))
            included += resource_objects(request, viewset, instances)
        return included


@extend_schema_view(
    get=extend_schema(
        operation_id="recipient_check",
        tags=["recipient-check"],
        parameters=[
            OpenApiParameter(name, str, OpenApiParameter.QUERY, required=True, description=text)
            for name, text in RECIPIENT_CHECK_PARAMETERS.items()
        ],
        responses={
            200: document_schema(
                resource_schema(
                    "recipient-checks",
                    {
                        "participantIdentifier": {"type": "string"},
                        "identifier": {"type": "string"},
                        "outcome": {"type": "string", "enum": ["accepted", "rejected"]},
                        "reason": {
                            "type": "string",
                            "nullable": True,
                            "enum": ["not-found", "inactive", "security", None],
                        },
                    },
                    ["address", "organization"],
                ),
                included=True,
            )
        },
    )
)
class RecipientCheckView(PlainParametersView):
    """Adressbokskontroll: may a message for this participant go to this function address?

    Answers ``accepted``, or ``rejected`` with SDK's reason: ``not-found`` (no such address),
    ``inactive`` (it, or its organisation, is inactive or outside its validity period) or
    ``security`` (it belongs to another participant). The address and its organisation come
    as included resources when they exist.
    """

    allowed_parameters = RECIPIENT_CHECK_PARAMETERS

    def get(self, request):
        params = self.parameters(request)
        for name, value in params.items():
            if not value.strip():
                raise parameter_error(name, f"{name} is required.")
        check = self.check = recipient_check(
            participant_identifier=params["filter[participantIdentifier]"],
            identifier=params["filter[identifier]"],
        )
        resource = {
            "type": "recipient-checks",
            # Deterministic: the same question has the same id.
            "id": str(
                uuid.uuid5(uuid.NAMESPACE_URL, f"{check.participant_identifier}|{check.identifier.lower()}")
            ),
            "attributes": {
                "participantIdentifier": check.participant_identifier,
                "identifier": check.identifier,
                "outcome": check.outcome,
                "reason": check.reason,
            },
            "relationships": {
                "address": {
                    "data": {"type": "addresses", "id": str(check.address.pk)} if check.address else None
                },
                "organization": {
                    "data": {"type": "organizations", "id": str(check.organization.pk)}
                    if check.organization
                    else None
                },
            },
        }
        document = {"data": resource, "links": {"self": request.build_absolute_uri()}}
        if check.address:
            document["included"] = [
                *resource_objects(request, FunctionAddressViewSet, [check.address]),
                *resource_objects(request, OrganizationViewSet, [check.organization]),
            ]
        response = Response(document)
        # An answer about routing must not be stale.
        response["Cache-Control"] = "no-cache"
        return response

    def usage_events(self, request, response) -> list[UsageEvent]:
        check = getattr(self, "check", None)
        if check is None:  # OPTIONS, say: no check was made
            return []
        events = [
            UsageEvent(UsageMetric.RECIPIENT_CHECK, f"{check.outcome}:{check.reason or ''}".rstrip(":"))
        ]
        if check.address is not None:
            events.append(UsageEvent(UsageMetric.ADDRESS, str(check.address.pk)))
        return events


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
            "scope. Rows are resources of type statistics; meta.columns names their attributes."
        ),
        parameters=[
            OpenApiParameter(name, str, OpenApiParameter.QUERY, description=text)
            for name, text in STATISTICS_PARAMETERS.items()
        ],
        responses={
            200: document_schema(
                {"type": "array", "items": resource_schema("statistics", {}, [])},
            )
        },
    )
)
class StatisticsView(PlainParametersView):
    """A statistics dataset as JSON:API rows (per-client figures: the analyst scope only)."""

    allowed_parameters = STATISTICS_PARAMETERS

    def get(self, request, dataset: str):
        client = getattr(request, "_auth", None)
        if not isinstance(client, ApiClient) or not client.statistics_access:
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


class SchemaView(SpectacularAPIView):
    """The schema, always in English (field labels would otherwise follow Accept-Language)."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        with translation.override("en"):
            response = super().get(request, *args, **kwargs)
        usage_record([UsageEvent(UsageMetric.REQUEST, "schema")], response=response)
        return response


class DocsView(SpectacularSwaggerSplitView):
    """The interactive docs (Swagger UI from drf-spectacular-sidecar), counted like any request."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        usage_record([UsageEvent(UsageMetric.REQUEST, "docs")], response=response)
        return response
