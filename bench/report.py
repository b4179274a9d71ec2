"""The tables a bench run prints: HTTP scenarios beside the hello ceiling (with the statements
per request and the workers' memory), and the function scenarios' time and memory."""


def _cell(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}" if isinstance(value, float) else str(value)


def format_tables(results: dict) -> str:
    lines = []
    http = results.get("http")
    if http:
        header = (
            "scenario",
            "req/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "errors",
            "hello req/s",
            "ratio",
            "queries",
            "worker MB before",
            "after",
        )
        table = [header]
        ceiling = http["ceiling"]
        table.append(
            (
                "hello",
                _cell(ceiling["rps"]),
                _cell(ceiling["p50_ms"], 2),
                _cell(ceiling["p95_ms"], 2),
                _cell(ceiling["p99_ms"], 2),
                _cell(ceiling["errors"]),
                "",
                "1.00",
                "0",
                "",
                "",
            )
        )
        for row in http["scenarios"]:
            rss = row["workers_rss_mb"]
            # The largest worker's, before and after: the one a 200 MB limit would hit first.
            memory = tuple(_cell(max(rss[when].values(), default=None)) for when in rss)
            if "error" in row:
                table.append((row["scenario"], f"failed: {row['error']}", *[""] * 7, *memory))
                continue
            table.append(
                (
                    row["scenario"],
                    _cell(row["rps"]),
                    _cell(row["p50_ms"], 2),
                    _cell(row["p95_ms"], 2),
                    _cell(row["p99_ms"], 2),
                    _cell(row["errors"]),
                    _cell(row["ceiling_rps"]),
                    _cell(row["ratio"], 2),
                    _cell(row["queries_per_request"]),
                    *memory,
                )
            )
        lines += _align(table)
        for row in http["scenarios"]:
            if row.get("users_served"):
                lines.append(
                    f"{row['scenario']}: {row['rps']:,.1f} req/s serves about "
                    f"{row['users_served']:,} users sending one every {row['every_seconds']:g} s."
                )
    functions = results.get("functions")
    if functions:
        if lines:
            lines.append("")
        table = [("scenario", "seconds", "max RSS MB", "RSS growth MB", "Python peak MB", "items")]
        for row in functions:
            if "error" in row:
                table.append((row["scenario"], f"failed: {row['error']}", "", "", "", ""))
                continue
            table.append(
                (
                    row["scenario"],
                    _cell(row["seconds"], 3),
                    _cell(row["max_rss_mb"]),
                    _cell(row["rss_growth_mb"]),
                    _cell(row["tracemalloc_peak_mb"]),
                    _cell(row["items"]),
                )
            )
        lines += _align(table)
    return "\n".join(lines)


def _align(table: list[tuple]) -> list[str]:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    out = []
    for number, row in enumerate(table):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        out.append("  ".join(cells).rstrip())
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    return out
