"""Words as the search sees them: folded (lower case, no diacritics, đ → d) runs of letters and
digits. The index and the query split text here alike, so "NĐ-CP" is the words "nd cp" in both,
and the databases' own tokenizers only ever meet plain ASCII words separated by spaces.
"""

import re
import unicodedata

from lms.text import fold

#: Longer runs are data (a pasted key, an encoded image), never something a person searches for.
MAX_WORD_LENGTH = 40

_RUN = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """Each folded word of `text` (NFC) with the place of its run in `text`: (word, start, end)."""
    spans = []
    for run in _RUN.finditer(text):
        for word in _ASCII_WORD.findall(fold(run.group())):
            if len(word) <= MAX_WORD_LENGTH:
                spans.append((word, run.start(), run.end()))
    return spans


def words(text: str) -> list[str]:
    """The folded words of `text`: "Nghị định 118/2025/NĐ-CP" → nghi dinh 118 2025 nd cp.

    The words `word_spans` finds, folding the text at once (twice as fast, for indexing)."""
    folded = _ASCII_WORD.findall(fold(unicodedata.normalize("NFC", text)))
    return [word for word in folded if len(word) <= MAX_WORD_LENGTH]
