"""Top-level URLs: the admin, language switching and health probes."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from addressbook import health

admin.site.site_header = admin.site.site_title = _("SDK address book")
admin.site.index_title = _("Address book administration")
admin.site.site_url = None  # the admin is the site: no "View site" link

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
