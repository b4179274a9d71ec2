"""API tokens as people make them: `lms api-token create|list|revoke` exactly as the issue names
them (the token printed once, alone on the last line), and the admin's pages — a token shown
once, revoking, and each admin seeing only the tokens and webhooks of their own units.
"""

import re

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import Role
from lms.api import tokens
from lms.api.models import ApiToken, WebhookEndpoint
from lms.audit.models import AuditEvent
from tests.api_helpers import bearer, units
from tests.conftest import csrf_token, login


def run(app, *args):
    return app.test_cli_runner().invoke(args=["lms", *args])


@pytest.fixture
def tree(app, make_unit):
    return units(make_unit)


# --- the command line -----------------------------------------------------------------------------


def test_create_prints_the_token_once_on_its_last_line(app, client, tree):
    """The last line is the token; it works, and only its hash is in the database."""
    result = run(
        app,
        "api-token",
        "create",
        "--name",
        "Hệ thống hồ sơ CBCCVC",
        "--scope",
        "certificates:read",
        "--scope",
        "records:read",
        "--unit",
        "SO-A",
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    secret = lines[-1]
    assert re.fullmatch(r"lms_[A-Za-z0-9_-]{43}", secret)
    assert secret not in "\n".join(lines[:-1])
    token = db.session.scalar(select(ApiToken))
    assert (token.name, token.scope_list, token.unit.code) == (
        "Hệ thống hồ sơ CBCCVC",
        ["certificates:read", "records:read"],
        "SO-A",
    )
    assert token.secret_hash == tokens.digest(secret)
    assert client.get("/api/v1/certificates", headers=bearer(secret)).status_code == 200


def test_create_without_a_unit_reads_the_whole_tree(app, tree):
    result = run(app, "api-token", "create", "--name", "Toàn tỉnh", "--scope", "records:read")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(ApiToken)).unit is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "X", "--scope", "records:write"], "records:write"),
        (["--name", "X"], "--scope"),
        (["--name", "X", "--scope", "records:read", "--unit", "KHONG-CO"], "KHONG-CO"),
        (["--name", "   ", "--scope", "records:read"], ""),
    ],
)
def test_create_refuses_bad_options(app, tree, args, message):
    """Unknown scope, no scope, unknown unit, an empty name: exit 1 (or 2), nothing made."""
    result = run(app, "api-token", "create", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(ApiToken)) is None


def test_names_are_unique_among_active_tokens(app, tree):
    assert run(app, "api-token", "create", "--name", "A", "--scope", "records:read").exit_code == 0
    again = run(app, "api-token", "create", "--name", "A", "--scope", "records:read")
    assert again.exit_code == 1
    assert run(app, "api-token", "revoke", "A").exit_code == 0
    assert run(app, "api-token", "create", "--name", "A", "--scope", "records:read").exit_code == 0


def test_list_shows_tokens_but_never_their_secrets(app, tree):
    secret = tokens.create("Hồ sơ", ["records:read"], tree["unit_b"]).secret
    db.session.commit()
    result = run(app, "api-token", "list", "--format", "csv")
    assert result.exit_code == 0
    assert secret not in result.output
    assert "Hồ sơ" in result.output and "SO-B" in result.output and secret[:12] in result.output
    assert "active" in run(app, "api-token", "list").output


def test_revoke_by_id_shuts_the_token_out(app, client, tree):
    created = tokens.create("Hồ sơ", ["records:read"], None)
    db.session.commit()
    result = run(app, "api-token", "revoke", str(created.token.id))
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/hours", headers=bearer(created.secret)).status_code == 401
    assert run(app, "api-token", "revoke", str(created.token.id)).exit_code == 1
    assert run(app, "api-token", "revoke", "khong-co").exit_code == 1
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"api_token.create", "api_token.revoke"} <= actions


# --- the admin's pages ----------------------------------------------------------------------------


@pytest.fixture
def admins(tree, make_person):
    return {
        "province": make_person("quantri", role=Role.ADMIN, unit=tree["province"]),
        "unit_b": make_person("quantrib", role=Role.ADMIN, unit=tree["unit_b"]),
    }


def post(client, url: str, data: dict):
    return client.post(url, data={"csrf_token": csrf_token(client, "/profile"), **data})


