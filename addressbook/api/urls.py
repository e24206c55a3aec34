"""URLs of the lookup API under /api/, without trailing slashes, as in the reference deployment."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from addressbook.api.base import UUID_PATTERN
from addressbook.api.changes import ChangeFeedView
from addressbook.api.directory import (
    CodeSystemViewSet,
    CodeViewSet,
    FunctionAddressViewSet,
    OrganizationViewSet,
)
from addressbook.api.docs import DocsView, SchemaView
from addressbook.api.errors import unknown_path
from addressbook.api.front_door import FrontDoorView
from addressbook.api.recipient_check import RecipientCheckView
from addressbook.api.statistics import StatisticsView

app_name = "addressbook-api"

router = SimpleRouter(trailing_slash=False)
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("addresses", FunctionAddressViewSet, basename="address")
router.register("codesystems", CodeSystemViewSet, basename="codesystem")
router.register("codes", CodeViewSet, basename="code")

UUID = UUID_PATTERN

urlpatterns = [
    # The base URL itself: links to everything below.
    path("", FrontDoorView.as_view(), name="front-door"),
    *router.urls,
    re_path(
        rf"^organizations/(?P<organization_pk>{UUID})/addresses$",
        FunctionAddressViewSet.as_view({"get": "list"}),
        name="organization-addresses",
    ),
    re_path(
        rf"^organizations/(?P<organization_pk>{UUID})/sub-organizations$",
        OrganizationViewSet.as_view({"get": "list"}),
        name="organization-sub-organizations",
    ),
    re_path(
        rf"^codesystems/(?P<codesystem_pk>{UUID})/codes$",
        CodeViewSet.as_view({"get": "list"}),
        name="codesystem-codes",
    ),
    path("changes", ChangeFeedView.as_view(), name="changes"),
    path("recipient-check", RecipientCheckView.as_view(), name="recipient-check"),
    path("statistics/<str:dataset>", StatisticsView.as_view(), name="statistics"),
    path("schema", SchemaView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL: no inline script, so CSP can forbid them.
    path("docs", DocsView.as_view(url_name="addressbook-api:schema"), name="docs"),
    # Last: any other path under /api/ (a malformed id among them) is the JSON:API 404, also
    # under DEBUG, where Django would answer with its HTML page listing every URL pattern.
    re_path(r"^.*$", unknown_path, name="unknown"),
]
