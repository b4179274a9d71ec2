"""The one place where trainer-written Markdown becomes HTML: Markdown → nh3 allow-list → Markup.

Nothing else in the code base calls `Markup()` on user text or uses `|safe`. Results are cached
by content hash, since module bodies are rendered on every page view and change rarely.
"""

import hashlib
import re
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

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
#: Only web links and mail; relative links (course assets) stay relative.
URL_SCHEMES = {"http", "https", "mailto"}
MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists", "attr_list", "def_list"]


def render_markdown(text: str) -> Markup:
    """Render trainer Markdown to sanitised HTML, safe to insert in a page."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Markup(_render(digest, text))


@lru_cache(maxsize=2048)
def _render(digest: str, text: str) -> str:
    html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_inline(text: str) -> Markup:
    """Render a one-line text (a question choice, say) without the wrapping paragraph."""
    html = str(render_markdown(text)).strip()
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
