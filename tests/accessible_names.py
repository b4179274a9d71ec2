"""Label in Name (WCAG 2.5.3) read from served HTML: a voice user says what a link or button
shows, so its accessible name must start with its visible text.
"""

from html.parser import HTMLParser

CONTROLS = ("a", "button")


class _NamedControls(HTMLParser):
    """(aria-label, visible text) of every link and button that has an aria-label."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._open: list[tuple[str, str | None, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        if tag in CONTROLS:
            self._open.append((tag, dict(attrs).get("aria-label"), []))

    def handle_endtag(self, tag):
        if tag in CONTROLS and self._open and self._open[-1][0] == tag:
            _, label, text = self._open.pop()
            if label is not None:
                self.found.append((label, " ".join("".join(text).split())))

    def handle_data(self, data):
        for _, _, text in self._open:
            text.append(data)


def names_not_starting_with_text(html: str) -> list[str]:
    """The links and buttons whose aria-label does not start with their visible text."""
    controls = _NamedControls()
    controls.feed(html)
    return [
        f"{text!r} named {label!r}"
        for label, text in controls.found
        if not " ".join(label.split()).casefold().startswith(text.casefold())
    ]
