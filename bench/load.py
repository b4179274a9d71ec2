"""HTTP load generator: logs in once, then hammers one URL and prints latency figures as JSON.

Pure standard library, run as its own process so the client never shares an interpreter (or a
GIL) with the runner. Each of `--concurrency` threads holds one `http.client` connection, kept
alive when the server allows it (gunicorn's sync workers close after every response, so there the
connection is reopened, as a proxy in front of them would). Bounded by `--duration` seconds and
`--max-requests`, whichever comes first.

    python bench/load.py --url http://127.0.0.1:8000/ --duration 10 --concurrency 4 \
        --login-user benchuser   # password from the BENCH_PASSWORD environment variable

With `--targets FILE` every request is a different one instead: the next line of the file
(JSON: path, cookie, token, body), so many learners, each with their own session, can be
simulated. The lines are used in turn, round and round; with `--targets-part I/N` only the I-th
of N consecutive parts is used, and only once (the run ends when they are used up), for requests
that cannot be repeated, such as submitting an attempt.
"""

import argparse
import http.client
import json
import os
import resource
import sys
import threading
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

#: Errors that end one request, not the run: the thread reconnects and goes on.
REQUEST_ERRORS = (OSError, http.client.HTTPException)
#: The header in which the bench's LMS (bench/counted.py) says how many SQL statements the
#: request ran; the clients add it up over the run.
QUERIES_HEADER = "X-Bench-Queries"


def query_figures(total: int, counted: int, most: int) -> dict:
    """Statements per request over the answers that carried the header (none: the hello page)."""
    if not counted:
        return {"queries_per_request": None, "queries_max": None, "queries_counted": 0}
    return {
        "queries_per_request": round(total / counted, 2),
        "queries_max": most,
        "queries_counted": counted,
        "queries_total": total,
    }


class LoginFailed(RuntimeError):
    """The load client could not log in, so its figures would measure the log-in page."""


