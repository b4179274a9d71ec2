"""The API inside a host portal: the host's `lms api-token create` makes a token that opens
/training/api/v1, a portal log-in opens nothing there, and the OpenAPI document names the
mounted address."""

from tests.test_host_mount import host, portal_login  # noqa: F401 (the host fixture)


def test_the_api_under_a_host_prefix(host):  # noqa: F811 (the fixture imported above)
    with host.app_context():
        result = host.test_cli_runner().invoke(
            args=["lms", "api-token", "create", "--name", "Cổng", "--scope", "records:read"]
        )
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    client = host.test_client()
    response = client.get("/training/api/v1/hours", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert portal_login(host.test_client()).get("/training/api/v1/hours").status_code == 401
    document = client.get("/training/api/v1/openapi.json").get_json()
    assert document["servers"][0]["url"].endswith("/training/api/v1")
    assert client.get("/training/api/v1/nothing").get_json()["error"]["code"] == "not_found"
