"""Accessibility in Chromium (issue 14, WCAG 2.1 AA): every page each demo role reaches by links,
at 360 px, has no serious or critical axe-core violation, is no wider than the phone and repeats
no id; the focus ring keeps 3:1 against what is behind it.

axe-core is vendored in tests/browser/vendor (see its README). It is evaluated through the
DevTools protocol: `page.add_script_tag` would insert an inline <script>, which the app's
Content-Security-Policy rightly blocks, and the policy is not relaxed for a test.
"""

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale
from playwright.sync_api import Browser, ConsoleMessage, Error, Page

from lms import db, demo
from tests.browser.conftest import BROWSER_DIR
from tests.browser.test_shell import PHONE, log_in
from tests.html_checks import FORM_ONLY_PAGES

AXE = (BROWSER_DIR / "vendor" / "axe.min.js").read_text(encoding="utf-8")
#: A visitor (not logged in: log-in page, certificate check) and the four demo roles.
VISITOR = "khach"
ROLES = (VISITOR, "hocvien", "giangvien", "tochuc", "quantri")
#: Pages per role; the crawl must end before it (the test fails otherwise).
MAX_PAGES = 150
#: Each kind of address (numbers in it aside) is visited once: a bank's fifth question is drawn
#: by the first one's template. Query strings (tabs, filters) count as kinds of their own, up to
#: this many per path.
MAX_QUERIES_PER_PATH = 3
#: Never followed: they end the session, switch the language, or are not pages.
SKIPPED_PATHS = ("/logout", "/language", "/static/")
#: What Chromium asks for by itself beside a document that is not a page (a PDF, JSON): the
#: standalone app has no such address, and a host portal has its own.
BROWSER_OWN_REQUEST = "/favicon.ico"
FAILING_IMPACTS = ("serious", "critical")
#: Label in Name (2.5.3) is an experimental axe rule, off unless asked for.
PAGE_CHECKS = """async (impacts) => {
  const result = await axe.run(document, {
    rules: {"label-content-name-mismatch": {enabled: true}},
    resultTypes: ["violations"],
  });
  const ids = new Map();
  for (const element of document.querySelectorAll("[id]")) {
    ids.set(element.id, (ids.get(element.id) || 0) + 1);
  }
  return {
    violations: result.violations
      .filter((v) => impacts.includes(v.impact))
      .map((v) => `${v.id} (${v.impact}): ` +
        v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")),
    width: [document.documentElement.scrollWidth, window.innerWidth],
    duplicateIds: [...ids].filter(([, n]) => n > 1).map(([id]) => id),
    links: Array.from(document.querySelectorAll("a[href]:not([download])"), (a) => a.href),
  };
}"""
#: The focused element's outline and the contrast of its colour with the first opaque
#: background behind it (the ring is drawn outside the element, over its parents).
FOCUS_RING = """() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const f = (v) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let back = [255, 255, 255];
  for (let e = document.activeElement.parentElement; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || c[3] > 0) { back = c; break; }
  }
  const style = getComputedStyle(document.activeElement);
  const [hi, lo] = [luminance(rgb(style.outlineColor)), luminance(back)].sort((a, b) => b - a);
  return {
    element: document.activeElement.outerHTML.slice(0, 100),
    outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
    ratio: (hi + 0.05) / (lo + 0.05),
  };
}"""


@dataclass
class RoleCrawl:
    """One role's pages, breadth-first from the home page, each kind of address once."""

    page: Page
    base: str
    role: str
    pages: int = 0
    problems: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    queries: dict[str, int] = field(default_factory=dict)
    queue: deque[str] = field(default_factory=deque)

    def offer(self, href: str) -> None:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != self.base or parts.path.startswith(SKIPPED_PATHS):
            return
        kind = re.sub(r"\d+", "#", parts.path)
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        key = kind + (re.sub(r"\d+", "#", f"?{parts.query}") if parts.query else "")
        if key in self.seen:
            return
        if parts.query:
            if self.queries.get(kind, 0) >= MAX_QUERIES_PER_PATH:
                return
            self.queries[kind] = self.queries.get(kind, 0) + 1
        self.seen.add(key)
        self.queue.append(url)

    def on_console(self, message: ConsoleMessage) -> None:
        """Console errors (a script failing, a CSP violation) are findings of the page."""
        if message.type == "error" and BROWSER_OWN_REQUEST not in message.location.get("url", ""):
            self.problems.append(f"{self.role} {self.page.url}: console: {message.text}")

    def run(self) -> None:
        self.offer(self.base + "/")
        # Pages only a form reaches (no link leads to them): the catalogue's search results.
        for url in FORM_ONLY_PAGES:
            self.offer(self.base + url)
        while self.queue and self.pages < MAX_PAGES:
            self.visit(self.queue.popleft())

    def visit(self, url: str) -> None:
        try:
            response = self.page.goto(url)
        except Error as error:
            if "Download is starting" in error.message:
                return  # an export or a certificate: a file, not a page
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            return
        self.pages += 1
        self.page.evaluate(AXE)
        found = self.page.evaluate(PAGE_CHECKS, list(FAILING_IMPACTS))
        where = f"{self.role} {url}"
        self.problems += [f"{where}: {violation}" for violation in found["violations"]]
        if found["width"][0] > found["width"][1]:
            self.problems.append(f"{where}: {found['width'][0]} px wide at {PHONE['width']} px")
        if found["duplicateIds"]:
            self.problems.append(f"{where}: repeated ids {found['duplicateIds']}")
        for href in found["links"]:
            self.offer(href)


@pytest.fixture
def demo_passwords(app) -> dict[str, str]:
    """The whole demo, seeded in Vietnamese as `lms demo` does; the role accounts' passwords."""
    with force_locale("vi"):
        passwords = demo.seed()
    db.session.commit()
    return passwords


def test_every_page_of_every_role_is_accessible_on_a_phone(
    browser: Browser, live_server: str, demo_passwords: dict[str, str]
):
    """Each role's pages (and a visitor's) at 360 px: no serious or critical axe-core
    violation, nothing wider than the screen, no repeated id, no console error. One browser
    context per role.
    """
    problems = []
    for role in ROLES:
        context = browser.new_context(base_url=live_server, viewport=PHONE)
        page = context.new_page()
        crawl = RoleCrawl(page, live_server, role)
        page.on("console", crawl.on_console)
        if role != VISITOR:
            log_in(page, role, demo_passwords[role])
        crawl.run()
        context.close()
        assert not crawl.queue, f"{role}: the crawl stopped at {MAX_PAGES} pages"
        assert crawl.pages >= (1 if role == VISITOR else 10), f"{role}: {crawl.pages} pages"
        problems += crawl.problems
    assert not problems, "\n".join(problems)


def test_the_focus_ring_stands_out_from_what_is_behind_it(page: Page, live_server: str):
    """Every keyboard stop of the log-in page (red header, grey page, white card) shows a ring
    of at least 3:1 against the background it is drawn on (WCAG 1.4.11).
    """
    page.goto("/login")
    stops = []
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.body"):
            break
        stops.append(page.evaluate(FOCUS_RING))
    assert len({stop["element"] for stop in stops}) >= 6
    weak = [stop for stop in stops if stop["outline"] < 2 or stop["ratio"] < 3]
    assert not weak, weak