class _TokenFinder(HTMLParser):
    """Finds the value of the first `<input name="csrf_token">` on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.token: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        fields = dict(attrs)
        if tag == "input" and fields.get("name") == "csrf_token" and self.token is None:
            self.token = fields.get("value")


def find_csrf_token(html: str) -> str | None:
    finder = _TokenFinder()
    finder.feed(html)
    return finder.token


class Client:
    """One keep-alive connection with its own cookie jar."""

    def __init__(self, host: str, port: int, cookies: dict[str, str] | None = None) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self.cookies = dict(cookies or {})

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        sent = {"Accept": "text/html,application/json", "Accept-Encoding": "identity"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
            payload = response.read()
        except REQUEST_ERRORS:
            self.connection.close()
            raise
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        return response.status, dict(response.headers.items()), payload

    def _keep_cookies(self, set_cookie_headers: list[str]) -> None:
        for header in set_cookie_headers:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def close(self) -> None:
        self.connection.close()


def log_in(host: str, port: int, login_path: str, username: str, password: str) -> dict:
    """Log in through the form (GET the token, POST it back) and return the session cookies."""
    client = Client(host, port)
    try:
        status, _, page = client.request("GET", login_path)
        token = find_csrf_token(page.decode("utf-8", "replace"))
        if status != 200 or token is None:
            raise LoginFailed(f"GET {login_path} answered {status} without a csrf_token field")
        form = urlencode({"csrf_token": token, "username": username, "password": password})
        status, headers, _ = client.request(
            "POST",
            login_path,
            body=form.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        location = headers.get("Location", "")
        if status not in (302, 303) or urlsplit(location).path == login_path:
            raise LoginFailed(f"POST {login_path} answered {status} (wrong password or throttled?)")
        return client.cookies
    finally:
        client.close()


def fetch_csrf_token(host: str, port: int, path: str, cookies: dict) -> tuple[str, dict]:
    """The CSRF token of a page seen with these cookies, for scenarios that POST."""
    client = Client(host, port, cookies)
    try:
        status, _, page = client.request("GET", path)
    finally:
        client.close()
    token = find_csrf_token(page.decode("utf-8", "replace"))
    if status != 200 or token is None:
        raise LoginFailed(f"GET {path} answered {status} without a csrf_token field")
    return token, client.cookies


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 for an empty one)."""
    if not ordered:
        return 0.0
    rank = max(1, round(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def part_of(lines: list, part: str) -> list:
    """The I-th of N consecutive parts of `lines` (`part` is "I/N"), for requests used once."""
    index, count = (int(value) for value in part.split("/"))
    size = -(-len(lines) // count)
    return lines[(index - 1) * size : index * size]


class Targets:
    """The requests of a targets file, handed out in turn to every thread (thread-safe)."""

    def __init__(self, path: str, part: str | None = None) -> None:
        with open(path, encoding="utf-8") as handle:
            lines = [json.loads(line) for line in handle if line.strip()]
        self.once = part is not None
        if part is not None:
            lines = part_of(lines, part)
        if not lines:
            raise ValueError(f"no requests in {path} (part {part})")
        self.requests = [self._prepare(line) for line in lines]
        self.lock = threading.Lock()
        self.next = 0

    @staticmethod
    def _prepare(line: dict) -> tuple[str, bytes | None, dict[str, str]]:
        headers = {"Cookie": line["cookie"]} if line.get("cookie") else {}
        if line.get("token"):
            headers["X-CSRFToken"] = line["token"]
        headers.update(line.get("headers") or {})
        body = line.get("body")
        return line["path"], body.encode() if body is not None else None, headers

    def take(self) -> tuple[str, bytes | None, dict[str, str]] | None:
        """The next request, or None once a part used only once is used up."""
        with self.lock:
            if self.once and self.next >= len(self.requests):
                return None
            request = self.requests[self.next % len(self.requests)]
            self.next += 1
            return request


class Hammer:
    """Threads that send the same request (or the targets in turn) until the deadline or cap."""

    def __init__(
        self, args: argparse.Namespace, cookies: dict[str, str], targets: Targets | None = None
    ) -> None:
        self.args = args
        self.cookies = cookies
        url = urlsplit(args.url)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.path = url.path or "/"
        if url.query:
            self.path += "?" + url.query
        self.body = args.body.encode() if args.body is not None else None
        self.headers = {"Content-Type": args.content_type} if self.body is not None else {}
        self.targets = targets
        self.lock = threading.Lock()
        self.issued = 0
        self.latencies: list[list[float]] = []
        self.errors: list[int] = []
        self.error_kinds: dict[str, int] = {}
        #: Statements per request as the server reported them (QUERIES_HEADER), per thread.
        self.queries: list[list[int]] = []

    def run(self, seconds: float, cap: int, record: bool) -> tuple[list[float], int, float]:
        """Run for `seconds` (or `cap` requests); return sorted latencies (s), errors, elapsed."""
        self.issued, self.latencies, self.errors, self.queries = 0, [], [], []
        deadline_box: list[float] = []
        start = threading.Barrier(self.args.concurrency + 1)
        threads = [
            threading.Thread(target=self._worker, args=(i, start, deadline_box, cap), daemon=True)
            for i in range(self.args.concurrency)
        ]
        for i, thread in enumerate(threads):
            self.latencies.append([])
            self.errors.append(0)
            self.queries.append([])
            thread.name = f"load-{i}"
            thread.start()
        began = time.perf_counter()
        deadline_box.append(began + seconds)
        start.wait()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        latencies = sorted(value for chunk in self.latencies for value in chunk) if record else []
        return latencies, sum(self.errors), elapsed

    def _take(self, cap: int) -> bool:
        with self.lock:
            if self.issued >= cap:
                return False
            self.issued += 1
            return True

    def _worker(self, index: int, start: threading.Barrier, deadline_box: list, cap: int) -> None:
        client = Client(self.host, self.port, self.cookies)
        mine, counts = self.latencies[index], self.queries[index]
        start.wait()
        deadline = deadline_box[0]
        method, path, body, headers = self.args.method, self.path, self.body, self.headers
        expect = self.args.expect_status
        clock = time.perf_counter
        try:
            while clock() < deadline and self._take(cap):
                if self.targets is not None:
                    target = self.targets.take()
                    if target is None:
                        break
                    path, body, extra = target
                    headers = {"Content-Type": self.args.content_type, **extra}
                sent = clock()
                try:
                    status, answer, _ = client.request(method, path, body, headers)
                except REQUEST_ERRORS as error:
                    self._failed(index, type(error).__name__)
                    continue
                if status != expect:
                    self._failed(index, f"HTTP {status}")
                    continue
                mine.append(clock() - sent)
                if QUERIES_HEADER in answer:
                    counts.append(int(answer[QUERIES_HEADER]))
        finally:
            client.close()

    def _failed(self, index: int, kind: str) -> None:
        self.errors[index] += 1
        with self.lock:
            self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="http://127.0.0.1:PORT/path to hammer")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds (default 10)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unrecorded seconds first")
    parser.add_argument("--concurrency", type=int, default=4, help="threads (connections)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="request cap")
    parser.add_argument("--method", default="GET")
    parser.add_argument("--body", default=None, help="request body (for POST scenarios)")
    parser.add_argument("--content-type", default="application/x-www-form-urlencoded")
    parser.add_argument("--expect-status", type=int, default=200, help="anything else is an error")
    parser.add_argument("--login-user", default=None, help="log in first (BENCH_PASSWORD env)")
    parser.add_argument("--login-path", default="/login")
    parser.add_argument("--csrf-from", default=None, help="page whose csrf_token to send")
    parser.add_argument("--latencies", default=None, help="also write each latency (ms) here")
    parser.add_argument("--targets", default=None, help="JSON lines: a different request each")
    parser.add_argument("--targets-part", default=None, help="I/N: only this part, only once")
    args = parser.parse_args(argv)
    host = urlsplit(args.url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("traffic stays on this machine: the URL must point at 127.0.0.1")
    if args.concurrency < 1 or args.duration <= 0 or args.max_requests < 1:
        parser.error("--concurrency, --duration and --max-requests must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cookies: dict[str, str] = {}
    token = None
    url = urlsplit(args.url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    try:
        if args.login_user:
            password = os.environ.get("BENCH_PASSWORD", "")
            cookies = log_in(host, port, args.login_path, args.login_user, password)
        if args.csrf_from:
            token, cookies = fetch_csrf_token(host, port, args.csrf_from, cookies)
    except (LoginFailed, *REQUEST_ERRORS) as error:
        print(json.dumps({"error": f"preparing the client failed: {error}"}))
        return 2
    try:
        targets = Targets(args.targets, args.targets_part) if args.targets else None
    except (OSError, ValueError) as error:
        print(json.dumps({"error": f"reading the targets failed: {error}"}))
        return 2
    hammer = Hammer(args, cookies, targets)
    if token:
        hammer.headers["X-CSRFToken"] = token
    if args.warmup > 0:
        hammer.run(args.warmup, args.max_requests, record=False)
        hammer.error_kinds.clear()
    cpu_before = _cpu_seconds()
    latencies, errors, elapsed = hammer.run(args.duration, args.max_requests, record=True)
    client_cpu = _cpu_seconds() - cpu_before
    ok = len(latencies)
    counts = [n for thread in hammer.queries for n in thread]
    result = {
        **query_figures(sum(counts), len(counts), max(counts, default=0)),
        "url": args.url,
        "method": args.method,
        "concurrency": args.concurrency,
        "seconds": round(elapsed, 3),
        "requests": ok + errors,
        "errors": errors,
        "error_kinds": hammer.error_kinds,
        "rps": round(ok / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "max_ms": round((latencies[-1] if latencies else 0.0) * 1000, 2),
        # How much of the machine the client itself used: on 2 shared cores it matters.
        "client_cpu_ms_per_request": round(client_cpu * 1000 / max(ok + errors, 1), 3),
    }
    if args.latencies:
        with open(args.latencies, "w", encoding="ascii") as handle:
            handle.writelines(f"{value * 1000:.3f}\n" for value in latencies)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
