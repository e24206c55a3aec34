"""The change feed (/api/changes): every create, update, deactivation and deletion, in order.

The document is built by hand rather than by a JSON:API serializer: its ``included`` holds
records of four types, rendered by their own viewsets, and only those that still exist,
while every change (a deletion too) names its record in ``relationships.resource``.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from addressbook.api import documents
from addressbook.api.base import PlainParametersView
from addressbook.api.errors import is_whole_number, parameter_error
from addressbook.api.query import MAX_SEQUENCE
from addressbook.api.renderers import Document
from addressbook.api.schema import document_schema, query_parameters, resource_schema, to_one
from addressbook.choices import ChangeAction, ResourceType
from addressbook.selectors.changes import changes_after, latest_change_sequence
from addressbook.services.changes import changes_sequence

CHANGE_FEED_PARAMETERS = {
    "filter[after]": "Changes numbered after this sequence number (default 0: from the start).",
    "page[size]": f"Changes per page, 1–{settings.API_MAX_CHANGES_PAGE_SIZE}.",
    "include": "resource: add the current state of each changed record.",
}


@extend_schema_view(
    get=extend_schema(
        operation_id="changes_list",
        tags=["changes"],
        parameters=query_parameters(
            CHANGE_FEED_PARAMETERS,
            schemas={
                "filter[after]": {"type": "integer", "minimum": 0, "maximum": MAX_SEQUENCE},
                "page[size]": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": settings.API_MAX_CHANGES_PAGE_SIZE,
                },
                "include": {"type": "string", "enum": ["resource"]},
            },
        ),
        responses={
            200: document_schema(
                {
                    "type": "array",
                    "items": resource_schema(
                        "changes",
                        {
                            "sequence": {"type": "integer", "minimum": 1},
                            "action": {"type": "string", "enum": [a.value for a in ChangeAction]},
                            "changedAt": {"type": "string", "format": "date-time"},
                        },
                        {"resource": to_one(*ResourceType.values)},
                    ),
                },
                included=True,
                meta={
                    "type": "object",
                    "required": ["latestSequence"],
                    "properties": {"latestSequence": {"type": "integer", "minimum": 0}},
                },
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
        if not is_whole_number(after) or int(after) > MAX_SEQUENCE:
            raise parameter_error(
                "filter[after]", f"filter[after] is a sequence number, 0 to {MAX_SEQUENCE}."
            )
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
        response = Response(Document(document))
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
            included += documents.objects_by_id(request, resource_type, ids)
        return included
