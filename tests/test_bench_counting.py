"""The LMS as the bench serves it (bench/counted.py) tells each request's SQL statements in a
header: the same number the query-budget tests count around the request."""

from bench import counted
from bench.load import QUERIES_HEADER
from tests.conftest import login


def test_header_counts_the_statements_of_the_request(app, client, make_person, count_queries):
    """The learner's home: the header says as many statements as ran, its commit included."""
    counted.count_queries(app)
    login(client, make_person("hocvien"))
    client.get("/")
    with count_queries() as statements:
        response = client.get("/")
    assert response.status_code == 200
    assert int(response.headers[QUERIES_HEADER]) == len(statements) > 0


def test_health_check_runs_one_statement(app, client):
    """/healthz runs its one SELECT 1, and the header says so."""
    counted.count_queries(app)
    assert client.get("/healthz").headers[QUERIES_HEADER] == "1"
