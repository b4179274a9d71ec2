"""A search as terms: what a course must mention to be found.

Vietnamese writes a word as several syllables ("công nghệ"), and the commonest syllables ("một",
"của") occur in every module, so matching each typed word anywhere would find every course for
"một cửa". The words a person types together are therefore one phrase; the field's abbreviations
(and punctuation: "CNTT, một cửa") split a search into several terms, and every term must match
somewhere in the course. When no course has the phrases, the catalogue retries with each word as
a term of its own (`Query.loose_terms`), so "chữ ký số văn bản điện tử" still finds the course
that says "văn bản điện tử ... chữ ký số".
"""

import re
from dataclasses import dataclass

from lms.courses.search.abbreviations import ABBREVIATIONS
from lms.courses.search.words import words

#: Longer searches are cut here (the page says so); no real search is longer.
MAX_QUERY_CHARS = 100
#: Terms beyond this many are dropped (the page says so): each costs the query a full-text match.
MAX_TERMS = 8

#: Characters that end a phrase: "CNTT, một cửa" is two things. Hyphens and slashes do not
#: ("NĐ-CP", "118/2025"), nor full stops ("4.0").
_SEPARATORS = re.compile(r"[,;:!?\"“”‘’'()\[\]{}<>|&+*=~^]")


@dataclass(frozen=True)
class Term:
    """One thing a course must mention: any of `phrases` (folded words joined by spaces)."""

    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]
    #: The same terms with each phrase not from the abbreviation list split into its words.
    loose_terms: tuple[Term, ...]
    #: Part of the search was left out: past MAX_QUERY_CHARS, or terms past MAX_TERMS.
    shortened: bool


def _spelling_terms() -> dict[tuple[str, ...], Term]:
    """Each spelling of an abbreviation entry, as words → the term holding all the entry's."""
    table = {}
    for entry in ABBREVIATIONS:
        spellings = tuple(dict.fromkeys(" ".join(words(spelling)) for spelling in entry))
        term = Term(spellings)
        for spelling in spellings:
            table[tuple(spelling.split())] = term
    return table


_SPELLINGS = _spelling_terms()
_LONGEST_SPELLING = max(len(key) for key in _SPELLINGS)


def parse(text: str) -> Query:
    """The terms of a search as typed: "Kỹ năng CNTT" → "ky nang", then "cntt" or its
    expansion."""
    text = text.strip()
    folded: list[str] = []
    breaks: set[int] = set()
    for chunk in _SEPARATORS.split(text[:MAX_QUERY_CHARS]):
        breaks.add(len(folded))
        folded.extend(words(chunk))
    terms: list[Term] = []
    loose: list[Term] = []
    for segment in _segments(folded, breaks):
        if isinstance(segment, Term):
            terms.append(segment)
            loose.append(segment)
        else:
            terms.append(Term((" ".join(segment),)))
            loose.extend(Term((word,)) for word in segment)
    terms, loose = list(dict.fromkeys(terms)), list(dict.fromkeys(loose))
    shortened = len(text) > MAX_QUERY_CHARS or len(terms) > MAX_TERMS
    return Query(tuple(terms[:MAX_TERMS]), tuple(loose[:MAX_TERMS]), shortened)


def _segments(folded: list[str], breaks: set[int]):
    """Split words into abbreviation terms (longest spelling first, punctuation ignored: "cán
    bộ, công chức") and runs of other words, which end where punctuation stood (`breaks`)."""
    run: list[str] = []
    start = 0
    while start < len(folded):
        for length in range(min(_LONGEST_SPELLING, len(folded) - start), 0, -1):
            term = _SPELLINGS.get(tuple(folded[start : start + length]))
            if term is not None:
                break
        if run and (term is not None or start in breaks):
            yield run
            run = []
        if term is None:
            run.append(folded[start])
            start += 1
        else:
            yield term
            start += length
    if run:
        yield run
