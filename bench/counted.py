"""The LMS as the bench serves it: `lms.create_app()`, plus the number of SQL statements each
request ran, sent back in an `X-Bench-Queries` header that the load clients add up.

Bench-only: the product has no such header. The count covers every statement of the request up
to and including its commit (the flush of its changes, the log-in session's "last seen"); a
streamed CSV's rows are read after the header has gone, so a download counts the statements
before its first byte. Counting costs one Python call per statement, far below what a statement
itself costs, so the figures hardly move.

    gunicorn -w 2 'bench.counted:create_app()'
"""

from flask import Flask, g, has_app_context
from sqlalchemy import event

from bench.load import QUERIES_HEADER


def create_app() -> Flask:
    from lms import create_app as create_lms

    app = create_lms()
    count_queries(app)
    return app


def count_queries(app: Flask) -> None:
    """Count each request's statements on the app's engine and answer with the count."""
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args) -> None:
        if has_app_context():
            g.bench_queries = g.get("bench_queries", 0) + 1

    def _answer(response):
        response.headers[QUERIES_HEADER] = str(g.get("bench_queries", 0))
        return response

    # After-request functions run last registered first: put this one first in the list, so it
    # runs after the LMS's commit and counts the writes the commit flushes.
    app.after_request_funcs.setdefault(None, []).insert(0, _answer)
