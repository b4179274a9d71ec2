"""Browser fixtures: Debian's Chromium driven by Playwright against the test app served on a real
socket, with every console error, uncaught exception and CSP violation failing the test.
"""

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import ConsoleMessage, Dialog, Error, Page, Response, expect
from werkzeug.serving import make_server

from tests.conftest import TEST_PASSWORD

BROWSER_DIR = Path(__file__).resolve().parent
#: Debian's Chromium; LMS_TEST_CHROMIUM points elsewhere (the test of the skip itself uses it).
CHROMIUM = os.environ.get("LMS_TEST_CHROMIUM", "/usr/bin/chromium")
#: Set by .ci/run: a browser test that cannot run is a failure there, never a quiet skip.
REQUIRE_BROWSER = "LMS_REQUIRE_BROWSER"
SKIPPED_BROWSER_TESTS = pytest.StashKey[int]()
NO_CHROMIUM = (
    f"no Chromium at {CHROMIUM}; to run them: apt-get install chromium (never `playwright install`)"
)
FAILED_LOAD = "Failed to load resource:"
# Quiet, offline Chromium: nothing may call home during a test run.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# CI runs the suite on both databases at once on two shared cores: a debounced preview or a page
# rendered by a busy server can take longer than Playwright's default 5 s to appear.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests; where Chromium is missing, set them aside under one summary line
    (a skip per test would print one line each), or refuse the run with LMS_REQUIRE_BROWSER=1.
    """
    browser_items = [item for item in items if BROWSER_DIR in Path(item.path).resolve().parents]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if not browser_items or os.access(CHROMIUM, os.X_OK):
        return
    if os.environ.get(REQUIRE_BROWSER) == "1":
        raise pytest.UsageError(f"{NO_CHROMIUM}; {REQUIRE_BROWSER}=1 forbids skipping them")
    items[:] = [item for item in items if item not in browser_items]
    config.hook.pytest_deselected(items=browser_items)
    config.stash[SKIPPED_BROWSER_TESTS] = len(browser_items)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Only browser tests asked for and all set aside: a skip, not "no tests collected".
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and session.config.stash.get(
        SKIPPED_BROWSER_TESTS, 0
    ):
        session.exitstatus = pytest.ExitCode.OK


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    skipped = config.stash.get(SKIPPED_BROWSER_TESTS, 0)
    if skipped:
        terminalreporter.write_line(f"SKIPPED {skipped} browser tests: {NO_CHROMIUM}")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def base_url() -> None:
    """Replaces pytest-playwright's fallback, an instance-method session fixture that pytest 9
    deprecates (an error under `filterwarnings = error`); `browser_context_args` sets the URL.
    """
    return None


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app on a free port of 127.0.0.1; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture
def browser_context_args(browser_context_args: dict, live_server: str) -> dict:
    """Relative URLs in `page.goto` go to the live server."""
    return {**browser_context_args, "base_url": live_server}


@pytest.fixture(autouse=True)
def page_errors(page: Page) -> Iterator[None]:
    """Every console error, uncaught exception and CSP violation the page reports (Chromium logs
    a blocked script or style as a console error); the test fails at teardown if there is any.
    """
    messages: list[tuple[str, str]] = []
    # A page re-shown with its form errors answers 422 on purpose; Chromium logs that too.
    form_error_pages: set[str] = set()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            messages.append((message.text, message.location.get("url", "")))

    def on_page_error(error: Error) -> None:
        messages.append((f"uncaught {error.name}: {error.message}", page.url))

    def on_response(response: Response) -> None:
        if response.request.resource_type == "document" and response.status == 422:
            form_error_pages.add(response.url)

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("response", on_response)
    yield
    errors = [
        f"{text} ({url or 'no URL'})"
        for text, url in messages
        if not (text.startswith(FAILED_LOAD) and url in form_error_pages)
    ]
    assert not errors, "the page reported errors:\n" + "\n".join(errors)


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    """Messages of every alert/confirm/prompt the page opens (each one is dismissed)."""
    opened: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return opened


def sign_in(page: Page, username: str, language: str = "vi") -> None:
    """Log in through the form (in Vietnamese), wait for the signed-in menu, then switch the
    pages to `language` ("en" makes a test read the same whatever the catalogue says).
    """
    page.goto("/login")
    page.get_by_label("Tên đăng nhập", exact=True).fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("navigation", name="Menu chính")).to_be_visible()
    if language == "en":
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
