"""The views serving the OpenAPI schema (/api/schema) and its interactive docs (/api/docs).

Apart from ``addressbook.api.schema``: that module is DRF's DEFAULT_SCHEMA_CLASS, which
drf-spectacular's views import while their classes are being defined.
"""

from __future__ import annotations

from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from addressbook.choices import UsageMetric
from addressbook.services.usage import UsageEvent, usage_record


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
