"""Finds citations of legal documents in Vietnamese text, and sentences that mark one as former.

A citation is a document number ("Nghị định số 61/2018/NĐ-CP", "125/NQ-CP", "24/2018/QH14"), a
short form after a type word ("NĐ 61/2018", "Thông tư 02/2017", "NĐ 61/2018 và 107/2021"), or a
name the registry knows followed by a year ("Luật An ninh mạng năm 2018"). Each citation keeps
its sentence, so a caller can tell whether the text speaks of the document as former law:
"trước đây", "đã hết hiệu lực", "(cũ)", "được thay thế", or a period that ended by the day the
document ceased ("giai đoạn 2018–2025", "trước 01/7/2025").

Markdown is read line by line (a table row is one sentence); GIFT question banks are read as
Moodle writes them: an answer together with its feedback is one sentence, since the feedback
speaks of that answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from lms.content.legal import NUMBER, LegalDocument, Registry

__all__ = ["Citation", "find_citations", "marks_former"]

#: Type words before a number, and the code parts of the numbers they may mean.
_KIND_CODES = {
    "nghị định": ("nđ",),
    "thông tư liên tịch": ("ttlt",),
    "thông tư": ("tt",),
    "quyết định": ("qđ",),
    "nghị quyết": ("nq", "qh"),
    "chỉ thị": ("ct",),
    "công điện": ("cđ",),
    "công văn": ("cv",),
    "bộ luật": ("qh",),
    "luật": ("qh",),
    "nđ": ("nđ",),
    "ttlt": ("ttlt",),
    "tt": ("tt",),
    "qđ": ("qđ",),
    "nq": ("nq", "qh"),
    "ct": ("ct",),
    "cđ": ("cđ",),
    "cv": ("cv",),
}
_WORDS = "Nghị định|Thông tư liên tịch|Thông tư|Quyết định|Nghị quyết|Chỉ thị|Công điện|Công văn"
_KIND = rf"(?P<kind>(?i:{_WORDS}|Bộ luật|Luật)|NĐ|TTLT|TT|QĐ|NQ|CT|CĐ|CV)"
_SHORT_NUMBER = r"(?P<num>\d{1,5}(?:\.\d{1,3})?[a-z]?)/(?P<year>(?:19|20)\d{2})(?![\w/-])"
_SHORT = re.compile(rf"(?<![\w/]){_KIND}\.?\s+(?:số\s+)?{_SHORT_NUMBER}")
_NEXT_SHORT = re.compile(rf"\s*(?:,\s*và|,|và|hoặc)\s+(?:số\s+)?{_SHORT_NUMBER}")
_FULL = re.compile(rf"(?<![\w/.]){NUMBER.pattern}(?![\w-])")
_NATIONAL_ASSEMBLY = re.compile(r"(?:UBTV)?QH\d{1,2}")
_WORD_BEFORE = re.compile(
    rf"(?P<kind>(?i:{_WORDS}|Bộ luật|Luật)|NĐ|TT|QĐ|NQ|CT|CĐ)\.?\s+(?:số\s+)?$"
)

_FORMER_WORDS = re.compile(
    r"trước đây|hết hiệu lực|không còn (?:hiệu lực|áp dụng)|thay thế|bãi bỏ|\bcũ\b|"
    r"thời kỳ trước|giai đoạn trước|quy định trước|\btừng\b|lịch sử|"
    r"\bkhi\b[^.;]{0,40}?còn hiệu lực"
)
_UNTIL = re.compile(
    r"\b(?:trước|đến|tới)\s+(?:hết\s+)?(?:ngày\s+|năm\s+|tháng\s+)?"
    r"(\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4}|(?:19|20)\d{2})\b"
)
_PERIOD = re.compile(r"\b(?:19|20)\d{2}\s*[–—-]\s*((?:19|20)\d{2})\b")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_BLOCK_START = re.compile(r"\s{0,3}(?:#|>|\||[-*+]\s|\d{1,3}[.)]\s)")
_GIFT_MARK = re.compile(r"(?<!\\)(?:####|[{}=~])")


@dataclass(frozen=True)
class Citation:
    """One citation: where it is, how it is written, and the document(s) it means."""

    line: int
    #: The citation as a warning names a document the registry lacks ("Thông tư 99/2099/TT-X").
    written: str
    #: The sentence around it, which may mark the document as former.
    sentence: str
    #: The documents it may mean: one when it is clear, several for an ambiguous short form
    #: ("TT 01/2018" is both a VPCP and a BNV circular), none when the registry lacks it.
    documents: tuple[LegalDocument, ...] = ()


def find_citations(
    text: str, registry: Registry, *, gift: bool = False, first_line: int = 1
) -> list[Citation]:
    """Every citation in `text` (Markdown, or a GIFT bank when `gift`), in reading order."""
    names = _names_pattern(registry)
    found: list[tuple[int, Citation]] = []
    for start, end in _gift_sentences(text) if gift else _markdown_sentences(text):
        sentence = text[start:end]
        for offset, citation in _in_sentence(sentence, registry, names):
            line = first_line + text.count("\n", 0, start + offset)
            found.append((start + offset, _at_line(citation, line)))
    found.sort(key=lambda item: item[0])
    return [citation for _offset, citation in found]


def marks_former(sentence: str, ceased: date) -> bool:
    """Whether the sentence speaks of a document that ceased on `ceased` as former law."""
    folded = sentence.casefold()
    if _FORMER_WORDS.search(folded):
        return True
    for match in _UNTIL.finditer(folded):
        if _day_or_period_end(match[1]) <= ceased:
            return True
    return any(int(match[1]) <= ceased.year for match in _PERIOD.finditer(folded))


def _day_or_period_end(text: str) -> date:
    """ "01/7/2025" → that day; "6/2025" → 1 June 2025; "2025" → 1 January 2025.

    A period named by its month or year counts from its first day: "trước 2025" is former for a
    document that ceased during 2025.
    """
    parts = [int(part) for part in text.split("/")]
    if len(parts) == 3:
        return date(parts[2], parts[1], parts[0]) if 1 <= parts[1] <= 12 else date.max
    if len(parts) == 2:
        return date(parts[1], parts[0], 1) if 1 <= parts[0] <= 12 else date.max
    return date(parts[0], 1, 1)


def _at_line(citation: Citation, line: int) -> Citation:
    return Citation(line, citation.written, citation.sentence, citation.documents)


def _in_sentence(
    sentence: str, registry: Registry, names: re.Pattern[str] | None
) -> Iterator[tuple[int, Citation]]:
    """(offset, citation) for each citation in one sentence (line numbers filled in later)."""
    for match in _FULL.finditer(sentence):
        code = match["code"]
        if "-" not in code and not _NATIONAL_ASSEMBLY.fullmatch(code):
            continue
        number = match[0]
        document = registry.get(number)
        word = _WORD_BEFORE.search(sentence, 0, match.start())
        kind = document.kind if document else (_capitalised(word["kind"]) if word else "")
        written = f"{kind} {number}".strip()
        yield match.start(), Citation(0, written, sentence, (document,) if document else ())
    for match in _SHORT.finditer(sentence):
        codes = _KIND_CODES[match["kind"].casefold()]
        kind = _capitalised(match["kind"])
        yield match.start(), _short(kind, codes, match, sentence, registry)
        position = match.end()
        while (more := _NEXT_SHORT.match(sentence, position)) is not None:
            yield more.start("num"), _short(kind, codes, more, sentence, registry)
            position = more.end()
    if names is not None:
        for match in names.finditer(sentence):
            document = registry.by_name(match["name"], int(match["year"]))
            written = f"{match['name']} năm {match['year']}"
            yield match.start(), Citation(0, written, sentence, (document,) if document else ())


def _short(
    kind: str, codes: tuple[str, ...], match: re.Match[str], sentence: str, registry: Registry
) -> Citation:
    documents = tuple(
        document
        for code in codes
        for document in registry.by_short_number(code, match["num"], match["year"])
    )
    return Citation(0, f"{kind} {match['num']}/{match['year']}", sentence, documents)


def _capitalised(kind: str) -> str:
    """The type word as a warning writes it: "NĐ" stays, "nghị định" becomes "Nghị định"."""
    return kind if kind.isupper() else kind[0].upper() + kind[1:].lower()


def _names_pattern(registry: Registry) -> re.Pattern[str] | None:
    """One pattern for every name in the registry, each followed by a year."""
    if not registry.names:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, name.split())) for name in registry.names)
    return re.compile(
        rf"(?<!\w)(?P<name>{alternatives})\s+(?:năm\s+)?(?P<year>(?:19|20)\d{{2}})(?![\d/])",
        re.IGNORECASE,
    )


def _markdown_sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence: a table row whole; a paragraph or list item, even when
    its lines are wrapped, split at sentence ends.
    """
    for start, end, is_row in _markdown_blocks(text):
        if is_row:
            yield start, end
        else:
            yield from _split(text[start:end], start)


