"""Smoke check against the real server: what production sees, not what the test client sees.

    python tools/smoke.py [--database-url URL | --postgres ADMIN_URL] [--lms PATH]

It makes a fresh instance folder, runs `lms demo --no-serve` (reading the demo passwords from
its output), starts `lms serve` (gunicorn, two workers, a free port on 127.0.0.1), waits for
/healthz, then logs in through the log-in form as each demo role (and stays anonymous once) and
follows, breadth-first and once each, every same-site link a person can click: `<a href>` and
GET forms with their default values, every export in every format included. POST forms are never
submitted, so nothing is changed and nobody logs out. Then each kind of address it saw is asked
once more with each of its numbers past the database's range (an id of 3000000000, a query
argument of 26 digits): the answer must be a 4xx page, not a 5xx.

It fails on any 5xx, on an HTML page without the security headers, on a page or export of a
logged-in person without `Cache-Control: no-store` (course files may be cached privately), and
on a download that does not parse (XLSX through openpyxl, CSV and text as UTF-8, XML through
defusedxml). It prints a summary and every
failure with role, URL, status and the page that led there; the exit status is 0 when all held,
1 on failures, 2 when the server could not be set up.

`--postgres` takes an administrator URL (`postgresql://postgres@127.0.0.1:5432/postgres`),
creates a database of its own for the run and drops it afterwards. The `lms` command is the one
installed beside the running Python (the environment's), unless `--lms` names another.
"""

import argparse
import contextlib
import csv
import http.client
import io
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

if not __package__:  # run as `python tools/smoke.py`: import `bench` from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The benchmark's process handling: every child in its own process group, always stopped.
from bench.servers import BenchError, Children, Server, free_port, lms_command, wait_until_ready

ROLES = ("hocvien", "giangvien", "tochuc", "quantri")
ANONYMOUS = "anonymous"
#: Headers every HTML page must carry (set by lms.security.add_security_headers).
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
)
#: Distinct query strings followed per path: enough for filters and a few pages of a list.
QUERY_VARIANTS_PER_PATH = 8
#: A crawl that reaches this many URLs for one role is looping; it stops and says so.
MAX_URLS_PER_ROLE = 3000
#: Paths never followed even as GET links: they end the session or switch the language.
SKIPPED_PATHS = ("/logout", "/language")
#: Course files (a module's images and PDFs) are content, not personal data: cached privately.
COURSE_FILES = "/modules/assets/"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REQUEST_TIMEOUT = 60


class SetupError(BenchError):
    """The demo or the server could not be prepared; nothing was crawled."""


# --- reading pages -----------------------------------------------------------------------------


@dataclass
class _Form:
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    #: Per select: its name, the value of its selected option and of its first option.
    selects: dict[str, list[str | None]] = field(default_factory=dict)
    textarea: str | None = None
    textarea_text: list[str] = field(default_factory=list)


