"""`bench.run`: a run that fails keeps the LMS server's log (the traceback that says why) beside
the results, although its temporary folder is gone; the wait for a quiet machine and the machine
probe before each round, and the lines a run ends with about them."""

import itertools
import signal
from types import SimpleNamespace

import pytest

from bench import run
from bench.servers import BenchError, Instance, Server


@pytest.fixture(autouse=True)
def signal_handlers_restored():
    """`run.main` stops on SIGTERM and SIGHUP; the test process must not keep that."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGHUP)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


@pytest.fixture
def seeded_nothing(monkeypatch):
    """An instance that is only a folder: no `lms demo` is run."""
    monkeypatch.setattr(
        run,
        "prepare_instance",
        lambda folder, children, database: Instance(folder=folder / "instance", env={}),
    )


def failed_to_boot(children, name, app_spec, env, workers, log_dir, root=run.ROOT):
    """A gunicorn whose worker failed to boot: its log holds the traceback, and it has exited."""
    log = log_dir / f"{name}.log"
    log.write_text(f"Traceback (most recent call last):\n{name}: worker failed to boot\n")
    return Server(name, 0, SimpleNamespace(poll=lambda: 3, returncode=3), log)


def bench(tmp_path) -> int:
    output = tmp_path / "results" / "latest.json"
    return run.main(["--only", "home", "--client", "python", "--output", str(output)])


def test_a_server_that_did_not_start_leaves_its_log(tmp_path, monkeypatch, capsys, seeded_nothing):
    """The run fails, and the LMS's log is kept beside the results, where the run says."""
    monkeypatch.setattr(run, "start_gunicorn", failed_to_boot)
    assert bench(tmp_path) == 1
    kept = tmp_path / "results" / "latest-lms.log"
    assert kept.read_text().endswith("lms: worker failed to boot\n")
    assert f"the LMS's log is kept in {kept}" in capsys.readouterr().err


def test_a_failure_before_any_server_keeps_no_log(tmp_path, monkeypatch):
    """Without a server there is no log to keep; the run still fails with its own message."""

    def demo_fails(folder, children, database):
        raise BenchError("`lms demo` failed (1)")

    monkeypatch.setattr(run, "prepare_instance", demo_fails)
    assert bench(tmp_path) == 1
    assert not (tmp_path / "results").exists()


def test_the_machine_probe_is_the_best_of_three_timings_of_one_loop(monkeypatch):
    """Three timings of the same loop (50, 40 and 45 ms here): the fastest, in milliseconds."""
    ticks = iter([0.0, 0.050, 1.0, 1.040, 2.0, 2.045])
    monkeypatch.setattr(run, "time", SimpleNamespace(perf_counter=lambda: next(ticks)))
    monkeypatch.setattr(run, "PROBE_STEPS", 10)
    assert run.machine_probe_ms() == 40.0


def test_the_run_ends_with_the_machine_speed_over_its_rounds():
    """The closing line gives the probes' range and median, so a reader sees the machine change
    speed during a run; none without an HTTP scenario."""
    assert run.probe_summary([]) is None
    line = run.probe_summary([31.0, 56.5, 33.0])
    assert "31.0–56.5 ms, median 33.0 ms over 3 rounds" in line


def looks_taken(monkeypatch, looks, cpus=2, clock_step=0.0):
    """Wait for a quiet machine whose CPUs, look after look, were busy `looks` (busy ticks, ticks
    in all, over every CPU): how many looks the wait took, or None if it gave up."""
    totals = [(0, 0)]
    for busy, total in looks:
        totals.append((totals[-1][0] + busy, totals[-1][1] + total))
    taken = iter(totals)
    seconds = itertools.count(0, clock_step)
    monkeypatch.setattr(run, "cpu_ticks", lambda: next(taken))
    monkeypatch.setattr(run.os, "cpu_count", lambda: cpus)
    monkeypatch.setattr(
        run, "time", SimpleNamespace(monotonic=lambda: next(seconds), sleep=lambda _s: None)
    )
    waited = run.wait_until_quiet()
    return None if waited is None else len(totals) - 1 - len(list(taken))


def test_the_wait_ends_after_two_quiet_looks_in_a_row(monkeypatch):
    """Half busy (a worker finishing a report wrk left), a pause, busy again, then quiet twice:
    one quiet look in a pause of the leftover work does not end the wait."""
    looks = [(50, 100), (2, 100), (30, 100), (1, 100), (1, 100), (90, 100)]
    assert looks_taken(monkeypatch, looks) == 5


def test_quiet_is_a_share_of_one_cpu_not_of_the_whole_machine(monkeypatch):
    """On 4 CPUs, 10 busy ticks of 100 are 40 % of one CPU: not quiet; 3 of 100, 12 %: quiet."""
    looks = [(10, 100), (3, 100), (3, 100), (3, 100)]
    assert looks_taken(monkeypatch, looks, cpus=4) == 3


def test_busy_exactly_at_the_share_is_not_quiet(monkeypatch):
    looks = [(15, 100), (14, 100), (14, 100), (14, 100)]
    assert looks_taken(monkeypatch, looks, cpus=1) == 3


def test_a_machine_never_quiet_is_waited_for_only_so_long(monkeypatch):
    """Always busy: the wait gives up after QUIET_WAIT_S, and the run's last line says before
    which round (the runner waits no more after it)."""
    looks = [(100, 100)] * 100
    assert looks_taken(monkeypatch, looks, clock_step=1.0) is None
    assert run.quiet_summary([0.5, 0.0]) is None
    line = run.quiet_summary([0.5, None, 0.0, 0.0])
    assert line.startswith("Before round 2 of 4 the machine stayed busy for 15 s")


def test_after_one_round_found_the_machine_busy_no_round_waits(monkeypatch):
    """A limit of nothing: no look at the machine, no wait."""
    monkeypatch.setattr(run, "cpu_ticks", lambda: pytest.fail("looked at the machine"))
    assert run.wait_until_quiet(0.0) == 0.0


def test_the_machines_cpu_ticks_leave_out_idle_and_waiting_for_disk(monkeypatch, tmp_path):
    """/proc/stat's first line: user nice system idle iowait irq softirq steal guest guest_nice."""
    stat = tmp_path / "stat"
    stat.write_text("cpu  100 5 20 800 40 0 10 3 7 0\ncpu0 1 2 3 4 5 6 7 8 9 0\n")
    monkeypatch.setattr(run, "Path", lambda _p: stat)
    assert run.cpu_ticks() == (138, 978)


def test_a_figure_taken_before_every_round_is_gathered_over_the_run():
    """Every scenario's rounds in order; a failed scenario without the figure adds none."""
    results = {
        "http": {
            "scenarios": [
                {"scenario": "home", "quiet_wait_s": [0.5, None]},
                {"scenario": "class", "error": "connect"},
                {"scenario": "attempt", "quiet_wait_s": [0.5]},
            ]
        }
    }
    assert run.per_round(results, "quiet_wait_s") == [0.5, None, 0.5]
    assert run.per_round({"functions": []}, "machine_probe_ms") == []
