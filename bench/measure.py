"""Time and peak memory of one function call, each measured in a fresh process.

`measure_function()` (runner side) starts this module twice with the bench instance's
environment: once plainly, for wall time and the growth of the process's peak resident set
(`getrusage` ru_maxrss), and once under `tracemalloc`, for the peak of Python allocations
(tracing slows the call, so that run's time is not reported). A fresh process per run keeps one
scenario's caches and freed memory out of the next one's figures.

    python -m bench.measure --target bench.exports:roster_xlsx --setup bench.exports:seed_roster
"""

import argparse
import importlib
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

MB = 1024 * 1024


def resolve(spec: str) -> Callable:
    """ "package.module:function" → the function."""
    module_name, _, name = spec.partition(":")
    if not name:
        raise ValueError(f"{spec!r} is not of the form module:function")
    return getattr(importlib.import_module(module_name), name)


def _max_rss_bytes() -> int:
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _call(target: Callable, argument: object) -> int | None:
    """Call the target; drain an iterator result so streaming work happens inside the call."""
    result = target(argument)
    if isinstance(result, Iterator):
        return sum(1 for _ in result)
    return None


def run_once(target_spec: str, setup_spec: str | None, trace: bool) -> dict:
    """Build the standalone app, prepare, then measure one call (this process only)."""
    from lms import create_app

    target = resolve(target_spec)
    app = create_app()
    with app.app_context():
        argument = resolve(setup_spec)(app) if setup_spec else app
        rss_before = _max_rss_bytes()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        items = _call(target, argument)
        seconds = time.perf_counter() - started
        figures: dict = {"seconds": round(seconds, 3), "items": items}
        if trace:
            figures["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / MB, 1)
            tracemalloc.stop()
        else:
            rss_after = _max_rss_bytes()
            figures["max_rss_mb"] = round(rss_after / MB, 1)
            figures["rss_growth_mb"] = round((rss_after - rss_before) / MB, 1)
    return figures


def measure_function(scenario, env: dict, children, cwd: Path) -> dict:
    """Both runs of a `FunctionScenario`, merged: seconds, max/peak memory, items produced."""
    merged: dict = {}
    for trace in (False, True):
        command = [sys.executable, "-m", "bench.measure", "--target", scenario.target]
        if scenario.setup:
            command += ["--setup", scenario.setup]
        if trace:
            command.append("--tracemalloc")
        process = children.start(
            command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            output, errors = process.communicate(timeout=scenario.timeout)
        except subprocess.TimeoutExpired:
            return {"error": f"no result within {scenario.timeout:.0f} s"}
        finally:
            children.stop(process)
        if process.returncode != 0:
            lines = (errors or output).strip().splitlines()
            return {"error": lines[-1] if lines else f"exit status {process.returncode}"}
        figures = json.loads(output.strip().splitlines()[-1])
        if trace:
            merged["tracemalloc_peak_mb"] = figures["tracemalloc_peak_mb"]
        else:
            merged.update(figures)
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure one call of module:function.")
    parser.add_argument("--target", required=True)
    parser.add_argument("--setup", default=None)
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(run_once(args.target, args.setup, args.tracemalloc)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