class PageLinks(HTMLParser):
    """Collects the clickable targets of a page: `<a href>` and GET forms as submitted unchanged.

    A GET form's URL carries what a browser would send on a plain click of its first submit
    button: text inputs with their values, checked boxes and radios, each select's selected (or
    first) option, textareas with their text, hidden inputs.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self._form = _Form(
                method=attributes.get("method", "get").lower(),
                action=attributes.get("action", ""),
            )
            self.forms.append(self._form)
        elif self._form is not None:
            self._form_field(tag, attributes)

    def _form_field(self, tag: str, attributes: dict[str, str]) -> None:
        form = self._form
        assert form is not None
        name = attributes.get("name")
        disabled = "disabled" in attributes
        if tag == "input" and name and not disabled:
            kind = attributes.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            value = attributes.get("value", "on" if kind in {"checkbox", "radio"} else "")
            form.fields.append((name, value))
        elif tag == "select" and name and not disabled:
            self._select = name
            form.selects[name] = [None, None]
            form.fields.append((name, ""))
        elif tag == "option" and self._select is not None:
            choice = form.selects[self._select]
            value = attributes.get("value", "")
            if choice[1] is None:
                choice[1] = value
            if "selected" in attributes:
                choice[0] = value
        elif tag == "textarea" and name and not disabled:
            form.textarea = name
            form.textarea_text = []

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._form.textarea is not None:
            self._form.textarea_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if tag == "form":
            self._form = None
        elif form is None:
            return
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and form.textarea is not None:
            form.fields.append((form.textarea, "".join(form.textarea_text)))
            form.textarea = None

    def targets(self) -> list[str]:
        """Links first, then each GET form's URL with its default values."""
        found = list(self.links)
        for form in self.forms:
            if form.method != "get":
                continue
            values = []
            for name, value in form.fields:
                if name in form.selects:
                    selected, first = form.selects[name]
                    value = selected if selected is not None else (first or "")
                values.append((name, value))
            action = form.action.split("#", 1)[0]
            base = action.split("?", 1)[0]
            found.append(f"{base}?{urllib.parse.urlencode(values)}" if values else action)
        return found


def login_form_fields(html: str) -> dict[str, str]:
    """The hidden fields of the log-in page's POST form (the CSRF token, a `next`)."""
    parser = PageLinks()
    parser.feed(html)
    for form in parser.forms:
        if form.method == "post" and "username" in dict(form.fields):
            return dict(form.fields)
    raise SetupError("the log-in page has no log-in form")


# --- HTTP --------------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPErrorProcessor):
    """Hand every response back as it is: redirects are links to follow, errors are findings."""

    def http_response(self, request, response):
        return response

    https_response = http_response


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    #: Why the body could not be read to its end (a worker that failed while streaming it).
    broken: str = ""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    @property
    def content_type(self) -> str:
        return self.header("Content-Type").split(";", 1)[0].strip().lower()


class Browser:
    """One person's cookies on one server, without following redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirects()
        )

    def request(self, path: str, form: dict[str, str] | None = None) -> Response:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data)
        status, headers = 0, {}
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as answer:
                status = answer.status
                headers = {name.lower(): value for name, value in answer.headers.items()}
                return Response(status, headers, answer.read())
        except (http.client.HTTPException, OSError) as error:
            return Response(status, headers, b"", f"{type(error).__name__}: {error}")

    def log_in(self, username: str, password: str) -> None:
        page = self.request("/login")
        if page.status != 200:
            raise SetupError(f"GET /login answered {page.status}")
        fields = login_form_fields(page.body.decode("utf-8"))
        fields.update(username=username, password=password)
        answer = self.request("/login", fields)
        target = urllib.parse.urlsplit(answer.header("Location")).path
        if answer.status != 302 or target.endswith("/login"):
            raise SetupError(f"logging in as {username} answered {answer.status} -> {target!r}")


# --- the crawl ---------------------------------------------------------------------------------


@dataclass
class Failure:
    role: str
    url: str
    status: int
    referrer: str
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.role}: {self.url} -> {self.status}: {self.reason} "
            f"(from {self.referrer or 'the start'})"
        )


@dataclass
class RoleReport:
    role: str
    pages: int = 0
    downloads: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    truncated: bool = False
    seconds: float = 0.0
    #: Requests of addresses with their numbers past the range (see out_of_range_variants).
    probes: int = 0


def same_site_path(base: str, page_url: str, href: str) -> str | None:
    """`href` as a path with query (no fragment) when it stays on the server, else None."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    absolute = urllib.parse.urljoin(page_url, href)
    parts = urllib.parse.urlsplit(absolute)
    site = urllib.parse.urlsplit(base)
    if parts.scheme not in {"http", "https"} or parts.netloc != site.netloc:
        return None
    path = parts.path or "/"
    if any(path.endswith(skipped) for skipped in SKIPPED_PATHS):
        return None
    return f"{path}?{parts.query}" if parts.query else path


