"""Security headers on every page: CSP, HSTS (in production), nosniff, referrer policy."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/admin/login/", "/api/organizations", "/api/docs"])
def test_pages_forbid_inline_and_foreign_scripts(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "url",
    ["/admin/", "/admin/addressbook/functionaddress/add/", "/admin/addressbook/organization/", "/api/docs"],
)
def test_pages_have_no_inline_script_that_the_policy_would_block(admin_client, url):
    page = admin_client.get(url).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, flags=re.S)
    # Scripts with src come from our origin; JSON data blocks are not executed.
    inline = [
        body
        for attributes, body in scripts
        if "src=" not in attributes and "application/json" not in attributes and body.strip()
    ]
    assert scripts
    assert inline == []


def test_the_docs_start_up_script_is_served_from_our_origin(client):
    page = client.get("/api/docs").content.decode()
    script_url = re.search(r'<script src="([^"]*script[^"]*)"', page).group(1).replace("&amp;", "&")
    script = client.get(script_url)
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_production_sends_a_year_of_hsts(client, settings):
    # The tests run with production settings (DEBUG off), behind HTTPS here.
    assert not settings.DEBUG
    response = client.get("/admin/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
