"""This checkout against another on the same machine, in the same minutes: both served side by
side from one demo instance, wrk sent to each in turn, round after round.

The bench's ratio to the hello ceiling moves with the machine (this one's ceiling was
4.700–5.400 req/s one day and 3.800–4.600 the next, and the LMS's pages lost more than hello
did: the home page went from 0,10 to 0,08 on the same code), so a change worth 10 % hides in
the spread between runs. Interleaving short runs of the two versions
spreads a noisy neighbour's bursts over both sides, and the median of the rounds leaves out the
odd one.

    python -m bench.compare /path/to/other/checkout [--scenario autosave --scenario attempt]
        [--rounds 5] [--seconds 6] [--concurrency 16] [--database postgresql+psycopg://…/empty_db]

The other checkout is any directory holding the `lms` package (`git worktree add /tmp/before
HEAD~3`). Each side is `gunicorn -w 2 'lms:create_app()'`, with `lms.gunicorn_conf` where the
checkout has it. The scenarios use the bench's exam class (300 learners, each with their own
log-in): `autosave` (one changed answer each), `attempt` (each learner's attempt page) and
`home` (each learner's home page). Both are served from the database this checkout migrated, so
the other checkout must end its migrations at the same head: the comparison refuses otherwise.
"""

import argparse
import ast
import json
import statistics
import sys
import tempfile
from pathlib import Path

if not __package__:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import quizzes, wrk
from bench.servers import (
    ROOT,
    BenchError,
    Children,
    prepare_instance,
    start_gunicorn,
    wait_until_ready,
)

#: Scenario → how each line of the exam's autosave targets becomes a request.
SCENARIOS = ("autosave", "attempt", "home")


def requests_for(scenario: str, lines: list[dict]) -> list[tuple]:
    """The wrk requests of a scenario, one per learner of the targets file."""
    if scenario == "autosave":
        return [
            (
                "POST",
                line["path"],
                {
                    "Content-Type": "application/json",
                    "Cookie": line["cookie"],
                    "X-CSRFToken": line["token"],
                },
                line["body"],
            )
            for line in lines
        ]
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; one of {', '.join(SCENARIOS)}")
    pages: dict[str, str] = {}
    for line in lines:
        path = line["path"].removesuffix("/autosave") if scenario == "attempt" else "/"
        pages.setdefault(f"{path} {line['cookie']}", path)
    return [("GET", path, {"Cookie": key.split(" ", 1)[1]}, None) for key, path in pages.items()]


def summarise(rounds: dict[str, list[float]]) -> dict:
    """Each side's median req/s over the rounds, and this checkout's over the other's."""
    medians = {side: statistics.median(values) for side, values in rounds.items()}
    other = medians.get("other")
    return {
        "median_rps": medians,
        "rounds_rps": rounds,
        "this_over_other": round(medians["this"] / other, 3) if other else None,
    }


def migrations_folder(checkout: Path) -> Path:
    """A checkout's migrations folder, looked up as `lms.resources.data_dir` does (an installed
    copy first), which only knows the checkout it was imported from."""
    for candidate in (checkout / "lms" / "_data" / "migrations", checkout / "migrations"):
        if (candidate / "versions").is_dir():
            return candidate
    raise BenchError(f"{checkout} holds no migrations/versions folder")


def migration_heads(checkout: Path) -> set[str]:
    """The Alembic head revision(s) of a checkout: revisions no other revises.

    Read from the files' text, not imported: the other checkout's migrations import its own
    `lms`, and this process has ours.
    """
    revisions, revised = set(), set()
    for path in (migrations_folder(checkout) / "versions").glob("*.py"):
        identifiers = revision_identifiers(path)
        if "revision" not in identifiers:
            continue
        revisions.add(identifiers["revision"])
        down = identifiers.get("down_revision") or ()
        # A merge revises several: `down_revision = ("a", "b")`.
        revised.update([down] if isinstance(down, str) else down)
    return revisions - revised


def revision_identifiers(path: Path) -> dict:
    """A migration file's module-level `revision` and `down_revision`, where it sets them."""
    identifiers = {}
    for statement in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target = statement.target
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            identifiers[target.id] = ast.literal_eval(statement.value)
    return identifiers


def check_same_schema(this: Path, other: Path) -> None:
    """Refuse a comparison whose other checkout would be served on a schema not its own."""
    mine, theirs = migration_heads(this), migration_heads(other)
    if mine != theirs:
        raise BenchError(
            f"the checkouts' migrations differ: this one ends at {_heads(mine)}, {other} at "
            f"{_heads(theirs)}; both are served from the database this one migrated, so "
            "compare commits whose migrations are the same"
        )


def _heads(revisions: set[str]) -> str:
    return " + ".join(sorted(revisions)) or "no revision"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("other", type=Path, help="the other checkout (holds lms/)")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--database", default=None, help="an EMPTY database to seed and serve")
    args = parser.parse_args(argv)
    other = args.other.resolve()
    if not (other / "lms" / "__init__.py").exists():
        parser.error(f"{other} holds no lms package")
    if not wrk.available():
        print(wrk.INSTALL_HINT, file=sys.stderr)
        return 2
    children = Children()
    results = {}
    with tempfile.TemporaryDirectory(prefix="lms-compare-") as folder:
        try:
            check_same_schema(ROOT, other)
            print("Preparing a demo instance and the exam class …", file=sys.stderr)
            instance = prepare_instance(Path(folder), children, args.database)
            lines = [
                json.loads(line)
                for line in quizzes.autosave_targets(instance).read_text().splitlines()
            ]
            sides = {
                side: start_gunicorn(
                    children, side, "lms:create_app()", instance.env, 2, Path(folder), root
                )
                for side, root in (("this", ROOT), ("other", other))
            }
            for server in sides.values():
                wait_until_ready(server, "/healthz")
            for scenario in args.scenario or ["autosave", "attempt"]:
                script = Path(folder) / f"{scenario}.lua"
                script.write_text(wrk.lua_script(requests_for(scenario, lines), expect=200))
                for server in sides.values():  # warm up: templates compiled, caches filled
                    wrk.run(server.base_url, 2, args.concurrency, script)
                rounds: dict[str, list[float]] = {"this": [], "other": []}
                for number in range(args.rounds):
                    # Each round flips which side goes first.
                    order = list(sides.items())[:: 1 if number % 2 == 0 else -1]
                    for side, server in order:
                        figures = wrk.run(server.base_url, args.seconds, args.concurrency, script)
                        if figures["errors"]:
                            raise BenchError(
                                f"{scenario} on {side}: {figures['error_kinds']} "
                                f"{figures.get('unexpected_statuses')} (log: {server.log})"
                            )
                        rounds[side].append(figures["rps"])
                results[scenario] = summarise(rounds)
                print(
                    f"{scenario}: this {results[scenario]['median_rps']['this']:.1f} req/s, "
                    f"other {results[scenario]['median_rps']['other']:.1f} "
                    f"(this/other {results[scenario]['this_over_other']})",
                    file=sys.stderr,
                )
        except BenchError as error:
            print(f"bench.compare: {error}", file=sys.stderr)
            return 1
        finally:
            children.stop_all()
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
