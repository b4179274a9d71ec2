"""The wrk side of the bench: the Lua script it is given, the figures read back from its output,
and runs pooled without raw latencies.
"""

import json
import shutil
import threading
from argparse import Namespace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import wrk
from bench.run import failures, keep_server_log, pool

OUTPUT = """Running 2s test @ http://127.0.0.1:8001
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.10ms    1.20ms  20.00ms   80.00%
  10000 requests in 2.00s, 1.50MB read
Requests/sec:   5000.00
BENCH_JSON {"requests": 10000, "duration_us": 2000000, "unexpected": 20, "connect": 0, \
"read": 3, "write": 0, "status": 20, "timeout": 1, "p50_us": 2900, "p95_us": 5100, \
"p99_us": 8000, "max_us": 20000}
"""


def test_lua_strings_escape_quotes_backslashes_and_vietnamese():
    """Every byte that is not plain printable ASCII becomes a decimal escape, so cookies,
    JSON bodies and Vietnamese text reach wrk byte for byte."""
    assert wrk.lua_string('a"b\\c') == '"a\\034b\\092c"'
    assert wrk.lua_string("đ\n") == '"\\196\\145\\010"'
    assert wrk.lua_string("s=abc.DEF-1_2") == '"s=abc.DEF-1_2"'


def test_script_holds_each_request_and_the_expected_status():
    requests = [
        (
            "POST",
            "/quiz/attempt/1/autosave",
            {"Cookie": "lms_session=x1", "X-CSRFToken": "t1"},
            '{"answers": {}}',
        ),
        ("POST", "/quiz/attempt/2/autosave", {"Cookie": "lms_session=x2"}, None),
    ]
    script = wrk.lua_script(requests, expect=200)
    assert script.count('{"POST", "/quiz/attempt/') == 2
    assert '["Cookie"] = "lms_session=x2"}, nil}' in script
    assert '"{\\034answers\\034: {}}"' in script
    assert "local expect = 200" in script and "function done(summary, latency, requests)" in script
    with pytest.raises(ValueError):
        wrk.lua_script([], expect=200)


def test_output_gives_good_answers_per_second_and_errors_by_kind():
    """Unexpected statuses are errors and not counted in req/s; wrk's own status errors are
    the same answers, so they are not counted twice."""
    figures = wrk.parse_output(OUTPUT)
    assert figures["rps"] == (10000 - 20) / 2
    assert figures["errors"] == 24
    assert figures["error_kinds"] == {"unexpected": 20, "read": 3, "timeout": 1}
    assert (figures["p50_ms"], figures["p95_ms"], figures["p99_ms"]) == (2.9, 5.1, 8.0)


def test_output_without_the_scripts_line_is_refused():
    with pytest.raises(ValueError, match="no figures"):
        wrk.parse_output("Running 2s test\nRequests/sec: 5000\n")


