"""Login protection: what a locked-out administrator is told (django-axes does the counting)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import render


def lockout_response(request, original_response, credentials) -> HttpResponse:
    """The admin's own page, in the user's language, saying how long the lock lasts."""
    context = {
        **admin.site.each_context(request),
        "title": "",
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "admin/addressbook/locked_out.html", context, status=429)
