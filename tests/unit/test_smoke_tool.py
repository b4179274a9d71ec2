"""The smoke check's crawler (tools/smoke.py): what it follows, what it flags, what it reads."""

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import xlsxwriter

from tools.smoke import (
    SECURITY_HEADERS,
    XLSX_TYPE,
    Browser,
    Crawl,
    PageLinks,
    Response,
    check_response,
    demo_passwords,
    out_of_range_variants,
    same_site_path,
)

BASE = "http://127.0.0.1:5104"
HARDENED = {name.lower(): "x" for name in SECURITY_HEADERS} | {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
}


def targets(html: str) -> list[str]:
    parser = PageLinks()
    parser.feed(html)
    return parser.targets()


def test_links_and_get_forms_with_their_default_values():
    """A GET form becomes the URL a plain click on its button sends; POST forms are not followed."""
    html = """
    <a href="/classes/1">class</a>
    <form method="get" action="/admin/people">
      <input name="q" value="">
      <select name="unit"><option value="">all</option><option value="7" selected>7</option>
      </select>
      <select name="status"><option value="open">open</option></select>
      <input type="checkbox" name="sub" value="1" checked><input type="checkbox" name="x">
      <textarea name="note">hi</textarea>
      <button type="submit">Find</button>
    </form>
    <form method="post" action="/logout"><input name="csrf_token" value="t"></form>
    """
    assert targets(html) == [
        "/classes/1",
        "/admin/people?q=&unit=7&status=open&sub=1&note=hi",
    ]


def test_only_same_site_links_are_followed_without_fragments():
    """Other hosts, mail links, fragments and the log-out and language paths are left alone."""
    page = BASE + "/classes/1"
    assert same_site_path(BASE, page, "roster?page=2#top") == "/classes/roster?page=2"
    assert same_site_path(BASE, page, "/results/class/1/export/roster.csv") == (
        "/results/class/1/export/roster.csv"
    )
    for href in ("https://evil.example/", "mailto:a@b.vn", "#main", "/logout", "/language"):
        assert same_site_path(BASE, page, href) is None


def test_query_variants_of_one_path_are_capped():
    """A list with many filter combinations is sampled, not walked to the end."""
    crawl = Crawl(Browser(BASE), "quantri", logged_in=True)
    for page in range(1, 50):
        crawl.offer(f"/admin/people?page={page}", "/admin/people")
    crawl.offer("/admin/people", "/")
    queued = [url for url, _ in crawl.queue]
    assert len(queued) == 9 and queued[-1] == "/admin/people"


def test_server_errors_missing_headers_and_caching_are_reported():
    """A 5xx, an HTML page without a security header, a personal page that may be cached."""
    assert list(check_response("/x", Response(502, {}, b""), logged_in=False)) == ["server error"]
    bare = Response(200, {"content-type": "text/html"}, b"<p>")
    problems = list(check_response("/", bare, logged_in=True))
    assert problems[0].startswith("HTML without Content-Security-Policy")
    assert "no-store" in problems[1]
    assert list(check_response("/", Response(200, HARDENED, b"<p>"), logged_in=True)) == []


def test_static_files_may_be_cached():
    """Stylesheets and scripts are public: no no-store is asked of them."""
    css = Response(200, {"content-type": "text/css"}, b"body{}")
    assert list(check_response("/static/css/lms.css", css, logged_in=True)) == []


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet().write_row(0, 0, ["Họ và tên", "Điểm"])
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content_type", "body", "fine"),
    [
        (XLSX_TYPE, xlsx_bytes(), True),
        (XLSX_TYPE, b"PK\x03\x04 not a workbook", False),
        ("text/csv", "Họ và tên\r\nMai\r\n".encode(), True),
        ("text/csv", "Tên".encode("cp1258"), False),
        ("application/xml", b"<quiz></quiz>", True),
        ("application/xml", b"<quiz>", False),
    ],
)
def test_downloads_must_parse(content_type, body, fine):
    """XLSX opens with openpyxl, CSV decodes as UTF-8, XML parses."""
    headers = {"content-type": content_type, "cache-control": "no-store"}
    problems = list(check_response("/export", Response(200, headers, body), logged_in=True))
    assert (problems == []) is fine


def test_demo_passwords_are_read_from_the_demo_output():
    """The passwords printed once by `lms demo` are found whatever the language of the text."""
    output = "Thư mục: /tmp/x\nTài khoản:\n  hocvien    a1\n  giangvien  b2\n  tochuc  c3\n"
    output += "  quantri    d4\nQuizzes: 4\n"
    assert demo_passwords(output) == {
        "hocvien": "a1",
        "giangvien": "b2",
        "tochuc": "c3",
        "quantri": "d4",
    }


class _Site(BaseHTTPRequestHandler):
    """Home links to a page that fails and to a CSV that is not UTF-8."""

    pages = {
        "/": (200, "text/html", b'<a href="/broken">b</a> <a href="/list.csv">csv</a>'),
        "/broken": (500, "text/html", b"boom"),
        "/list.csv": (200, "text/csv", "Tên".encode("utf-16")),
    }

    def do_GET(self):
        status, kind, body = self.pages[self.path]
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for name in SECURITY_HEADERS:
            self.send_header(name, "x")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_crawl_reports_each_failure_with_the_page_that_led_there(site):
    """Every finding names the role, the URL, the status and the referring page."""
    report = Crawl(Browser(site), "anonymous", logged_in=False).run()
    found = {(f.url, f.status, f.referrer) for f in report.failures}
    assert found == {("/broken", 500, "/"), ("/list.csv", 200, "/")}
    assert report.pages == 1


def test_course_files_may_be_cached_privately_but_exports_may_not():
    """A module's image keeps `private` caching; a CSV export with it is a finding."""
    headers = {"content-type": "image/png", "cache-control": "private, max-age=3600"}
    image = Response(200, headers, b"\x89PNG")
    assert list(check_response("/learn/1/modules/assets/a.png", image, logged_in=True)) == []
    export = Response(200, {"content-type": "text/csv", "cache-control": "private"}, b"a\r\n")
    assert list(check_response("/classes/1/export/roster.csv", export, logged_in=True)) != []


def test_each_kind_of_address_is_probed_once_with_numbers_past_the_range():
    """One variant per number of the first URL of each shape; words and text arguments stay."""
    urls = [
        "/classes/1/roster?page=2&status=enrolled",
        "/classes/2/roster?page=3&status=enrolled",
        "/results/quiz/5/export/results.csv",
        "/courses/",
    ]
    assert out_of_range_variants(urls) == [
        ("/classes/3000000000/roster?page=2&status=enrolled", urls[0]),
        (f"/classes/1/roster?page={'9' * 26}&status=enrolled", urls[0]),
        ("/results/quiz/3000000000/export/results.csv", urls[2]),
    ]
