"""The recipient check (/api/recipient-check): may a message for this participant go to this address?

The answer comes from ``addressbook.selectors.recipient_check``; this module renders it. By
hand: djangorestframework-jsonapi renders the same document from a serializer only with
workarounds (its relationship links read ``pk`` from the answer, top-level links need the
pagination wrapper, and an answer without an address would get an empty ``included``).
"""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.response import Response

from addressbook.api import documents
from addressbook.api.base import PlainParametersView
from addressbook.api.errors import parameter_error
from addressbook.api.renderers import Document
from addressbook.api.schema import document_schema, query_parameters, resource_schema, to_one
from addressbook.choices import UsageMetric
from addressbook.selectors.recipient_check import recipient_check
from addressbook.services.usage import UsageEvent

RECIPIENT_CHECK_PARAMETERS = {
    "filter[participantIdentifier]": "The participant the message is addressed to, e.g. 0203:malmo.se.",
    "filter[identifier]": "The function address the message is addressed to.",
}


@extend_schema_view(
    get=extend_schema(
        operation_id="recipient_check",
        tags=["recipient-check"],
        parameters=query_parameters(RECIPIENT_CHECK_PARAMETERS, required=True),
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
                    {
                        "address": to_one("addresses", nullable=True),
                        "organization": to_one("organizations", nullable=True),
                    },
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
            document["included"] = documents.objects_of(request, [check.address, check.organization])
        response = Response(Document(document))
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