def test_an_admin_creates_a_token_and_sees_it_once(client, tree, admins):
    """The answer shows the token (which then works); the list afterwards only its start."""
    login(client, admins["province"])
    response = post(
        client,
        "/admin/api/tokens/new",
        {"name": "Hồ sơ tỉnh", "scopes": ["certificates:read"], "unit_id": "*"},
    )
    assert response.status_code == 200
    secret = re.search(r"lms_[A-Za-z0-9_-]{43}", response.get_data(as_text=True)).group(0)
    assert response.headers["Cache-Control"] == "no-store"
    listing = client.get("/admin/api/tokens").get_data(as_text=True)
    assert "Hồ sơ tỉnh" in listing and secret[:12] in listing and secret not in listing
    assert client.get("/api/v1/certificates", headers=bearer(secret)).status_code == 200


def test_a_department_admin_works_within_the_department(client, tree, admins):
    """B's admin cannot make a whole-tree token nor one of A, and does not see A's tokens."""
    a_token = tokens.create("Của A", ["records:read"], tree["unit_a"]).token
    tokens.create("Của B", ["records:read"], tree["unit_b"])
    db.session.commit()
    login(client, admins["unit_b"])
    page = client.get("/admin/api/tokens/new").get_data(as_text=True)
    assert 'value="*"' not in page
    for unit_id in ("*", str(tree["unit_a"].id)):
        refused = post(
            client,
            "/admin/api/tokens/new",
            {"name": "Lấn quyền", "scopes": ["records:read"], "unit_id": unit_id},
        )
        assert refused.status_code in {403, 422}
    listing = client.get("/admin/api/tokens").get_data(as_text=True)
    assert "Của B" in listing and "Của A" not in listing
    assert post(client, f"/admin/api/tokens/{a_token.id}/revoke", {}).status_code == 403
    assert db.session.get(ApiToken, a_token.id).revoked_at is None


def test_an_admin_revokes_a_token(client, tree, admins):
    created = tokens.create("Hồ sơ", ["records:read"], tree["unit_b"])
    db.session.commit()
    login(client, admins["unit_b"])
    response = post(client, f"/admin/api/tokens/{created.token.id}/revoke", {})
    assert response.status_code == 302
    assert client.get("/api/v1/hours", headers=bearer(created.secret)).status_code == 401


def test_a_form_without_scopes_is_refused_beside_the_field(client, tree, admins):
    login(client, admins["province"])
    response = post(client, "/admin/api/tokens/new", {"name": "Thiếu", "unit_id": "*"})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken)) is None


def test_an_admin_registers_a_webhook_and_reads_its_log(app, client, tree, admins):
    """The secret is shown once; the endpoint's page shows its delivery log."""
    login(client, admins["province"])
    response = post(
        client,
        "/admin/api/webhooks/new",
        {
            "url": "https://8.8.8.8/lms",
            "events": ["certificate.revoked"],
            "unit_id": str(tree["unit_a"].id),
            "description": "Hệ thống hồ sơ",
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert re.search(r"whsec_[A-Za-z0-9_-]{43}", response.get_data(as_text=True))
    endpoint = db.session.scalar(select(WebhookEndpoint))
    assert endpoint.event_list == ["certificate.revoked"]
    page = client.get(f"/admin/api/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "Nothing sent yet" in page or "Chưa gửi" in page
    refused = post(
        client,
        "/admin/api/webhooks/new",
        {"url": "https://10.0.0.1/", "events": ["certificate.issued"], "unit_id": "*"},
    )
    assert refused.status_code == 422
    assert "10.0.0.1" in refused.get_data(as_text=True)


def test_another_departments_webhook_is_403(client, tree, admins):
    from lms.api.webhooks import endpoints

    endpoint = endpoints.create_endpoint("https://8.8.8.8/a", None, tree["unit_a"]).endpoint
    db.session.commit()
    login(client, admins["unit_b"])
    assert client.get(f"/admin/api/webhooks/{endpoint.id}").status_code == 403
    assert post(client, f"/admin/api/webhooks/{endpoint.id}/delete", {}).status_code == 403
    assert client.get("/admin/api/webhooks/999999").status_code == 404
