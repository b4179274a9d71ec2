"""The one place where trainer-written Markdown becomes HTML: Markdown → nh3 allow-list → Markup,
each table then set in a scroll region a keyboard can reach.

Nothing else in the code base calls `Markup()` on user text or uses `|safe`. Results are cached
by content, since module bodies are rendered on every page view and change rarely.
"""

import re
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser

import markdown
import nh3
from markupsafe import Markup, escape

from lms.i18n import gettext

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "code": {"class"},
    "div": {"class"},
    "span": {"class"},
}
#: Tags that end a block of text: plain text puts a space where they stood, not where an inline
#: tag (a bold syllable) did.
BLOCK_TAGS = re.compile(
    r"</?(?:p|br|li|ul|ol|dl|dt|dd|div|table|caption|thead|tbody|tfoot|tr|td|th|h[2-6]|hr|"
    r"blockquote|pre|figure|figcaption)\b[^>]*>"
)
TAG = re.compile(r"<[^>]*>")
#: Only web links and mail; relative links (course assets) stay relative.
URL_SCHEMES = {"http", "https", "mailto"}
MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists", "attr_list", "def_list"]


def render_markdown(text: str) -> Markup:
    """Render trainer Markdown to sanitised HTML, safe to insert in a page."""
    # The label of a table without caption or header is in the reader's language: part of the key.
    # The text itself is the rest of the key (a string keeps its hash, so a module body the
    # process holds is not hashed again on each page).
    return _render(text, gettext("Table"))


@lru_cache(maxsize=2048)
def _render(text: str, table_label: str) -> Markup:
    html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(scroll_regions(clean, table_label) if "<table" in clean else clean)


def scroll_regions(html: str, fallback_label: str) -> str:
    """`html` (sanitised) with each outermost table inside a focusable, labelled region: a table
    wider than a phone scrolls inside it, and a keyboard can scroll it too (WCAG 2.1.1). The
    region is named by the table's caption, else its first header cell, else `fallback_label`.
    """
    regions = _TableRegions(fallback_label)
    regions.feed(html)
    regions.close()
    if regions.table is not None:  # never from nh3, which closes every table; nothing is dropped
        regions.out.extend(regions.table)
    return "".join(regions.out)


class _TableRegions(HTMLParser):
    """Copies sanitised HTML token by token, wrapping outermost tables. It works on nh3's output
    (balanced, quoted) and only after it, so the wrapper's attributes never pass the allow-list
    and a trainer cannot write them.
    """

    def __init__(self, fallback_label: str) -> None:
        super().__init__(convert_charrefs=False)
        self.fallback_label = fallback_label
        self.out: list[str] = []
        #: The outermost table being read, held back until its label is known.
        self.table: list[str] | None = None
        self.depth = 0
        self.caption: list[str] | None = None
        self.header: list[str] | None = None
        #: Where the label's text is collected now ("caption", "header"), if anywhere.
        self.reading: str | None = None

    def emit(self, piece: str, text: bool = False) -> None:
        if self.table is None:
            self.out.append(piece)
            return
        self.table.append(piece)
        if text and self.reading == "caption":
            self.caption.append(piece)
        elif text and self.reading == "header":
            self.header.append(piece)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.table, self.caption, self.header = [], None, None
        elif self.depth == 1 and self.reading is None:
            if tag == "caption" and self.caption is None:
                self.caption, self.reading = [], "caption"
            elif tag == "th" and self.header is None:
                self.header, self.reading = [], "header"
        self.emit(self.get_starttag_text())

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.emit(self.get_starttag_text())

    def handle_endtag(self, tag: str) -> None:
        if self.depth == 1 and (self.reading, tag) in {("caption", "caption"), ("header", "th")}:
            self.reading = None
        self.emit(f"</{tag}>")
        if tag == "table" and self.depth:
            self.depth -= 1
            if self.depth == 0:
                self._close_region()

    def _close_region(self) -> None:
        label = self.fallback_label
        for words in (self.caption, self.header):
            text = " ".join(unescape("".join(words or ())).split())
            if text:
                label = text
                break
        table, self.table = self.table, None
        self.out.append(
            f'<div class="table-wrap" role="region" tabindex="0" aria-label="{escape(label)}">'
        )
        self.out.extend(table)
        self.out.append("</div>")

    def handle_data(self, data: str) -> None:
        self.emit(data, text=True)

    def handle_entityref(self, name: str) -> None:
        self.emit(f"&{name};", text=True)

    def handle_charref(self, name: str) -> None:
        self.emit(f"&#{name};", text=True)


def markdown_text(text: str) -> str:
    """Trainer Markdown as the plain text a reader sees (for search and its snippets)."""
    rendered = str(render_markdown(text))
    return " ".join(unescape(TAG.sub("", BLOCK_TAGS.sub(" ", rendered))).split())


def render_inline(text: str) -> Markup:
    """Render a one-line text (a question choice, say) without the wrapping paragraph."""
    return _inline(text, gettext("Table"))


@lru_cache(maxsize=4096)
def _inline(text: str, table_label: str) -> Markup:
    """Kept like `_render`: a quiz page shows the same choices to every learner."""
    html = str(_render(text, table_label)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


#: Stands in for a cut-out piece while the text is rendered: letters only, so that Markdown and
#: the sanitiser leave it alone, and unlikely in a trainer's text.
_CUT = "lmscutxq"


def render_markdown_around(text: str, pattern: re.Pattern[str]) -> list[Markup]:
    """Render `text` with every match of `pattern` cut out: the sanitised HTML before, between
    and after them (one more piece than matches), for a page that puts its own element where
    each match was, such as the selects of a fill-the-gaps text.

    Where a match did not survive as text (dropped, or inside a tag such as a link's address),
    the whole text comes first and the other pieces are empty, so every element shows after it.
    """
    count = len(pattern.findall(text))
    pieces = str(render_markdown(pattern.sub(_CUT, text))).split(_CUT)
    inside_tag = any(piece.rfind("<") > piece.rfind(">") for piece in pieces[:-1])
    if len(pieces) != count + 1 or inside_tag:
        pieces = [str(render_markdown(pattern.sub("", text)))] + [""] * count
    return [Markup(piece) for piece in pieces]