def _markdown_blocks(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is a table row) of each block: blank lines, headings, list items, quotes
    and table rows start a new block; any other line continues the one above.
    """
    offset, block_start, block_end = 0, None, 0
    for line in text.split("\n"):
        stripped = line.strip()
        starts_block = not stripped or _BLOCK_START.match(line) is not None
        if block_start is not None and (starts_block or not stripped):
            yield block_start, block_end, False
            block_start = None
        if stripped.startswith("|"):
            yield offset, offset + len(line), True
        elif stripped:
            if block_start is None:
                block_start = offset
            block_end = offset + len(line)
        offset += len(line) + 1
    if block_start is not None:
        yield block_start, block_end, False


def _gift_sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence of a GIFT file: stems and general feedback split at sentence
    ends, each answer with its feedback whole; comments and category lines are skipped.
    """
    offset, place = 0, "stem"
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("//") or stripped.startswith("$CATEGORY:"):
            offset += len(line) + 1
            continue
        start = 0
        for mark in _GIFT_MARK.finditer(line):
            yield from _piece(line, start, mark.start(), offset, whole=place == "answer")
            token = mark[0]
            if token == "{":
                place = "answer"
            elif token == "}":
                place = "stem"
            elif token == "####":
                place = "general feedback"
            elif place != "stem":
                # "=" and "~" start the next answer.
                place = "answer"
            start = mark.end()
        yield from _piece(line, start, len(line), offset, whole=place == "answer")
        offset += len(line) + 1


def _piece(line: str, start: int, end: int, offset: int, whole: bool) -> Iterator[tuple[int, int]]:
    if start >= end:
        return
    if whole:
        yield offset + start, offset + end
    else:
        yield from _split(line[start:end], offset + start)


def _split(text: str, offset: int) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _SENTENCE_END.finditer(text):
        yield offset + start, offset + match.start()
        start = match.end()
    yield offset + start, offset + len(text)