class Crawl:
    """Breadth-first over one role's clickable links, each distinct URL once."""

    def __init__(self, browser: Browser, role: str, logged_in: bool) -> None:
        self.browser = browser
        self.report = RoleReport(role)
        self.logged_in = logged_in
        self.seen: set[str] = set()
        self.variants: Counter = Counter()
        self.queue: deque[tuple[str, str]] = deque()

    def offer(self, url: str, referrer: str) -> None:
        if url in self.seen:
            return
        path, _, query = url.partition("?")
        if query:
            if self.variants[path] >= QUERY_VARIANTS_PER_PATH:
                return
            self.variants[path] += 1
        if len(self.seen) >= MAX_URLS_PER_ROLE:
            self.report.truncated = True
            return
        self.seen.add(url)
        self.queue.append((url, referrer))

    def run(self, start: str = "/") -> RoleReport:
        began = time.monotonic()
        self.offer(start, "")
        while self.queue:
            url, referrer = self.queue.popleft()
            response = self.browser.request(url)
            self.report.statuses[response.status // 100 * 100] += 1
            for reason in check_response(url, response, self.logged_in):
                self.report.failures.append(
                    Failure(self.report.role, url, response.status, referrer, reason)
                )
            if response.status in {301, 302, 303, 307, 308}:
                self._follow(url, [response.header("Location")])
            elif response.content_type == "text/html":
                self.report.pages += 200 <= response.status < 300
                parser = PageLinks()
                parser.feed(response.body.decode("utf-8", errors="replace"))
                self._follow(url, parser.targets())
            elif 200 <= response.status < 300 and not response.broken:
                self.report.downloads[download_kind(response)] += 1
        self._probe_bounds()
        self.report.seconds = time.monotonic() - began
        return self.report

    def _probe_bounds(self) -> None:
        """Each kind of address seen, once more with its numbers past the database's range."""
        for url, original in out_of_range_variants(sorted(self.seen)):
            response = self.browser.request(url)
            self.report.probes += 1
            for reason in check_response(url, response, self.logged_in):
                self.report.failures.append(
                    Failure(self.report.role, url, response.status, original, reason)
                )

    def _follow(self, url: str, hrefs: list[str]) -> None:
        page_url = self.browser.base + url
        for href in hrefs:
            target = same_site_path(self.browser.base, page_url, href)
            if target is not None:
                self.offer(target, url)


#: Past PostgreSQL's INTEGER in a path; past any 64-bit integer in a query argument.
TOO_BIG_ID = "3000000000"
TOO_BIG_ARGUMENT = "9" * 26
NUMBER_SEGMENT = re.compile(r"(?<=/)\d+(?=/|$)")


def out_of_range_variants(urls: list[str]) -> list[tuple[str, str]]:
    """(variant, original): for the first URL of each shape (numbers left out), the same URL with
    one number at a time replaced by one the database cannot hold. They must give 4xx pages."""
    shapes: set[tuple] = set()
    variants = []
    for url in urls:
        path, _, query = url.partition("?")
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        numeric = [i for i, (_, value) in enumerate(pairs) if value.isdigit()]
        shape = (NUMBER_SEGMENT.sub("#", path), tuple(sorted(pairs[i][0] for i in numeric)))
        if shape in shapes:
            continue
        shapes.add(shape)
        for match in NUMBER_SEGMENT.finditer(path):
            changed = path[: match.start()] + TOO_BIG_ID + path[match.end() :]
            variants.append((f"{changed}?{query}" if query else changed, url))
        for i in numeric:
            changed_pairs = [*pairs[:i], (pairs[i][0], TOO_BIG_ARGUMENT), *pairs[i + 1 :]]
            variants.append((f"{path}?{urllib.parse.urlencode(changed_pairs)}", url))
    return variants


def download_kind(response: Response) -> str:
    kinds = {XLSX_TYPE: "xlsx", "text/csv": "csv", "application/xml": "xml", "text/xml": "xml"}
    return kinds.get(response.content_type, response.content_type or "unknown")


def check_response(url: str, response: Response, logged_in: bool) -> Iterator[str]:
    """What is wrong with one answer, in words (nothing when it is fine)."""
    if response.status >= 500:
        yield "server error"
        return
    if response.broken:
        yield f"no complete answer: {response.broken}"
        return
    static = "/static/" in url
    if response.content_type == "text/html":
        missing = [name for name in SECURITY_HEADERS if not response.header(name)]
        if missing:
            yield "HTML without " + ", ".join(missing)
    caching = response.header("Cache-Control")
    kept_privately = COURSE_FILES in url and "private" in caching
    if logged_in and not static and "no-store" not in caching and not kept_privately:
        yield "personal page without Cache-Control: no-store"
    if 200 <= response.status < 300 and response.content_type != "text/html" and not static:
        problem = unparsable(response)
        if problem:
            yield problem


def unparsable(response: Response) -> str | None:
    """Why a download does not open as its type says, or None when it does."""
    kind = download_kind(response)
    try:
        if kind == "xlsx":
            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(response.body), read_only=True)
            for sheet in book.worksheets:
                for _row in sheet.iter_rows(values_only=True):
                    pass
            book.close()
        elif kind == "csv":
            list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
        elif kind == "xml":
            from defusedxml.ElementTree import fromstring

            fromstring(response.body)
        elif response.content_type.startswith("text/") or response.content_type.endswith("json"):
            response.body.decode("utf-8")
    except Exception as error:  # any parser's complaint is the finding
        return f"{kind} download does not parse: {type(error).__name__}: {error}"
    return None


