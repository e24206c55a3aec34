"""The production URLs (``config.urls``) and the framework's ceiling, for make bench only."""

from django.urls import path

from bench.ceiling import ceiling
from config.urls import handler404
from config.urls import urlpatterns as production_urlpatterns

urlpatterns = [
    *production_urlpatterns,
    path("bench/ceiling/<path:identifier>", ceiling, name="bench-ceiling"),
]

__all__ = ["handler404", "urlpatterns"]
