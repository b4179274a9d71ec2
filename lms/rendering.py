"""The one place where trainer-written Markdown becomes HTML: Markdown → nh3 allow-list → Markup.

Nothing else in the code base calls `Markup()` on user text or uses `|safe`. Results are cached
by content hash, since module bodies are rendered on every page view and change rarely.
"""

import hashlib
import re
from functools import lru_cache
from html import unescape

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


def markdown_text(text: str) -> str:
    """Trainer Markdown as the plain text a reader sees (for search and its snippets)."""
    rendered = str(render_markdown(text))
    return " ".join(unescape(TAG.sub("", BLOCK_TAGS.sub(" ", rendered))).split())


def render_inline(text: str) -> Markup:
    """Render a one-line text (a question choice, say) without the wrapping paragraph."""
    html = str(render_markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)
