"""The bench's table: each HTTP scenario's statements per request and its largest worker's
resident size before and after it, beside the rates."""

from bench.report import format_tables

FIGURES = {"p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0, "errors": 0}


def test_a_row_shows_queries_and_the_largest_workers_memory():
    row = {
        "scenario": "class",
        "rps": 10.0,
        "ceiling_rps": 100.0,
        "ratio": 0.1,
        "queries_per_request": 5.0,
        "workers_rss_mb": {"before": {"7": 98.0, "8": 120.5}, "after": {"7": 99.0, "8": 131.2}},
        **FIGURES,
    }
    results = {"http": {"ceiling": {"rps": 100.0, **FIGURES}, "scenarios": [row]}}
    header, _rule, _hello, line = format_tables(results).splitlines()
    assert header.split()[-5:] == ["queries", "worker", "MB", "before", "after"]
    assert line.split()[-3:] == ["5.0", "120.5", "131.2"]