# --- the server --------------------------------------------------------------------------------


DEMO_LOGIN = re.compile(r"^\s+(" + "|".join(ROLES) + r")\s+(\S+)\s*$")


def demo_passwords(output: str) -> dict[str, str]:
    """The role passwords `lms demo` prints once, read from its output (in any language)."""
    found = {}
    for line in output.splitlines():
        match = DEMO_LOGIN.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    missing = [role for role in ROLES if role not in found]
    if missing:
        raise SetupError(f"`lms demo` printed no password for {', '.join(missing)}:\n{output}")
    return found


def server_environment(instance: Path, database_url: str | None) -> dict[str, str]:
    """The caller's environment without LMS settings, pointed at the smoke instance.

    Unlike the benchmark's, it adds nothing to PYTHONPATH: the installed package is under test.
    """
    env = {name: value for name, value in os.environ.items() if not name.startswith("LMS_")}
    env["LMS_INSTANCE_PATH"] = str(instance)
    if database_url:
        env["LMS_DATABASE_URL"] = database_url
    return env


def prepare_demo(lms: list[str], env: dict[str, str], children: Children) -> dict[str, str]:
    process = children.start(
        [*lms, "demo", "--no-serve"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=900)
    finally:
        children.stop(process)
    if process.returncode:
        raise SetupError(f"`lms demo --no-serve` exited with {process.returncode}:\n{output}")
    return demo_passwords(output)


def serve(lms: list[str], env: dict[str, str], children: Children, log: Path) -> Server:
    """`lms serve` (gunicorn, two workers) on a free port of 127.0.0.1, once /healthz is 200."""
    port = free_port()
    command = [*lms, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    with log.open("wb") as handle:
        process = children.start(
            command, env=env, stdin=subprocess.DEVNULL, stdout=handle, stderr=handle
        )
    server = Server(name="lms serve", port=port, process=process, log=log)
    wait_until_ready(server, "/healthz")
    return server


def logged_errors(log: Path) -> list[str]:
    """Tracebacks and error lines the server logged (the access log is left out)."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return [line for line in text.splitlines() if "Traceback" in line or "Error" in line]


class PostgresDatabase:
    """A database of the run's own on a PostgreSQL server, dropped when the run ends."""

    def __init__(self, admin_url: str) -> None:
        import psycopg

        self.psycopg = psycopg
        self.admin_url = admin_url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.name = f"lms_smoke_{os.getpid()}_{secrets.token_hex(3)}"
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')
        parts = urllib.parse.urlsplit(self.admin_url)
        self.url = urllib.parse.urlunsplit(
            ("postgresql+psycopg", parts.netloc, "/" + self.name, parts.query, "")
        )

    def drop(self) -> None:
        with self.psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# --- the run -----------------------------------------------------------------------------------


def crawl_everyone(base: str, passwords: dict[str, str]) -> list[RoleReport]:
    reports = [Crawl(Browser(base), ANONYMOUS, logged_in=False).run()]
    for role in ROLES:
        browser = Browser(base)
        browser.log_in(role, passwords[role])
        reports.append(Crawl(browser, role, logged_in=True).run())
    return reports


def print_summary(reports: list[RoleReport], seconds: float, database: str) -> int:
    failures = [failure for report in reports for failure in report.failures]
    print(f"smoke on {database}: {len(reports)} roles, {seconds:.1f} s")
    for report in reports:
        downloads = ", ".join(f"{n} {kind}" for kind, n in sorted(report.downloads.items()))
        statuses = " ".join(f"{code // 100}xx:{n}" for code, n in sorted(report.statuses.items()))
        note = " (stopped at the URL cap)" if report.truncated else ""
        print(
            f"  {report.role:<10} {report.pages:>4} pages, downloads: {downloads or 'none'}; "
            f"{statuses}; {report.probes} out-of-range probes; {len(report.failures)} failures; "
            f"{report.seconds:.1f} s{note}"
        )
    for failure in failures:
        print(f"FAIL {failure}")
    truncated = [report.role for report in reports if report.truncated]
    if truncated:
        print(f"FAIL the crawl of {', '.join(truncated)} hit {MAX_URLS_PER_ROLE} URLs")
    print("smoke: " + ("passed" if not failures and not truncated else "FAILED"))
    return 1 if failures or truncated else 0


def run(lms: list[str], database_url: str | None, folder: Path, children: Children) -> int:
    began = time.monotonic()
    env = server_environment(folder / "instance", database_url)
    passwords = prepare_demo(lms, env, children)
    server = serve(lms, env, children, folder / "serve.log")
    reports = crawl_everyone(server.base_url, passwords)
    children.stop(server.process)
    where = database_url.rsplit("@", 1)[-1] if database_url else "SQLite"
    status = print_summary(reports, time.monotonic() - began, where)
    if status:
        for line in logged_errors(server.log)[:40]:
            print(f"  server log: {line}")
    return status


def _stop_on_signal(signum, _frame) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="an empty database for the demo (default: SQLite)")
    where.add_argument(
        "--postgres", metavar="ADMIN_URL", help="create (and drop) a PostgreSQL database"
    )
    parser.add_argument("--lms", help="the lms command (default: the one beside this Python)")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder and its log")
    args = parser.parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on_signal)
    children = Children()
    with contextlib.ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="lms-smoke-"))
        if args.keep:
            stack.callback(print, f"instance folder and server log kept in {folder}")
        else:
            stack.callback(shutil.rmtree, folder, ignore_errors=True)
        try:
            lms = [args.lms] if args.lms else lms_command()
            database_url = args.database_url
            if args.postgres:
                database = PostgresDatabase(args.postgres)
                stack.callback(database.drop)
                database_url = database.url
            stack.callback(children.stop_all)  # runs first: no server outlives the run
            return run(lms, database_url, folder, children)
        except BenchError as error:
            print(f"smoke: could not set up: {error}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("smoke: interrupted; stopping every process this run started", file=sys.stderr)
            return 130


if __name__ == "__main__":
    sys.exit(main())
