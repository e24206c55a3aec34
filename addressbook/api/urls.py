"""URLs of the lookup API under /api/, without trailing slashes, as in the reference deployment."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from addressbook.api import views

app_name = "addressbook-api"

router = SimpleRouter(trailing_slash=False)
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("addresses", views.FunctionAddressViewSet, basename="address")
router.register("codesystems", views.CodeSystemViewSet, basename="codesystem")
router.register("codes", views.CodeViewSet, basename="code")

UUID = views.UUID_PATTERN

urlpatterns = [
    *router.urls,
    re_path(
        rf"^organizations/(?P<organization_pk>{UUID})/addresses$",
        views.FunctionAddressViewSet.as_view({"get": "list"}),
        name="organization-addresses",
    ),
    re_path(
        rf"^organizations/(?P<organization_pk>{UUID})/sub-organizations$",
        views.OrganizationViewSet.as_view({"get": "list"}),
        name="organization-sub-organizations",
    ),
    re_path(
        rf"^codesystems/(?P<codesystem_pk>{UUID})/codes$",
        views.CodeViewSet.as_view({"get": "list"}),
        name="codesystem-codes",
    ),
    path("changes", views.ChangeFeedView.as_view(), name="changes"),
    path("recipient-check", views.RecipientCheckView.as_view(), name="recipient-check"),
    path("statistics/<str:dataset>", views.StatisticsView.as_view(), name="statistics"),
    path("schema", views.SchemaView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL: no inline script, so CSP can forbid them.
    path("docs", views.DocsView.as_view(url_name="addressbook-api:schema"), name="docs"),
]
