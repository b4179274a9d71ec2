"""The OpenAPI document: valid OpenAPI 3.1, generated from the same registry as the routes (so
every route is in it with its scopes), and true — schemathesis sends generated requests to
every operation of the test app and checks each answer against the document: no 5xx, only
documented statuses, bodies that match their schemas.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import positive_data_acceptance

from lms.api.blueprint import api
from lms.api.webhooks import targets
from tests.api_helpers import (
    at,
    bearer,
    make_certificate,
    make_class,
    make_completion,
    make_official,
    make_token,
    units,
)

DOCUMENT = "/api/v1/openapi.json"


def test_the_document_is_valid_openapi_3_1(client):
    """openapi-spec-validator accepts it; no token is needed to read it."""
    response = client.get(DOCUMENT)
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_api_route_is_in_the_document_with_its_scopes(app, client):
    """The routes and the document come from one registry: nothing is missing or extra."""
    document = client.get(DOCUMENT).get_json()
    documented = {
        (path, method.upper()) for path, item in document["paths"].items() for method in item
    }
    declared = {(operation.path, operation.method) for operation in api.operations}
    routes = {
        (rule.rule.removeprefix("/api/v1"), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("lms.api.")
        and rule.endpoint not in {"lms.api.openapi_document", "lms.api.unknown"}
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == declared
    assert len(routes) == len(declared)
    for operation in api.operations:
        entry = document["paths"][operation.path][operation.method.lower()]
        assert entry["security"] == [{"bearerToken": list(operation.scopes)}]
        assert {"401", "429"} <= set(entry["responses"])


@pytest.fixture
def fuzzed_app(app, make_unit, monkeypatch):
    """Certificates, completions and officials to list; a token of every scope; no rate limit
    in the way; host names that resolve to a public address without asking a DNS server."""
    app.config["LMS_API_LIMIT"] = "1000000 per minute"
    app.config["LMS_API_BAD_TOKEN_LIMIT"] = "1000000 per minute"
    app.config["LMS_API_SETTLE_SECONDS"] = 0
    monkeypatch.setattr(targets, "_resolve", lambda host, port: ["8.8.8.8"])
    tree = units(make_unit)
    training_class = make_class(tree["unit_a"], "LOP-A")
    for n, unit in enumerate((tree["unit_a"], tree["division_a"], tree["unit_b"])):
        user_id = make_official(f"CC-{n}", unit)
        make_certificate(user_id, training_class, at(f"2026-0{n + 1}-15"))
        make_completion(user_id, training_class, at(f"2026-0{n + 1}-14"))
    app.config["FUZZ_TOKEN"] = make_token(
        scopes=("certificates:read", "records:read", "webhooks:manage")
    )
    return app


FUZZ_SETTINGS = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def test_the_api_keeps_to_its_document(fuzzed_app):
    """Generated requests (valid and invalid) with a valid token, for every operation: every
    answer is documented and matches its schema, and none is a 5xx.

    Driven operation by operation with hypothesis (`as_strategy`), as schemathesis's pytest
    plugin (`from_fixture`) does not run under this pytest version. One check is left out:
    "schema-valid data is accepted" — a well-formed unit code may name no unit, and two
    well-formed dates may make a reversed period, which the API refuses with 400 on purpose.
    """
    document = schemathesis.openapi.from_wsgi(DOCUMENT, fuzzed_app)
    headers = bearer(fuzzed_app.config["FUZZ_TOKEN"])
    operations = [result.ok() for result in document.get_all_operations()]
    assert len(operations) == len(api.operations)
    for operation in operations:

        @given(case=operation.as_strategy())
        @FUZZ_SETTINGS
        def keeps_to_the_document(case):
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        keeps_to_the_document()
