"""The published OpenAPI schema is the real contract: schemathesis against a live server.

pytest-django's live server answers from the test database (real PostgreSQL) with a small
directory in it. Schemathesis, in a process of its own, reads /api/schema and sends what it
generates from it, valid requests and invalid ones, to every operation, with every check:
no 5xx; every status, content type, header and body as documented; valid requests answered,
invalid ones refused; a token required where the schema says so. A fixed seed and a bounded
number of examples keep the run repeatable and within a few minutes.

``schemathesis_hooks.py`` teaches the generator the rules between parameters that OpenAPI
cannot state (``page[after]`` with ``page[number]``, a statistics period's length).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from addressbook.api.access import AnonymousRateThrottle
from addressbook.services.api_clients import api_client_create

REPOSITORY = Path(__file__).resolve().parents[2]
SEED = 20261130
#: Test cases per operation in the fuzzing and stateful phases. With the coverage phase's
#: own (each parameter's edges and types, about 2,000) some 2,300 requests: about a minute of
#: CPU for the server and schemathesis together.
MAX_EXAMPLES = 10
#: A guard against a hung run, not the budget: on a machine shared with other work the run
#: takes several times its CPU time.
TIME_LIMIT_SECONDS = 600


@pytest.fixture
def schema(client, db) -> dict:
    response = client.get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_relationships_are_described_as_the_server_renders_them(schema):
    schemas = schema["components"]["schemas"]
    organization = schemas["Organization"]["properties"]["relationships"]["properties"]
    address = schemas["FunctionAddress"]["properties"]["relationships"]["properties"]

    # resource types as published, not the models' names; a top-level organisation's parent is null
    assert organization["parent"]["properties"]["data"]["properties"]["type"]["enum"] == ["organizations"]
    assert organization["parent"]["properties"]["data"]["nullable"] is True
    assert "nullable" not in address["parent"]["properties"]["data"]  # every address has one
    # an organisation's addresses are a link to their collection, without data
    assert set(organization["addresses"]["properties"]) == {"links"}
    # an address's codes come with their identifiers and how many there are
    assert address["codes"]["properties"]["data"]["items"]["properties"]["type"]["enum"] == ["codes"]
    assert address["codes"]["required"] == ["data", "meta"]


def test_sparse_fieldsets_may_leave_out_any_attribute(schema):
    for name in ("Organization", "FunctionAddress", "CodeSystem", "Code"):
        assert "required" not in schema["components"]["schemas"][name]["properties"]["attributes"], name


def test_every_operation_documents_its_errors_and_its_token(schema):
    for path, item in schema["paths"].items():
        operation = item["get"]
        responses = operation["responses"]
        for status in ("400", "401", "404", "406", "429", "500", "503"):
            content = responses[status]["content"]
            assert content["application/vnd.api+json"]["schema"] == {"$ref": "#/components/schemas/Errors"}
        assert "Retry-After" in responses["429"]["headers"]
        assert "Retry-After" in responses["503"]["headers"]
        if path == "/api/statistics/{dataset}":
            assert "403" in responses
            assert operation["security"] == [{"apiToken": []}]
        else:
            assert operation["security"] == [{"apiToken": []}, {}], path  # anonymous reads allowed


@pytest.fixture
def analyst_token(db) -> str:
    """A token with the analyst scope (statistics) and a rate limit the run cannot reach."""
    client, token = api_client_create(name="Schemathesis", throttle_rate="100000/minute")
    client.statistics_access = True
    client.save()
    return token


@pytest.mark.slow
def test_every_answer_conforms_to_the_published_schema(
    live_server, directory, second_code_system, analyst_token, monkeypatch, tmp_path
):
    # Requests the run sends without the token (to check that statistics want one) count
    # against the anonymous rate: 429s would hide what is behind them.
    monkeypatch.setattr(AnonymousRateThrottle, "THROTTLE_RATES", {"anonymous": "100000/minute"})
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{live_server.url}/api/schema",
        "--checks=all",
        f"--seed={SEED}",
        f"--max-examples={MAX_EXAMPLES}",
        "--workers=2",
        "--no-color",
        "--generation-database=none",
        "--request-timeout=30",
        f"--header=Authorization: Bearer {analyst_token}",
    ]
    environment = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.api.schemathesis_hooks",
        "PYTHONPATH": str(REPOSITORY),
    }

    run = subprocess.run(
        command,
        cwd=tmp_path,  # its reports and caches stay out of the working tree
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT_SECONDS,
        check=False,
    )

    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-20_000:]
    assert "No issues found" in output or " passed" in output, output[-5_000:]
