"""Top-level URLs: the admin, language switching and health probes."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from addressbook import health

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/", include("addressbook.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

# Under /api/ every error is a JSON:API error document; elsewhere Django's own pages.
handler404 = "addressbook.api.errors.not_found"
handler500 = "addressbook.api.errors.server_error"
