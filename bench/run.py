"""The benchmark runner: a throwaway instance, the LMS and the hello ceiling under gunicorn, and
every selected scenario; prints a table and writes bench/results/latest.json.

    python -m bench [--duration 10] [--concurrency 4] [--workers 2] [--only home]
    python bench/run.py ...            (the same)
"""

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if not __package__:  # run as `python bench/run.py`: import `bench` from the repository root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import wrk
from bench.load import percentile, query_figures
from bench.measure import measure_function
from bench.report import format_tables
from bench.scenarios import CEILING, SCENARIOS, FunctionScenario, HttpScenario
from bench.servers import (
    ROOT,
    BenchError,
    Children,
    Instance,
    Server,
    prepare_instance,
    start_gunicorn,
    wait_until_ready,
    workers_rss_mb,
)

LOAD_SCRIPT = Path(__file__).with_name("load.py")
WRK_SCRIPT = Path(__file__).with_name("wrk.py")
RESULTS = Path(__file__).with_name("results") / "latest.json"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Benchmark the LMS beside a bare Flask ceiling."
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, help="recorded seconds per scenario (10)"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="client connections (4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(SCENARIOS),
        metavar="SCENARIO",
        help="run only this scenario (repeatable); default: all",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternations of ceiling and scenario (3)"
    )
    parser.add_argument("--warmup", type=float, default=1.0, help="unrecorded seconds per run")
    parser.add_argument("--max-requests", type=int, default=200_000, help="cap per run")
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument(
        "--client",
        choices=("wrk", "python"),
        default=None,
        help="load client: wrk (default when installed) or the Python fallback (bench/load.py)",
    )
    parser.add_argument(
        "--database",
        default=None,
        metavar="URL",
        help="an EMPTY database to seed and serve from, e.g. "
        "postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench (default: SQLite in the instance)",
    )
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    args = parser.parse_args(argv)
    if args.client is None:
        args.client = "wrk" if wrk.available() else "python"
        if args.client == "python":
            say(f"{wrk.INSTALL_HINT}; measuring with the Python client (its ceiling is its own).")
    if min(args.duration, args.concurrency, args.workers, args.rounds) <= 0:
        parser.error("--duration, --concurrency, --workers and --rounds must be positive")
    return args


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_load(
    server: Server,
    scenario: HttpScenario,
    path: str,
    seconds: float,
    instance: Instance,
    args: argparse.Namespace,
    children: Children,
    latencies: Path,
    targets: Path | None = None,
    part: str | None = None,
) -> dict:
    """One load run in its own process; its JSON figures (or an `error`) and its latencies.

    `targets` sends a different request each time; `part` ("2/3") uses that part of them once.
    """
    use_wrk = args.client == "wrk"
    command = [
        sys.executable,
        str(WRK_SCRIPT if use_wrk else LOAD_SCRIPT),
        f"--url={server.base_url}{path}",
        f"--duration={seconds}",
        f"--warmup={args.warmup}",
        f"--concurrency={args.concurrency}",
        f"--max-requests={args.max_requests}",
        f"--method={scenario.method}",
        f"--content-type={scenario.content_type}",
        f"--expect-status={scenario.expect_status}",
    ]
    if not use_wrk:
        command.append(f"--latencies={latencies}")
    env = dict(instance.env)
    if scenario.body is not None:
        command.append(f"--body={scenario.body}")
    if scenario.login:
        command.append(f"--login-user={instance.username}")
        env["BENCH_PASSWORD"] = instance.password
    if scenario.csrf_from:
        command.append(f"--csrf-from={scenario.csrf_from}")
    if targets is not None:
        command.append(f"--targets={targets}")
    if part is not None:
        command.append(f"--targets-part={part}")
    process = children.start(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        output, errors = process.communicate(timeout=args.warmup + seconds + 120)
    except subprocess.TimeoutExpired:
        return {"error": "the load client did not finish in time"}
    finally:
        children.stop(process)
    lines = output.strip().splitlines()
    if not lines:
        return {"error": (errors.strip().splitlines() or ["no output"])[-1]}
    figures = json.loads(lines[-1])
    figures.setdefault("client", "wrk" if use_wrk else "python")
    if "error" not in figures and not use_wrk:
        figures["latencies_ms"] = [float(v) for v in latencies.read_text().split()]
        latencies.unlink()
    return figures


def keep_server_log(rows: list[dict], log: Path, output: Path) -> Path | None:
    """When a scenario had errors, keep the LMS server's log (its tracebacks) beside the
    results, out of the run's temporary folder; returns where, or None."""
    if not any(row.get("errors") or "error" in row for row in rows):
        return None
    return save_server_log(log, output, "Some answers were errors")


def save_server_log(log: Path, output: Path, reason: str) -> Path | None:
    """Copy the LMS server's log beside the results and say where; None when no server was
    started (nothing logged)."""
    if not log.exists():
        return None
    kept = output.with_name(f"{output.stem}-lms.log")
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(log, kept)
    say(f"{reason}: the LMS's log is kept in {kept}")
    return kept


#: Steps of the machine probe: some 30–60 ms of pure Python on this machine.
PROBE_STEPS = 300_000


def machine_probe_ms() -> float:
    """How long a fixed piece of pure Python takes the runner just now, best of three, in ms:
    how fast the machine is at that moment. A shared machine's speed moves within a minute by
    more than the differences the bench measures (this one's probe went from 31 to 56 ms and
    back between two probes seconds apart), and the LMS's pages slow down more than the hello
    page when it does: probed before every round, a run that met a change of speed says so."""
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        table: dict[int, str] = {}
        for step in range(PROBE_STEPS):
            table[step % 1000] = str(step)
        best = min(best, time.perf_counter() - began)
    return round(best * 1000, 1)


#: The machine is quiet when, over QUIET_LOOKS looks of QUIET_LOOK_S in a row, its CPUs were
#: busy less than QUIET_SHARE of one CPU's time each (one short look could fall in a pause of
#: the leftover work); the runner waits at most QUIET_WAIT_S for it (the longest wait seen
#: after abandoned requests was 4,5 s, after the attendance XLSX download).
QUIET_SHARE = 0.15
QUIET_LOOK_S = 0.25
QUIET_LOOKS = 2
QUIET_WAIT_S = 15.0


def cpu_ticks() -> tuple[int, int]:
    """The machine's CPU time so far, busy and in all, in clock ticks (/proc/stat's first line:
    idle and iowait are the 4th and 5th of its counters)."""
    first_line = Path("/proc/stat").read_text().split("\n", 1)[0]
    counters = [int(field) for field in first_line.split()[1:]]
    total = sum(counters[:8])  # guest time is counted again inside user time
    return total - counters[3] - counters[4], total


def wait_until_quiet(limit: float = QUIET_WAIT_S) -> float | None:
    """Wait until the machine's CPUs are nearly idle, at most `limit` seconds: the seconds
    waited, or None when the machine was not quiet by then.

    When a load run ends, wrk closes its connections but the workers and their database
    sessions finish the requests already taken: seconds of work after a report or an export.
    Probing the machine or starting the next round meanwhile times that leftover work with it
    (stop 27's first full run: the class page's first round, after the report's, probed 45,7 ms
    against 27 in its other rounds)."""
    if limit <= 0:
        return 0.0
    began = time.monotonic()
    cpus = os.cpu_count() or 1
    busy, total = cpu_ticks()
    quiet_looks = 0
    while quiet_looks < QUIET_LOOKS:
        if time.monotonic() - began >= limit:
            return None
        time.sleep(QUIET_LOOK_S)
        now_busy, now_total = cpu_ticks()
        quiet = (now_busy - busy) * cpus < QUIET_SHARE * (now_total - total)
        quiet_looks = quiet_looks + 1 if quiet else 0
        busy, total = now_busy, now_total
    return round(time.monotonic() - began, 2)


def per_round(results: dict, key: str) -> list:
    """A figure taken before every round (`machine_probe_ms`, `quiet_wait_s`), over the run."""
    scenarios = results.get("http", {}).get("scenarios", [])
    return [value for row in scenarios for value in row.get(key, [])]


def quiet_summary(waits: list[float | None]) -> str | None:
    """The line the run ends with when the machine stayed busy before one of its rounds."""
    busy = next((number for number, wait in enumerate(waits, 1) if wait is None), None)
    if busy is None:
        return None
    return (
        f"Before round {busy} of {len(waits)} the machine stayed busy for {QUIET_WAIT_S:.0f} s "
        "with other work; from then on no round waited, and every one shared the machine."
    )


def probe_summary(probes: list[float]) -> str | None:
    """The line the run ends with about the machine's speed over its rounds."""
    if not probes:
        return None
    low, high = min(probes), max(probes)
    return (
        f"Machine probe (the same Python before every round, lower is faster): "
        f"{low:.1f}–{high:.1f} ms, median {statistics.median(probes):.1f} ms over "
        f"{len(probes)} rounds; a spread beyond a tenth means the machine changed speed "
        "during the run."
    )


def run_http(names: list[str], instance: Instance, args, children: Children, logs: Path) -> dict:
    """Start both servers; for each scenario alternate ceiling and scenario runs, round by round.

    Alternating short runs, rather than one long run of each, spreads a noisy neighbour's bursts
    over both sides of the comparison.
    """
    # The LMS with a count of each request's SQL statements in a header (bench/counted.py).
    lms = start_gunicorn(
        children, "lms", "bench.counted:create_app()", instance.env, args.workers, logs
    )
    hello = start_gunicorn(
        children, "hello", "bench.hello:create_app()", instance.env, args.workers, logs
    )
    wait_until_ready(lms, "/healthz")
    wait_until_ready(hello, "/")
    seconds = args.duration / args.rounds
    ceilings, rows = [], []
    patience = QUIET_WAIT_S
    for name in names:
        scenario = SCENARIOS[name]
        path = scenario.resolve_path(instance)
        targets = None
        if scenario.targets is not None:
            say(f"  {name}: preparing the requests (its data are seeded once per instance) …")
            targets = scenario.targets(instance)
        mine, theirs, probes, waits = [], [], [], []
        rss_before = workers_rss_mb(lms)
        for number in range(1, args.rounds + 1):
            waits.append(wait_until_quiet(patience))
            if waits[-1] is None:
                # A machine busy with other work stays busy: waiting before every round would
                # add minutes to the run and measure nothing better.
                say("  the machine is busy with other work: rounds from now on share it")
                patience = 0.0
            probes.append(machine_probe_ms())
            say(
                f"  {name} round {number}/{args.rounds}: hello, then {scenario.method} {path}, "
                f"{seconds:.1f} s each …"
            )
            file = logs / "latencies.txt"
            theirs.append(run_load(hello, CEILING, "/", seconds, instance, args, children, file))
            part = f"{number}/{args.rounds}" if scenario.targets_once else None
            mine.append(
                run_load(
                    lms, scenario, path, seconds, instance, args, children, file, targets, part
                )
            )
        ceilings += theirs
        row = {"scenario": name, "description": scenario.description, "path": path}
        # Each worker's resident size before the scenario's first round and after its last.
        row["workers_rss_mb"] = {"before": rss_before, "after": workers_rss_mb(lms)}
        row["machine_probe_ms"] = probes
        row["quiet_wait_s"] = waits
        failed = failures(mine, theirs)
        if failed:
            row["error"] = failed[0]
        else:
            row.update(pool(mine))
            ceiling = pool(theirs)
            row["ceiling_rps"] = ceiling["rps"]
            row["ratio"] = round(row["rps"] / ceiling["rps"], 3) if ceiling["rps"] else None
            if scenario.every_seconds:
                row["every_seconds"] = scenario.every_seconds
                row["users_served"] = int(row["rps"] * scenario.every_seconds)
        row["runs"] = {"scenario": strip(mine), "hello": strip(theirs)}
        rows.append(row)
    good = [run for run in ceilings if "error" not in run]
    hello_row = {"scenario": "hello", "description": CEILING.description, **pool(good)}
    hello_row["ratio"] = 1.0
    return {"ceiling": hello_row, "scenarios": rows}


def failures(mine: list[dict], theirs: list[dict]) -> list[str]:
    """Why a scenario's runs (`mine`) and their ceiling runs give no figures, if they do not."""
    failed = [run["error"] for run in mine + theirs if "error" in run]
    if not failed and not sum(run["requests"] for run in mine):
        # A request slower than a run (an attendance XLSX of 2,000 learners on a busy machine)
        # is never answered in it: zero req/s would read as a result.
        failed.append("no request was answered within a run: give it a longer --duration")
    return failed


def pool(runs: list[dict]) -> dict:
    """Figures over several runs as if they were one: total rate, percentiles of all latencies.

    wrk hands back percentiles, not latencies: its runs' percentiles are averaged, weighted by
    their requests (close to the pooled figure for runs of equal length).
    """
    seconds = sum(run["seconds"] for run in runs)
    queries = query_figures(
        sum(run.get("queries_total", 0) for run in runs),
        sum(run.get("queries_counted", 0) for run in runs),
        max((run.get("queries_max") or 0 for run in runs), default=0),
    )
    if any("latencies_ms" not in run for run in runs):
        good = sum(run["rps"] * run["seconds"] for run in runs)
        weight = sum(run["requests"] for run in runs) or 1

        def mean(key: str) -> float:
            return round(sum(run[key] * run["requests"] for run in runs) / weight, 2)

        return {
            "requests": sum(run["requests"] for run in runs),
            "errors": sum(run["errors"] for run in runs),
            "seconds": round(seconds, 3),
            "rps": round(good / seconds, 1) if seconds else 0.0,
            "p50_ms": mean("p50_ms"),
            "p95_ms": mean("p95_ms"),
            "p99_ms": mean("p99_ms"),
            **queries,
        }
    latencies = sorted(value for run in runs for value in run["latencies_ms"])
    return {
        "requests": sum(run["requests"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "seconds": round(seconds, 3),
        "rps": round(len(latencies) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        **queries,
    }


def strip(runs: list[dict]) -> list[dict]:
    """Each run's own figures for the JSON file, without its raw latencies."""
    return [{k: v for k, v in run.items() if k != "latencies_ms"} for run in runs]


def run_functions(names: list[str], instance: Instance, children: Children) -> list[dict]:
    rows = []
    for name in names:
        scenario = SCENARIOS[name]
        say(f"  {name}: {scenario.target} …")
        figures = measure_function(scenario, instance.env, children, ROOT)
        rows.append({"scenario": name, "description": scenario.description, **figures})
    return rows


def _stop_on_signal(signum, _frame) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        for name, scenario in SCENARIOS.items():
            print(f"{name:<16} {scenario.description}")
        return 0
    names = args.only or list(SCENARIOS)
    http_names = [n for n in names if isinstance(SCENARIOS[n], HttpScenario)]
    function_names = [n for n in names if isinstance(SCENARIOS[n], FunctionScenario)]
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on_signal)

    results: dict = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "settings": {
            "duration_s": args.duration,
            "rounds": args.rounds,
            "warmup_s": args.warmup,
            "concurrency": args.concurrency,
            "workers": args.workers,
            "max_requests": args.max_requests,
            "server": "gunicorn (sync workers)",
            "client": args.client,
            "database": "postgresql" if args.database else "sqlite",
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg_start": os.getloadavg(),
        },
    }
    children = Children()
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lms-bench-")))
        stack.callback(children.stop_all)  # runs first: no child outlives the run
        lms_log = folder / "lms.log"
        try:
            say(f"Preparing a demo instance in {folder} …")
            instance = prepare_instance(folder, children, args.database)
            if http_names:
                say(f"Serving with gunicorn, {args.workers} sync workers each; measuring:")
                results["http"] = run_http(http_names, instance, args, children, folder)
                keep_server_log(results["http"]["scenarios"], lms_log, args.output)
            if function_names:
                say("Measuring functions (time, peak memory):")
                results["functions"] = run_functions(function_names, instance, children)
        except BenchError as error:
            say(f"bench: {error}")
            # The temporary folder goes with this return, and the server's traceback with it.
            save_server_log(lms_log, args.output, "The run failed")
            return 1
        except KeyboardInterrupt:
            say("Interrupted: stopping every process this run started.")
            return 130
    results["machine"]["loadavg_end"] = os.getloadavg()
    print(format_tables(results))
    start, end = results["machine"]["loadavg_start"][0], results["machine"]["loadavg_end"][0]
    print(f"\nLoad average {start:.1f} before, {end:.1f} after, on {os.cpu_count()} CPUs.")
    if summary := probe_summary(per_round(results, "machine_probe_ms")):
        print(summary)
    if summary := quiet_summary(per_round(results, "quiet_wait_s")):
        print(summary)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    say(f"\nWritten to {args.output}")
    failed = [
        row
        for row in results.get("http", {}).get("scenarios", []) + results.get("functions", [])
        if "error" in row or row.get("errors")
    ]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
