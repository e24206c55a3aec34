"""The OpenAPI schema and the interactive docs."""

from __future__ import annotations

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_schema_describes_every_endpoint(client):
    response = client.get("/api/schema")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/organizations",
        "/api/organizations/{id}",
        "/api/addresses",
        "/api/addresses/{id}",
        "/api/codesystems",
        "/api/codesystems/{id}",
        "/api/codesystems/{codesystem_pk}/codes",
        "/api/codes",
        "/api/changes",
        "/api/recipient-check",
    } <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/addresses"]["get"]["parameters"]}
    assert {
        "filter[participantIdentifier]",
        "filter[codeSystem]",
        "filter[search]",
        "page[after]",
    } <= parameters
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


def test_schema_is_in_english_whatever_the_browser_asks(client):
    response = client.get("/api/schema", headers={"accept-language": "sv"})
    assert "Län" not in response.content.decode()


def test_docs_page_serves_its_assets_itself(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in response.text
    assert "cdn." not in response.text


def test_schema_describes_documents_as_they_are_sent(client):
    schema = yaml.safe_load(client.get("/api/schema").content)
    page = schema["components"]["schemas"]["PaginatedFunctionAddressList"]
    single = schema["paths"]["/api/addresses/{id}"]["get"]["responses"]
    listing = schema["paths"]["/api/addresses"]["get"]

    # a page is a document with data, links and meta, not a bare array
    assert {"data", "links", "meta", "included"} <= set(page["properties"])
    assert page["properties"]["data"]["type"] == "array"
    # plain-JSON clients get the same document as JSON:API clients
    content = single["200"]["content"]
    assert content["application/json"] == content["application/vnd.api+json"]
    # errors and revalidation are described; the unused format parameter is not
    assert {"304", "400", "404", "429"} <= set(single)
    assert "format" not in {p["name"] for p in listing["parameters"]}
