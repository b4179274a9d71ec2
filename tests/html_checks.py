"""Accessibility checks read from served HTML, no browser needed: Label in Name (WCAG 2.5.3: a
voice user says what a link or button shows, so its accessible name starts with its visible
text) and ids repeated in a page (a label then names another form's field).
"""

from collections import Counter
from html.parser import HTMLParser

CONTROLS = ("a", "button")

#: Pages the crawls cannot reach by a link, only by a GET form: the catalogue's search results
#: (words found and marked, a module named, nothing found).
FORM_ONLY_PAGES = ("/courses/?q=CNTT", "/courses/?q=chu+ky+so", "/courses/?q=zzqx")


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


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        self.ids.update(value for name, value in attrs if name == "id" and value)


def repeated_ids(html: str) -> list[str]:
    """The ids that more than one element of the page carries."""
    ids = _Ids()
    ids.feed(html)
    return sorted(name for name, n in ids.ids.items() if n > 1)
