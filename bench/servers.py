"""The throwaway instance and the processes a benchmark run starts (and always stops).

Every child runs in its own session (process group), so one signal reaches a gunicorn master and
all its workers, and a Ctrl-C in the terminal reaches only the runner, which then stops them.
"""

import contextlib
import ctypes
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

#: The repository root: gunicorn imports `bench.hello` from here.
ROOT = Path(__file__).resolve().parent.parent

PR_SET_PDEATHSIG = 1

BENCH_USER = "benchuser"
BENCH_FULL_NAME = "Người Đo Tải"


class BenchError(RuntimeError):
    """Something the benchmark needs could not be prepared; the message says what."""


class Children:
    """Processes started by this run; `stop_all()` ends each one's process group."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen] = []

    def start(self, command: list[str], **kwargs) -> subprocess.Popen:
        process = subprocess.Popen(
            command, start_new_session=True, preexec_fn=_die_with_parent, **kwargs
        )
        self.processes.append(process)
        return process

    def stop(self, process: subprocess.Popen, grace: float = 5.0) -> None:
        """SIGINT the group (gunicorn's quick shutdown), then SIGKILL whatever is left."""
        if process in self.processes:
            self.processes.remove(process)
        # Already reaped: its group id is no longer ours to signal.
        if process.poll() is not None:
            return
        _signal_group(process, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(grace)
        # Workers may outlive their master for a moment: the group gets the last word.
        _signal_group(process, signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for process in reversed(list(self.processes)):
            self.stop(process)


def _die_with_parent() -> None:
    """In the child: ask Linux for SIGKILL if the runner dies without cleaning up (kill -9)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


@dataclass
class Instance:
    """A demo instance in a temporary folder, and the environment that points the app at it."""

    folder: Path
    env: dict[str, str]
    username: str = BENCH_USER
    password: str = field(default_factory=lambda: secrets.token_urlsafe(18), repr=False)


def child_environment(instance_folder: Path) -> dict[str, str]:
    """This process's environment without any LMS_* setting, pointed at the bench instance."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env["LMS_INSTANCE_PATH"] = str(instance_folder)
    # The verify scenario measures the page, not the per-address limit that guards it.
    env["LMS_VERIFY_LIMIT"] = "1000000 per minute"
    # The API scenarios measure the operations, not the per-token limit.
    env["LMS_API_LIMIT"] = "1000000 per minute"
    # ...and list the demo's certificates although they were issued a moment ago.
    env["LMS_API_SETTLE_SECONDS"] = "0"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def lms_command() -> list[str]:
    """The `lms` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("lms")
    found = str(script) if script.exists() else shutil.which("lms")
    if not found:
        raise BenchError("The `lms` command is missing: install the project (pip install -e .).")
    return [found]


def prepare_instance(folder: Path, children: Children, database: str | None = None) -> Instance:
    """Seed the demo data and create the load client's account (known password); in the
    database at `database` (which must be empty) when given, else SQLite in the instance."""
    instance = Instance(folder=folder / "instance", env=child_environment(folder / "instance"))
    if database:
        instance.env["LMS_DATABASE_URL"] = database
    _run(children, [*lms_command(), "demo", "--no-serve"], instance.env, folder, "lms demo")
    _run(
        children,
        [
            *lms_command(),
            "users",
            "create",
            instance.username,
            "--full-name",
            BENCH_FULL_NAME,
            "--password-stdin",
        ],
        instance.env,
        folder,
        "lms users create",
        stdin=instance.password + "\n",
    )
    if database:
        _settle(database)
    return instance


def _settle(database: str) -> None:
    """The seeded database vacuumed, analysed and checkpointed before anything is measured
    (`bench.seeding.settle`), through an engine of the runner's own."""
    from sqlalchemy import create_engine

    from bench.seeding import settle

    engine = create_engine(database)
    try:
        settle(engine)
    finally:
        engine.dispose()


def _run(
    children: Children, command: list, env: dict, cwd: Path, what: str, stdin: str | None = None
) -> str:
    process = children.start(
        command,
        env=env,
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(stdin, timeout=300)
    finally:
        children.stop(process)
    if process.returncode != 0:
        raise BenchError(f"`{what}` failed ({process.returncode}):\n{output}")
    return output


def free_port() -> int:
    """A port nobody listens on right now (127.0.0.1 only)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_gunicorn(
    children: Children,
    name: str,
    app_spec: str,
    env: dict,
    workers: int,
    log_dir: Path,
    root: Path = ROOT,
) -> Server:
    """`gunicorn -w WORKERS -b 127.0.0.1:PORT APP` (sync workers, as `lms serve` runs, with its
    hooks: `lms.gunicorn_conf`), importing from `root` (another checkout, for a comparison)."""
    port = free_port()
    log = log_dir / f"{name}.log"
    # A checkout from before the hooks existed is served without them, as it was.
    hooks = ["-c", "python:lms.gunicorn_conf"] if (root / "lms/gunicorn_conf.py").exists() else []
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--chdir",
        str(root),
        *hooks,
        app_spec,
    ]
    if root != ROOT:
        env = {**env, "PYTHONPATH": str(root)}
    with log.open("wb") as handle:
        process = children.start(
            command, env=env, cwd=root, stdin=subprocess.DEVNULL, stdout=handle, stderr=handle
        )
    return Server(name=name, port=port, process=process, log=log)


def wait_until_ready(server: Server, path: str, timeout: float = 60.0) -> None:
    """Poll `path` until it answers 200; fail early if the server died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(
                f"{server.name} exited ({server.process.returncode}):\n{_tail(server)}"
            )
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
        try:
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise BenchError(f"{server.name} did not answer {path} in {timeout:.0f} s:\n{_tail(server)}")


def worker_pids(server: Server) -> list[int]:
    """The gunicorn master's worker processes: those whose parent it is (from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        # The fields after the command name, which is in parentheses and may hold spaces.
        if int(stat.rsplit(")", 1)[1].split()[1]) == server.process.pid:
            pids.append(int(entry.name))
    return sorted(pids)


def resident_mb(pid: int) -> float | None:
    """A process's resident set size now (VmRSS), in MB; None when it has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def workers_rss_mb(server: Server) -> dict[str, float]:
    """Each worker's resident size in MB, by pid (a string, as JSON keys are)."""
    sizes = {str(pid): resident_mb(pid) for pid in worker_pids(server)}
    return {pid: size for pid, size in sizes.items() if size is not None}


def _tail(server: Server, lines: int = 30) -> str:
    text = server.log.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])
