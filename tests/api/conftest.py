"""Fixtures for the lookup API's tests: a client that checks every answer is valid JSON:API.

Paths are written out (``/api/organizations``), not reversed: they are the public contract
that message services' clients are built against.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from jsonschema import Draft7Validator
from rest_framework.test import APIClient

from addressbook.choices import OrganizationKind, Status
from tests.factories import (
    CodeFactory,
    CodeSystemFactory,
    FunctionAddressCodeFactory,
    FunctionAddressFactory,
    OrganizationFactory,
    SubOrganizationFactory,
    with_luhn_digit,
)

SCHEMA_PATH = Path(__file__).with_name("jsonapi-1.0-schema.json")


def _any_name_pattern(schema):
    """The schema with ``patternProperties: {"": …}`` written as ``{"^": …}``, which means the same.

    jsonschema (4.26) takes the empty pattern, which matches every name, for no pattern at
    all, and then reports every attribute and meta member as not allowed
    (python-jsonschema/jsonschema#1522). The file stays the official one; only its reading
    works around the bug.
    """
    if isinstance(schema, dict):
        return {
            key: (
                {
                    ("^" if pattern == "" else pattern): _any_name_pattern(sub)
                    for pattern, sub in value.items()
                }
                if key == "patternProperties"
                else _any_name_pattern(value)
            )
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_any_name_pattern(item) for item in schema]
    return schema


# The file names draft 2020-12 in "$schema" but is written in draft 7 (definitions,
# dependencies); a 2020-12 validator silently skips "dependencies" ("included" needs "data",
# "data" excludes "errors"), so it is checked as draft 7.
JSONAPI_SCHEMA = Draft7Validator(_any_name_pattern(json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))))
JSONAPI_MEDIA_TYPE = "application/vnd.api+json"
BASE_URL = "http://testserver"


def assert_valid_jsonapi(response) -> dict:
    """The response's body, after checking it is a JSON:API 1.0 document sent as one."""
    assert response["Content-Type"].split(";")[0].strip() == JSONAPI_MEDIA_TYPE, response["Content-Type"]
    document = json.loads(response.content)
    problems = sorted(JSONAPI_SCHEMA.iter_errors(document), key=lambda error: list(error.absolute_path))
    assert not problems, "Not a valid JSON:API document:\n" + "\n".join(
        f"  at /{'/'.join(map(str, problem.absolute_path))}: {problem.message[:300]}" for problem in problems
    )
    return document


class JsonApiClient(APIClient):
    """An APIClient whose every GET answer is validated against the JSON:API 1.0 schema."""

    def get(self, path, data=None, follow=False, **extra):
        if path.startswith(BASE_URL):
            # links.next and friends are absolute; the test client wants the path and query.
            parts = urlsplit(path)
            path = f"{parts.path}?{parts.query}" if parts.query else parts.path
        response = super().get(path, data=data, follow=follow, **extra)
        response.document = assert_valid_jsonapi(response)
        return response


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    # Throttle counters live in the cache; a test must not pay for the requests of earlier ones.
    cache.clear()


@pytest.fixture
def api() -> JsonApiClient:
    """An anonymous caller (anonymous reads are the default, as in the reference)."""
    return JsonApiClient()


def walk(api: JsonApiClient, url: str, params: dict | None = None) -> Iterator[dict]:
    """Every page of a collection, following links.next as a client would."""
    response = api.get(url, params)
    assert response.status_code == 200, response.document
    seen_pages = 0
    while True:
        yield response.document
        seen_pages += 1
        assert seen_pages < 500, "links.next never ends"
        next_url = response.document["links"].get("next")
        if not next_url:
            return
        response = api.get(next_url)
        assert response.status_code == 200, response.document


@pytest.fixture
def fetch_all(api) -> Callable[..., list[dict]]:
    """All resource objects of a collection, page by page through links.next."""

    def fetch(url: str, params: dict | None = None) -> list[dict]:
        return [resource for page in walk(api, url, params) for resource in page["data"]]

    return fetch


def ids(document_or_resources) -> list[str]:
    data = document_or_resources["data"] if isinstance(document_or_resources, dict) else document_or_resources
    return [resource["id"] for resource in data]


def names(document: dict) -> list[str]:
    return [resource["attributes"]["name"] for resource in document["data"]]


@pytest.fixture
def directory(malmo, psychiatry_codes):
    """A small directory in Skåne, with Malmö's social services and a health centre.

    Malmö stad (municipality 1280) ─ Socialförvaltningen ─ Barn och familj
    Region Skåne (region 12)        ─ Vårdcentralen Malmö
    Lunds kommun (municipality 1281)
    Skatteverket (agency, no county)
    Gamla nämnden (an inactive participant)
    """
    psychiatry, bup = psychiatry_codes
    malmo.kind = OrganizationKind.MUNICIPALITY
    malmo.alternate_name = "Malmö kommun"
    malmo.save()
    social = SubOrganizationFactory(
        parent=malmo, name="Socialförvaltningen", county_code="12", municipality_code="1280"
    )
    family = SubOrganizationFactory(
        parent=social, name="Barn och familj", county_code="12", municipality_code="1280"
    )
    region = OrganizationFactory(
        participant_identifier="0203:skane.se",
        organization_number="2321000255",
        name="Region Skåne",
        kind=OrganizationKind.REGION,
        county_code="12",
    )
    health_centre = SubOrganizationFactory(
        parent=region, name="Vårdcentralen Malmö", county_code="12", municipality_code="1280"
    )
    lund = OrganizationFactory(
        participant_identifier="0203:lund.se",
        organization_number=with_luhn_digit("212000117"),
        name="Lunds kommun",
        municipality_code="1281",
        county_code="12",
    )
    tax_agency = OrganizationFactory(
        participant_identifier="0203:skatteverket.se",
        organization_number="2021005059",
        name="Skatteverket",
        kind=OrganizationKind.GOVERNMENT_AGENCY,
        county_code="",
    )
    retired = OrganizationFactory(
        participant_identifier="0203:gamla-namnden.se", name="Gamla nämnden", status=Status.INACTIVE
    )
    children = FunctionAddressFactory(
        organization=family,
        identifier="sdk:barn:0203:malmo.se",
        name="Barn och unga",
        keywords=["orosanmälan"],
    )
    FunctionAddressCodeFactory(function_address=children, code=bup)
    social_inbox = FunctionAddressFactory(
        organization=social, identifier="sdk:inkorg:0203:malmo.se", name="Socialtjänstens inkorg"
    )
    psychiatry_clinic = FunctionAddressFactory(
        organization=health_centre,
        identifier="sdk:psykiatri:0203:skane.se",
        name="Psykiatrimottagningen",
        description="Tar emot remisser",
    )
    FunctionAddressCodeFactory(function_address=psychiatry_clinic, code=psychiatry)
    lund_inbox = FunctionAddressFactory(
        organization=lund, identifier="sdk:inkorg:0203:lund.se", name="Lunds inkorg"
    )
    tax_inbox = FunctionAddressFactory(
        organization=tax_agency, identifier="sdk:inkorg:0203:skatteverket.se", name="Skatteverkets inkorg"
    )
    closed_inbox = FunctionAddressFactory(
        organization=malmo,
        identifier="sdk:stangd:0203:malmo.se",
        name="Stängd inkorg",
        status=Status.INACTIVE,
    )
    return SimpleNamespace(
        malmo=malmo,
        social=social,
        family=family,
        region=region,
        health_centre=health_centre,
        lund=lund,
        tax_agency=tax_agency,
        retired=retired,
        children=children,
        social_inbox=social_inbox,
        psychiatry_clinic=psychiatry_clinic,
        lund_inbox=lund_inbox,
        tax_inbox=tax_inbox,
        closed_inbox=closed_inbox,
        code_system=psychiatry.code_system,
        psychiatry=psychiatry,
        bup=bup,
    )


@pytest.fixture
def second_code_system():
    """Another code system (Malmö's own), with an inactive code."""
    system = CodeSystemFactory(identifier="1.2.752.99.malmo", name="Malmös ärendetyper", version="2")
    CodeFactory(code_system=system, code="ansokan", display_name="Ansökan")
    CodeFactory(code_system=system, code="gammal", display_name="Gammal ärendetyp", active=False)
    return system
