"""Where Chromium is missing the browser tests step aside under one summary line that says how to
get it, and LMS_REQUIRE_BROWSER=1 (set by .ci/run) turns that into a failed run.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: One small browser test file is enough to see how the run treats all of them.
BROWSER_TESTS = "tests/browser/test_shell.py"


def run_browser_tests(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """pytest in a child process, on SQLite in its own folders, with Chromium looked for nowhere."""
    child_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"LMS_TEST_DATABASE_URL", "LMS_REQUIRE_BROWSER", "PYTEST_ADDOPTS"}
    }
    child_env.update(LMS_TEST_CHROMIUM=str(tmp_path / "no-chromium"), **env)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            BROWSER_TESTS,
            "-p",
            "no:randomly",
            "-q",
            f"--basetemp={tmp_path / 'run'}",
        ],
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_missing_chromium_skips_under_one_line_saying_how_to_install_it(tmp_path):
    """Exit 0, and exactly one line names the fix."""
    done = run_browser_tests(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if "apt-get install chromium" in line]
    assert len(lines) == 1, done.stdout
    assert lines[0].startswith("SKIPPED ") and "browser tests" in lines[0]


def test_ci_makes_the_missing_chromium_a_failure(tmp_path):
    """With LMS_REQUIRE_BROWSER=1 the run fails and says why."""
    done = run_browser_tests(tmp_path, LMS_REQUIRE_BROWSER="1")
    assert done.returncode != 0
    assert "apt-get install chromium" in done.stdout + done.stderr
    assert " passed" not in done.stdout


def test_ci_run_requires_the_browser_tests():
    """.ci/run sets LMS_REQUIRE_BROWSER=1 before its test runs."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert script.index("export LMS_REQUIRE_BROWSER=1") < script.index("pytest >")
