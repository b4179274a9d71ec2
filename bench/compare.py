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
`home` (each learner's home page).
"""

import argparse
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
