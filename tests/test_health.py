"""The health check used by load balancers."""

from sqlalchemy.exc import OperationalError

from lms import db


def test_healthz_answers_200_with_database(client):
    """/healthz is 200 when the database answers."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_without_database(client, monkeypatch):
    """/healthz is 503 when the database does not answer."""

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_healthz_503_against_an_unreachable_server(tmp_path):
    """A database server that is down gives 503, not a traceback."""
    from lms import create_app

    app = create_app(
        {
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        }
    )
    assert app.test_client().get("/healthz").status_code == 503