def test_requests_of_a_targets_file_keep_each_learners_cookie_and_token(tmp_path):
    path = tmp_path / "targets.jsonl"
    lines = [
        {"path": f"/a/{n}", "cookie": f"s={n}", "token": f"t{n}", "body": "{}"} for n in (1, 2)
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    args = Namespace(targets=str(path), method="POST", content_type="application/json")
    requests = wrk.requests_of(args, {}, None)
    assert requests[1] == (
        "POST",
        "/a/2",
        {"Content-Type": "application/json", "Cookie": "s=2", "X-CSRFToken": "t2"},
        "{}",
    )


def test_one_url_carries_the_logged_in_cookie():
    args = Namespace(targets=None, url="http://127.0.0.1:9/learn/3", method="GET", body=None)
    ((method, path, headers, body),) = wrk.requests_of(args, {"lms_session": "abc"}, None)
    assert (method, path, body) == ("GET", "/learn/3", None)
    assert headers["Cookie"] == "lms_session=abc"


def test_command_stays_on_the_given_url_with_at_most_two_threads(tmp_path):
    command = wrk.wrk_command("http://127.0.0.1:8001", 6, 16, tmp_path / "b.lua")
    assert command[:4] == ["wrk", "-t2", "-c16", "-d6s"] and command[-1] == "http://127.0.0.1:8001"


def test_runs_without_latencies_pool_by_requests():
    runs = [
        {
            "seconds": 2.0,
            "requests": 100,
            "errors": 0,
            "rps": 50.0,
            "p50_ms": 10.0,
            "p95_ms": 20.0,
            "p99_ms": 30.0,
        },
        {
            "seconds": 2.0,
            "requests": 300,
            "errors": 1,
            "rps": 149.5,
            "p50_ms": 2.0,
            "p95_ms": 4.0,
            "p99_ms": 6.0,
        },
    ]
    pooled = pool(runs)
    assert pooled["rps"] == 99.8 and pooled["errors"] == 1 and pooled["p50_ms"] == 4.0


def test_output_gives_the_statements_per_request_the_server_reported():
    """The script adds up each answer's X-Bench-Queries header; the mean and the most come back."""
    line = OUTPUT.rstrip("\n").removesuffix("}") + ', "queries": 49900, "counted": 9980, '
    figures = wrk.parse_output(line + '"queries_max": 7}\n')
    assert figures["queries_per_request"] == 5.0 and figures["queries_max"] == 7
    assert figures["queries_counted"] == 9980


def test_answers_without_the_header_give_no_statement_count():
    """The hello page sends no count: none is made up."""
    assert wrk.parse_output(OUTPUT)["queries_per_request"] is None


def test_runs_pool_statements_by_answers_counted():
    base = {"seconds": 1.0, "requests": 10, "errors": 0, "rps": 10.0}
    base.update(p50_ms=1.0, p95_ms=1.0, p99_ms=1.0)
    runs = [
        {**base, "queries_total": 40, "queries_counted": 10, "queries_max": 4},
        {**base, "queries_total": 180, "queries_counted": 30, "queries_max": 9},
    ]
    pooled = pool(runs)
    assert pooled["queries_per_request"] == 5.5 and pooled["queries_max"] == 9


def test_a_scenario_answered_in_none_of_its_runs_fails():
    """A download slower than the run is no result of 0 req/s: the row says to run longer."""
    silent = {"seconds": 2.0, "requests": 0, "errors": 0}
    assert "longer --duration" in failures([silent], [{**silent, "requests": 900}])[0]
    assert failures([{**silent, "requests": 3}], [{**silent, "requests": 900}]) == []
    assert failures([{"error": "wrk: boom"}], []) == ["wrk: boom"]


def test_output_reports_a_thread_that_ran_out_of_requests_used_once():
    figures = wrk.parse_output(
        OUTPUT.replace('"max_us": 20000}', '"max_us": 20000, "exhausted": 7}')
    )
    assert figures["error_kinds"]["exhausted"] == 7 and figures["errors"] == 31


def test_a_part_of_the_targets_is_read_for_requests_used_once(tmp_path):
    path = tmp_path / "targets.jsonl"
    path.write_text("".join(json.dumps({"path": f"/s/{n}"}) + "\n" for n in range(10)))
    args = Namespace(
        targets=str(path), targets_part="2/2", method="POST", content_type="text/plain"
    )
    assert [request[1] for request in wrk.requests_of(args, {}, None)] == [
        f"/s/{n}" for n in range(5, 10)
    ]


class _Recorder(BaseHTTPRequestHandler):
    seen: list[str] = []
    #: Paths answered otherwise than the expected 303.
    refused = {"/s/7": 500, "/s/8": 409, "/s/9": 500}

    def do_POST(self):
        self.seen.append(self.path)
        self.send_response(self.refused.get(self.path, 303))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args):
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_requests_used_once_are_each_sent_once_and_running_out_is_counted(tmp_path):
    """Real wrk against a recording server: every request of the list arrives, none twice but
    the last of each thread's share, which a thread that ran out sends again and counts; the
    statuses of the answers that were not the expected one are reported."""
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        requests = [("POST", f"/s/{n}", {}, None) for n in range(40)]
        script = tmp_path / "once.lua"
        script.write_text(wrk.lua_script(requests, expect=303, once_threads=2))
        url = f"http://127.0.0.1:{server.server_address[1]}"
        figures = wrk.run(url, 1, 2, script)
    finally:
        server.shutdown()
        server.server_close()
    seen = _Recorder.seen
    assert set(seen) == {f"/s/{n}" for n in range(40)}
    repeated = {path for path in seen if seen.count(path) > 1}
    assert repeated <= {"/s/38", "/s/39"}  # each thread's last: 38 (even share), 39 (odd)
    # Each repeat the server saw was counted; a thread's last request, made as the second ran
    # out, may be counted and never reach the server (at most one per connection, 2 here).
    repeats = len(seen) - 40
    assert 0 < repeats <= figures["error_kinds"]["exhausted"] <= repeats + 2
    # The refused ones are errors, and which statuses they had is told (a 500 is not a 409).
    assert figures["error_kinds"]["unexpected"] == 3
    assert figures["unexpected_statuses"] == [409, 500]


def test_the_servers_log_is_kept_when_a_scenario_had_errors(tmp_path):
    """Its tracebacks say what the unexpected answers were; a clean run keeps nothing."""
    log = tmp_path / "run" / "lms.log"
    log.parent.mkdir()
    log.write_text("Traceback (most recent call last):\n")
    output = tmp_path / "results" / "latest.json"
    assert keep_server_log([{"scenario": "home", "errors": 0}], log, output) is None
    kept = keep_server_log([{"scenario": "submit", "errors": 1}], log, output)
    assert kept == tmp_path / "results" / "latest-lms.log"
    assert kept.read_text().startswith("Traceback")
