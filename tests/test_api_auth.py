"""Who may call the API: a bearer token, never the session cookie; 401 for a missing, wrong or
revoked token, 403 for a scope or unit the token lacks, 429 past the token's rate limit, each as
JSON in the caller's language; and the rate limit on guessing tokens.
"""

import pytest

from lms import db
from lms.api import tokens
from lms.api.models import ApiToken
from tests.api_helpers import bearer, make_token, units
from tests.conftest import csrf_token, login

CERTIFICATES = "/api/v1/certificates"


@pytest.fixture
def world(app, make_unit):
    return units(make_unit)


def error_of(response) -> dict:
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    return body["error"]


def test_no_token_is_401_json(client, world):
    """Without a token: 401, a JSON error and the Bearer challenge."""
    response = client.get(CERTIFICATES)
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="lms"'


@pytest.mark.parametrize(
    "header",
    [
        "Bearer lms_wrongwrongwrongwrongwrongwrongwrongwrongwro",
        "Bearer not-even-ours",
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "lms_abc",
    ],
)
def test_a_wrong_token_is_401(client, world, header):
    """A token that is not ours, or not sent as Bearer, is refused with 401."""
    make_token()
    response = client.get(CERTIFICATES, headers={"Authorization": header})
    assert response.status_code == 401
    assert error_of(response)["code"] in {"invalid_token", "unauthorized"}


def test_a_revoked_token_is_401_at_once(client, world):
    """Revoking a token shuts it out on the next request."""
    secret = make_token()
    assert client.get(CERTIFICATES, headers=bearer(secret)).status_code == 200
    tokens.revoke(tokens.find_active(secret))
    db.session.commit()
    response = client.get(CERTIFICATES, headers=bearer(secret))
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_token"
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_token_lacking_the_scope_is_403(client, world):
    """A records-only token may not read certificates, nor a certificates-only one records."""
    records_only = make_token(scopes=("records:read",))
    response = client.get(CERTIFICATES, headers=bearer(records_only))
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "insufficient_scope"
    assert "certificates:read" in error["message"]
    assert 'scope="certificates:read"' in response.headers["WWW-Authenticate"]
    certificates_only = make_token(scopes=("certificates:read",))
    assert client.get("/api/v1/hours", headers=bearer(certificates_only)).status_code == 403
    assert client.get("/api/v1/webhooks", headers=bearer(certificates_only)).status_code == 403


def test_a_unit_outside_the_token_is_403(client, world):
    """A department's token asking about another department gets 403 naming the parameter."""
    secret = make_token(unit=world["unit_a"])
    response = client.get(CERTIFICATES, query_string={"unit": "SO-B"}, headers=bearer(secret))
    assert response.status_code == 403
    error = error_of(response)
    assert (error["code"], error["parameter"]) == ("unit_out_of_scope", "unit")
    inside = client.get(CERTIFICATES, query_string={"unit": "PHONG-A1"}, headers=bearer(secret))
    assert inside.status_code == 200


def test_a_session_cookie_opens_nothing(app, client, world, make_person):
    """An admin signed in through the browser is still 401 on the API: cookies never count."""
    admin = make_person("quantri", role="admin", unit=world["province"])
    login(client, admin)
    assert client.get(CERTIFICATES).status_code == 401
    token = csrf_token(client, "/profile")
    response = client.post(
        "/api/v1/webhooks", json={"url": "https://8.8.8.8/"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 401


def test_token_requests_need_no_csrf_token(client, world):
    """A POST with a bearer token and no CSRF token reaches the API (it is CSRF-exempt)."""
    secret = make_token(scopes=("webhooks:manage", "certificates:read"))
    response = client.post("/api/v1/webhooks", json={"url": "ftp://x"}, headers=bearer(secret))
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_url"


def test_the_rate_limit_answers_429_with_retry_after(app, client, world):
    """Past LMS_API_LIMIT calls a token gets 429 JSON with Retry-After; another token does not."""
    app.config["LMS_API_LIMIT"] = "3 per minute"
    secret, other = make_token(), make_token()
    statuses = [client.get(CERTIFICATES, headers=bearer(secret)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get(CERTIFICATES, headers=bearer(secret))
    assert error_of(response)["code"] == "rate_limited"
    assert response.headers["Retry-After"] == "60"
    assert client.get(CERTIFICATES, headers=bearer(other)).status_code == 200


def test_guessing_tokens_is_rate_limited_per_address(app, client, world):
    """Wrong tokens from one address are counted: past the limit, 429 even before checking."""
    app.config["LMS_API_BAD_TOKEN_LIMIT"] = "2 per minute"
    wrong = bearer("lms_" + "x" * 43)
    statuses = [client.get(CERTIFICATES, headers=wrong).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


def test_errors_speak_the_callers_language(client, world):
    """Vietnamese by default; English when Accept-Language asks for it."""
    vietnamese = error_of(client.get(CERTIFICATES))["message"]
    english = error_of(client.get(CERTIFICATES, headers={"Accept-Language": "en"}))["message"]
    assert english.startswith("Send an API token")
    assert vietnamese != english


def test_unknown_and_repeated_parameters_are_400(client, world):
    """A misspelt filter is not silently ignored, nor a filter given twice."""
    secret = make_token()
    response = client.get(CERTIFICATES + "?form=2026-01-01", headers=bearer(secret))
    assert response.status_code == 400
    assert error_of(response)["parameter"] == "form"
    response = client.get(CERTIFICATES + "?unit=SO-A&unit=SO-B", headers=bearer(secret))
    assert (response.status_code, error_of(response)["parameter"]) == (400, "unit")


def test_use_is_noted_at_most_once_a_minute(client, world):
    """last_used_at is set on use and not rewritten by the next call a moment later."""
    secret = make_token()
    token = tokens.find_active(secret)
    assert token.last_used_at is None
    client.get(CERTIFICATES, headers=bearer(secret))
    first = db.session.get(ApiToken, token.id).last_used_at
    assert first is not None
    client.get(CERTIFICATES, headers=bearer(secret))
    assert db.session.get(ApiToken, token.id).last_used_at == first


def test_only_a_hash_of_the_token_is_stored(world):
    """The secret appears nowhere in the token's row; its SHA-256 and first characters do."""
    secret = make_token()
    token = tokens.find_active(secret)
    row = [str(getattr(token, column.key)) for column in ApiToken.__table__.columns]
    assert not any(secret in value for value in row)
    assert token.secret_hash == tokens.digest(secret)
    assert secret.startswith(token.prefix) and len(token.prefix) == 12


def test_an_unknown_path_under_the_api_is_json(client, world):
    """Even outside the declared operations the API answers JSON, not an HTML page."""
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    response = client.put(CERTIFICATES, headers=bearer(make_token()))
    assert (response.status_code, error_of(response)["code"]) == (405, "method_not_allowed")
    assert response.headers["Allow"] == "GET"
    manager = bearer(make_token(scopes=("webhooks:manage",)))
    for endpoint_id in ("abc", "0", "3000000000", "9" * 30):
        response = client.delete(f"/api/v1/webhooks/{endpoint_id}", headers=manager)
        assert (response.status_code, error_of(response)["code"]) == (404, "not_found")
        response = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", headers=manager)
        assert (response.status_code, error_of(response)["code"]) == (404, "not_found")
