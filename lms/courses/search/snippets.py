"""The few words of a module around what a search found, for the catalogue to show."""

import unicodedata
from collections.abc import Iterable

from lms.courses.search.words import word_spans
from lms.rendering import markdown_text

#: Words shown before the first match, and in all.
WORDS_BEFORE = 8
WORDS_SHOWN = 30

Snippet = list[tuple[str, bool]]


def snippet(markdown: str, phrases: Iterable[str]) -> Snippet:
    """The words around the first place the Markdown text says one of `phrases` (folded words),
    as (text, is a match) pieces, with "…" where the text goes on; empty when none is there."""
    text = unicodedata.normalize("NFC", markdown_text(markdown))
    spans = word_spans(text)
    folded = [word for word, _, _ in spans]
    wanted = [phrase.split() for phrase in phrases if phrase]
    found = [
        (start, len(phrase))
        for start, word in enumerate(folded)
        for phrase in wanted
        if word == phrase[0] and folded[start : start + len(phrase)] == phrase
    ]
    if not found:
        return []
    first = max(0, found[0][0] - WORDS_BEFORE)
    last = min(len(spans), first + WORDS_SHOWN) - 1
    marked = {
        index
        for start, length in found
        if start >= first and start + length - 1 <= last
        for index in range(start, start + length)
    }
    pieces: Snippet = [("…" if first else "", False)]
    # The text's own start and end, punctuation included, when the snippet reaches them.
    cursor, index = (spans[first][1] if first else 0), first
    while index <= last:
        if index not in marked:
            index += 1
            continue
        end = index
        while end + 1 <= last and end + 1 in marked:
            end += 1
        pieces += [
            (text[cursor : spans[index][1]], False),
            (text[spans[index][1] : spans[end][2]], True),
        ]
        cursor, index = spans[end][2], end + 1
    ending = text[cursor:] if last == len(spans) - 1 else text[cursor : spans[last][2]] + "…"
    pieces.append((ending, False))
    return [(piece, match) for piece, match in pieces if piece]
