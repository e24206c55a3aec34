"""The documents rendered from rows (api/documents.py) are the framework's documents.

Each response is compared with what djangorestframework-jsonapi renders from the serializer
for the same records: every resource type, with and without include and sparse fieldsets,
single records, the change feed's and the recipient check's included records. A difference
in any attribute's format, a relationship, a link or the order of ``included`` fails here.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.response import Response

from addressbook.api import directory
from addressbook.api.renderers import JsonApiRenderer
from addressbook.models import Code, CodeSystem, FunctionAddress, Organization
from tests.factories import (
    CodeFactory,
    CodeSystemFactory,
    FunctionAddressCodeFactory,
    FunctionAddressFactory,
    OrganizationFactory,
    SubOrganizationFactory,
)

pytestmark = pytest.mark.django_db

VIEWSETS = {
    "/api/organizations": (directory.OrganizationViewSet, Organization),
    "/api/addresses": (directory.FunctionAddressViewSet, FunctionAddress),
    "/api/codesystems": (directory.CodeSystemViewSet, CodeSystem),
    "/api/codes": (directory.CodeViewSet, Code),
}


@pytest.fixture
def varied_directory():
    """Records with every kind of value: empty and set, dates, several codes, no parent."""
    region = OrganizationFactory(
        name="Region Skåne", kind="region", county_code="12", alternate_name="Skåne", description="Vård"
    )
    unit = SubOrganizationFactory(parent=region, name="Psykiatri Skåne", municipality_code="1280")
    team = SubOrganizationFactory(
        parent=unit, name="Team Öst", status="inactive", valid_from=datetime.date(2024, 1, 1)
    )
    own_system = CodeSystemFactory(owner=unit, description="Egna koder")
    shared_system = CodeSystemFactory(name="Alfa kodverk")
    top = CodeFactory(code_system=own_system, code="psyk", display_name="Psykiatri")
    child = CodeFactory(code_system=own_system, code="bup", display_name="BUP", parent=top)
    shared = CodeFactory(code_system=shared_system, code="remiss", display_name="Remisser")
    many = FunctionAddressFactory(
        organization=team,
        keywords=["remiss", "akut"],
        description="Läses dagligen",
        valid_to=datetime.date(2031, 12, 31),
    )
    for code in (child, shared, top):
        FunctionAddressCodeFactory(function_address=many, code=code)
    FunctionAddressFactory(organization=region, status="inactive")
    FunctionAddressCodeFactory(function_address=FunctionAddressFactory(organization=unit), code=shared)
    return region


def framework_objects(path: str, query: dict, records) -> dict:
    """``data`` and ``included`` as the serializer and the JSON:API renderer give them."""
    viewset_class, _model = VIEWSETS[path]
    request = Request(RequestFactory().get(path, query))
    viewset = viewset_class(request=request, format_kwarg=None, kwargs={}, action="list")
    serializer = viewset.get_serializer(records, many=True)
    body = JsonApiRenderer().render(
        serializer.data, renderer_context={"view": viewset, "request": request, "response": Response()}
    )
    rendered = json.loads(body)
    return {"data": rendered["data"], "included": rendered.get("included")}


CASES = [
    ("/api/organizations", {}),
    ("/api/organizations", {"include": "parent"}),
    ("/api/organizations", {"fields[organizations]": "name,organizationNumber,parent,addresses"}),
    ("/api/organizations", {"fields[organizations]": "participantIdentifier"}),
    ("/api/addresses", {}),
    ("/api/addresses", {"include": "parent,codes"}),
    (
        "/api/addresses",
        {"include": "codes", "fields[codes]": "code,codeSystem", "fields[addresses]": "name,codes"},
    ),
    ("/api/addresses", {"include": "parent", "fields[organizations]": "name"}),
    # a small page reads its codes in the rows' own statement; filtered through the codes too
    ("/api/addresses", {"page[size]": "5", "include": "codes"}),
    ("/api/addresses", {"page[size]": "5", "filter[code]": "remiss", "include": "codes"}),
    ("/api/codesystems", {"include": "owner"}),
    ("/api/codes", {"include": "code_system,parent"}),
    ("/api/codes", {"include": "codeSystem"}),
]


@pytest.mark.parametrize(("path", "query"), CASES)
def test_a_page_is_the_framework_document(client, varied_directory, path, query):
    response = client.get(path, query)
    assert response.status_code == 200, response.content
    document = response.json()
    _viewset, model = VIEWSETS[path]
    by_id = {str(record.pk): record for record in model.objects.all()}
    records = [by_id[resource["id"]] for resource in document["data"]]
    assert records, "the fixture has records of every type"

    assert {"data": document["data"], "included": document.get("included")} == framework_objects(
        path, query, records
    )


SINGLE_CASES = [
    ("/api/organizations", {}),
    ("/api/addresses", {}),
    ("/api/addresses", {"include": "parent,codes"}),
    ("/api/codes", {"include": "code_system,parent"}),
]


@pytest.mark.parametrize(("path", "query"), SINGLE_CASES)
def test_a_single_record_is_the_framework_document(client, varied_directory, path, query):
    _viewset, model = VIEWSETS[path]
    for record in model.objects.all():  # inactive ones too
        response = client.get(f"{path}/{record.pk}", {**query, "filter[status]": "all"})
        assert response.status_code == 200, response.content
        document = response.json()
        expected = framework_objects(path, query, [record])
        assert document["data"] == expected["data"][0]
        assert document.get("included") == expected["included"]


def test_the_change_feed_includes_records_as_their_endpoints_render_them(client, varied_directory):
    document = client.get("/api/changes", {"include": "resource", "page[size]": "1000"}).json()
    included = {(resource["type"], resource["id"]): resource for resource in document["included"]}
    assert {t for t, _id in included} == {"organizations", "addresses", "codesystems", "codes"}
    for path, (_viewset, model) in VIEWSETS.items():
        records = list(model.objects.order_by("pk"))
        for resource in framework_objects(path, {}, records)["data"]:
            assert included[(resource["type"], resource["id"])] == resource


def test_the_recipient_check_includes_the_address_and_organisation_as_rendered(client, varied_directory):
    address = FunctionAddress.objects.filter(status="active").select_related("organization").first()
    document = client.get(
        "/api/recipient-check",
        {
            "filter[participantIdentifier]": address.organization.participant_identifier,
            "filter[identifier]": address.identifier,
        },
    ).json()
    assert document["included"] == [
        *framework_objects("/api/addresses", {}, [address])["data"],
        *framework_objects("/api/organizations", {}, [address.organization])["data"],
    ]
