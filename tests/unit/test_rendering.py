"""Tables in trainer Markdown become focusable, labelled scroll regions (lms.rendering), and the
sanitizer still lets no trainer write those attributes himself.
"""

import re

from flask_babel import force_locale

from lms.rendering import render_markdown, scroll_regions

TABLE = "| Thủ tục | Thời hạn |\n|---|---|\n| Cấp phép | 5 ngày |\n"
REGION = re.compile(r'<div class="table-wrap" role="region" tabindex="0" aria-label="([^"]*)">')


def regions(html: str) -> list[str]:
    return REGION.findall(html)


def test_a_markdown_table_is_a_focusable_region_named_by_its_first_header():
    """A pipe table sits in one region, reachable by Tab, named after its first header cell."""
    html = str(render_markdown("Bảng so sánh:\n\n" + TABLE))
    assert regions(html) == ["Thủ tục"]
    assert re.search(r"aria-label=\"Thủ tục\"><table>.*</table></div>", html, re.S)


def test_a_caption_names_the_region():
    """A table with a caption is named by the caption rather than by its header."""
    html = str(
        render_markdown(
            "<table><caption>Lệ phí  &amp; thời hạn</caption>"
            "<tr><th>Thủ tục</th></tr><tr><td>Cấp phép</td></tr></table>"
        )
    )
    assert regions(html) == ["Lệ phí &amp; thời hạn"]


def test_a_table_without_caption_or_header_gets_the_generic_name(app):
    """Without caption or header the region is called "table", in the reader's language."""
    text = "<table><tr><td>Một</td><td>Hai</td></tr></table>"
    with app.test_request_context(), force_locale("vi"):
        assert regions(str(render_markdown(text))) == ["Bảng"]
    with app.test_request_context(), force_locale("en"):
        assert regions(str(render_markdown(text))) == ["Table"]


def test_each_outermost_table_gets_one_region():
    """Two tables make two regions; a table inside a cell scrolls with its outer table."""
    nested = "<table><tr><th>Ngoài</th><td><table><tr><th>Trong</th></tr></table></td></tr></table>"
    html = str(render_markdown(TABLE + "\nGiữa hai bảng.\n\n" + nested))
    assert regions(html) == ["Thủ tục", "Ngoài"]
    assert html.count("<table>") == 3


def test_the_name_is_escaped():
    """Quotes and brackets in a header cannot leave the attribute."""
    html = str(render_markdown('| "Tên" &lt;b&gt; |\n|---|\n| x |\n'))
    assert regions(html) == ["&#34;Tên&#34; &lt;b&gt;"]
    assert "<b>" not in html


def test_trainers_cannot_write_region_attributes():
    """role, tabindex and aria-label a trainer writes are stripped: only the renderer adds them."""
    html = str(render_markdown('<div role="region" tabindex="0" aria-label="x">Chữ</div>'))
    assert html == "<div>Chữ</div>"


def test_markup_around_tables_is_copied_unchanged():
    """Text, entities, attributes and void tags, in tables or not, come out as they went in."""
    sanitized = (
        '<p>A &amp; B &#39;c&#39; <a href="https://vn.gov" title="&lt;table&gt;">x</a><br>'
        '<img src="h.png" alt=""></p><table><tr><td>1 &lt; 2</td></tr></table>'
    )
    wrapped = scroll_regions(sanitized, "Bảng")
    assert REGION.sub("", wrapped).replace("</table></div>", "</table>") == sanitized
    assert regions(wrapped) == ["Bảng"]
