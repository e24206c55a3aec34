"""What every lookup API view shares: the mixin, the model-resource viewset, plain endpoints.

``LookupViewMixin`` answers in English unless asked otherwise, sets cache headers and counts
usage; ``DirectoryViewSet`` adds strict parameters, paging, uuid ids and nested collections;
``PlainParametersView`` is for endpoints outside the model resources (the change feed, the
recipient check, statistics).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from drf_spectacular.openapi import AutoSchema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_json_api import views
from rest_framework_json_api.utils import undo_format_field_name

from addressbook.api import documents
from addressbook.api.pagination import DirectoryPagination
from addressbook.api.query import plain_parameters
from addressbook.api.renderers import Document
from addressbook.choices import UsageMetric
from addressbook.models import ApiClient
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

    #: Read by the exception handler (api/errors.py): no request transaction to roll back.
    in_request_transaction = False

    @classmethod
    def as_view(cls, *args, **initkwargs):
        # Lookups only read: usage counts and a token's last use are written outside the
        # request's transaction, and the change feed numbers changes in its own. Without
        # ATOMIC_REQUESTS' BEGIN and COMMIT a lookup costs two round trips less.
        return transaction.non_atomic_requests(super().as_view(*args, **initkwargs))

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
    """What every resource shares: strict parameters, paging, uuid ids, nested collections.

    Records are read as rows and rendered by ``api/documents.py`` from what the serializer
    declares; the serializer itself describes the resource (and the OpenAPI schema).
    """

    pagination_class = DirectoryPagination
    lookup_value_regex = UUID_PATTERN
    http_method_names = ["get", "head", "options"]
    #: sort= and include= values on offer (snake_case); resource types fields[...] may name.
    allowed_sort: tuple[str, ...] = ()
    allowed_include: tuple[str, ...] = ()
    resource_types: tuple[str, ...] = ()
    #: Nested collections: URL kwarg -> (lookup that filters by it, the owner's model, whose
    #: absence is a 404 rather than an empty list).
    nested: dict[str, tuple[str, type]] = {}

    @property
    def ordering_fields(self):
        return self.allowed_sort

    @property
    def writer(self) -> documents.ResourceWriter:
        return documents.writer_for(self.serializer_class.Meta.resource_name)

    def included(self) -> list[str]:
        """include= as field names (snake_case); StrictQueryParameters has checked them."""
        include = self.request.query_params.get("include", "")
        return [undo_format_field_name(item) for item in include.split(",") if item]

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
        if self.resolved_metric is None or not page:
            return []
        if self.action == "retrieve" or any(name in request.query_params for name in self.key_filters):
            return [UsageEvent(self.resolved_metric, str(row["pk"])) for row in page]
        return []

    def paginate_queryset(self, queryset):
        self.page_objects = super().paginate_queryset(queryset)
        return self.page_objects

    def retrieve(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset()).filter(pk=kwargs[self.lookup_field])
        rows = self.page_objects = list(self.writer.rows(queryset)[:1])
        if not rows:
            raise NotFound("No such resource.")
        response = self.document(rows, single=True)
        # Last-Modified lets clients revalidate with If-Modified-Since (answered with 304).
        response["Last-Modified"] = http_date(self.writer.updated_at(rows[0]).timestamp())
        return response

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        # A lookup by key finds one record, whatever the page size.
        few = self.paginator.page_size(request) <= documents.FEW_ROWS or any(
            name in request.query_params for name in self.key_filters
        )
        rows = self.paginate_queryset(self.writer.rows(queryset, few=few))
        # No Last-Modified: a record leaving the page would not make the page newer.
        # ConditionalGetMiddleware's ETag revalidates pages exactly.
        return self.document(rows, single=False)

    def document(self, rows: list[dict], *, single: bool) -> Response:
        """The JSON:API document of ``rows``: one resource if ``single``, else a page."""
        fieldsets = documents.sparse_fieldsets(self.request.query_params)
        primary = self.writer.render(
            rows, request=self.request, wanted=fieldsets.get(self.writer.resource_type)
        )
        document: dict = {}
        if not single:
            document["links"] = self.paginator.links()
        document["data"] = primary.objects[0] if single else primary.objects
        includes = self.included()
        if includes:
            document["included"] = documents.included_objects(
                self.request, primary, self.writer, includes, fieldsets
            )
        if not single:
            document["meta"] = self.paginator.meta()
        return Response(Document(document))


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
        return plain_parameters(request, self.allowed_parameters)
