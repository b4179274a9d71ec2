"""The command line of a bench seeding module (`python -m bench.<module> --out PATH`): each
seeds its scenario's data once per instance in a process of its own, inside an app context, so
the runner never imports the app it measures."""

import argparse
import contextlib
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import exc


def main(seed: Callable, description: str, out_help: str, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, required=True, help=out_help)
    args = parser.parse_args(argv)
    from lms import create_app

    app = create_app()
    with app.app_context():
        seed(app, args.out)
        settle(app.extensions["sqlalchemy"].engine)
    return 0


def settle(engine) -> None:
    """On PostgreSQL, after seeding: VACUUM ANALYZE (the planner's statistics for the tables
    just filled, as autovacuum would give them, and this machine's server runs without it) and
    a CHECKPOINT (the seeding's WAL written out now, not during the measured seconds)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
        # A role without the right to it: the figures then only wait for the server's own.
        with contextlib.suppress(exc.DBAPIError):
            connection.exec_driver_sql("CHECKPOINT")
