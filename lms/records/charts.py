"""Bar charts drawn on the server as inline SVG: no script runs (the CSP forbids inline ones),
the figures print, and a screen reader gets the title and each bar's label and value."""

from markupsafe import Markup, escape

from lms.i18n import format_number

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 260
BAR_WIDTH = 300
VALUE_WIDTH = 80


def bar_chart(
    title: str, bars: list[tuple[str, float | int | None]], percent: bool = False
) -> Markup:
    """Horizontal bars, one per (label, value); a percent chart's scale ends at 100."""
    values = [value or 0 for _label, value in bars]
    top = 100 if percent else max(values, default=0) or 1
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = max(len(bars), 1) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(BAR_WIDTH * (value or 0) / top, 1)
        shown = "—" if value is None else format_number(value, 1 if percent else 0)
        if percent and value is not None:
            shown += "%"
        text_y = y + BAR_HEIGHT * 0.7
        parts.append(
            f'<g><text x="{LABEL_WIDTH - 6}" y="{text_y}" text-anchor="end" class="chart-label">'
            f"{escape(_short(label))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
            f'class="chart-bar"><title>{escape(label)}: {escape(shown)}</title></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{text_y}" class="chart-value">'
            f"{escape(shown)}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
