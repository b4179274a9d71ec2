"""`bench.run`: a run that fails keeps the LMS server's log (the traceback that says why) beside
the results, although its temporary folder is gone; the wait for a quiet machine and the machine
probe before each round, and the lines a run ends with about them."""

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


def test_a_round_waits_until_the_machine_is_quiet(monkeypatch):
    """The CPUs busy half the time over a look (a worker finishing a report wrk left), then
    nearly idle: the wait ends at the first quiet look, two looks in."""
    clock = iter(range(100))
    ticks = iter([(0, 0), (50, 100), (52, 200)])  # busy, total: 50 % then 2 %
    monkeypatch.setattr(run, "cpu_ticks", lambda: next(ticks))
    monkeypatch.setattr(run.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(
        run, "time", SimpleNamespace(monotonic=lambda: next(clock), sleep=lambda _s: None)
    )
    assert run.wait_until_quiet() == 3  # the clock read at the start, after each look, at the end


def test_a_machine_never_quiet_is_waited_for_only_so_long(monkeypatch):
    """Always busy: the wait gives up after QUIET_WAIT_S, and the run's last line says so."""
    clock = iter(range(0, 1000, 10))
    counter = iter(range(0, 10_000, 100))
    monkeypatch.setattr(run, "cpu_ticks", lambda: (next(counter), next(counter)))
    monkeypatch.setattr(
        run, "time", SimpleNamespace(monotonic=lambda: next(clock), sleep=lambda _s: None)
    )
    assert run.wait_until_quiet() >= run.QUIET_WAIT_S
    assert run.quiet_summary([0.3, 0.0]) is None
    line = run.quiet_summary([0.3, run.QUIET_WAIT_S + 0.2, 1.0])
    assert line.startswith("Before 1 of 3 rounds the machine stayed busy for 60 s")


def test_the_machines_cpu_ticks_leave_out_idle_and_waiting_for_disk(monkeypatch, tmp_path):
    """/proc/stat's first line: user nice system idle iowait irq softirq steal guest guest_nice."""
    stat = tmp_path / "stat"
    stat.write_text("cpu  100 5 20 800 40 0 10 3 7 0\ncpu0 1 2 3 4 5 6 7 8 9 0\n")
    monkeypatch.setattr(run, "Path", lambda _p: stat)
    assert run.cpu_ticks() == (138, 978)
