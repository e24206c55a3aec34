"""The ceilings the API is measured against: one indexed SELECT, through Django and without it.

- The **framework's ceiling** (``ceiling``, served at ``bench/ceiling/<identifier>`` by
  bench.urls in the same gunicorn, settings and middleware as the API): a plain Django view
  that runs ``ADDRESS_SQL`` — the address by ``lower(identifier)``, served by the unique index
  — and answers a JSON body padded to ``?bytes=N`` (the size of the API's answer). What the
  API costs beyond it is DRF, JSON:API rendering, throttling and usage counting.
- The **database's ceiling**: the same ``ADDRESS_SQL`` over psycopg, from the load generator
  (bench.load, mode ``sql``), at the same concurrency: what PostgreSQL alone can do.
"""

from __future__ import annotations

import json

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

ADDRESS_SQL = (
    "SELECT id, identifier, name, description, keywords, status, valid_from, valid_to, "
    "organization_id, created_at, updated_at "
    "FROM addressbook_functionaddress WHERE lower(identifier) = lower(%s)"
)
COLUMNS = (
    "id",
    "identifier",
    "name",
    "description",
    "keywords",
    "status",
    "validFrom",
    "validTo",
    "organization",
    "createdAt",
    "updatedAt",
)
MAX_BYTES = 1_000_000


@require_GET
def ceiling(request: HttpRequest, identifier: str) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(ADDRESS_SQL, [identifier])
        row = cursor.fetchone()
    if row is None:
        return JsonResponse({"errors": [{"status": "404"}]}, status=404)
    record = {
        name: value if isinstance(value, str | list) or value is None else str(value)
        for name, value in zip(COLUMNS, row, strict=True)
    }
    body = json.dumps({"data": record, "meta": {"padding": ""}}, ensure_ascii=False)
    wanted = request.GET.get("bytes", "")
    size = len(body.encode())
    if wanted.isdigit() and size < int(wanted) <= MAX_BYTES:
        body = body.replace('"padding": ""', '"padding": "' + " " * (int(wanted) - size) + '"')
    return HttpResponse(body, content_type="application/json")
