"""The command line of a bench seeding module (`python -m bench.<module> --out PATH`): each
seeds its scenario's data once per instance in a process of its own, inside an app context, so
the runner never imports the app it measures."""

import argparse
from collections.abc import Callable
from pathlib import Path


def main(seed: Callable, description: str, out_help: str, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, required=True, help=out_help)
    args = parser.parse_args(argv)
    from lms import create_app

    app = create_app()
    with app.app_context():
        seed(app, args.out)
    return 0
