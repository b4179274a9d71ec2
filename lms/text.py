"""Vietnamese text utilities: accent-insensitive search folding and Vietnamese collation.

`fold` makes "mot cua" match "một cửa"; `vi_sort_key` and `name_sort_key` sort the way
Vietnamese readers expect (a < á < ă < â < b …, đ after d, people by given name first). They are
the pure-Python counterpart of PostgreSQL's `COLLATE "vi-x-icu"`, for SQLite and in-memory lists.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "name_sort_key", "split_name", "vi_sort_key"]

_WHITESPACE = re.compile(r"\s+")

# Combining marks that turn a base letter into another letter of the Vietnamese alphabet.
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_LETTER_MARKS = {
    ("a", _BREVE): "ă",
    ("a", _CIRCUMFLEX): "â",
    ("e", _CIRCUMFLEX): "ê",
    ("o", _CIRCUMFLEX): "ô",
    ("o", _HORN): "ơ",
    ("u", _HORN): "ư",
}

# Tone marks in dictionary order: (none) < huyền < hỏi < ngã < sắc < nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

# The 29-letter alphabet with f, j, w, z at their Latin places, as ICU's Vietnamese tailoring
# (and so PostgreSQL) orders them: the same list must sort alike on SQLite and PostgreSQL.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}

# Primary weights come in bands: punctuation and symbols < digits < Latin letters < other scripts.
_BAND = 1 << 21
_DIGIT_BAND, _LATIN_BAND, _OTHER_BAND = _BAND, 2 * _BAND, 3 * _BAND

WordKey = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]


def fold(text: str) -> str:
    """Return `text` lowercased, without diacritics (đ → d) and with whitespace collapsed.

    Compare folded strings to search without caring about accents: "mot cua" in fold("Một cửa").
    """
    decomposed = unicodedata.normalize("NFD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WHITESPACE.sub(" ", bare.replace("đ", "d")).strip()


def vi_sort_key(text: str) -> tuple[WordKey, ...]:
    """Return a key that sorts strings in Vietnamese dictionary order, word by word.

    Each word compares by its letters first (case-insensitive, ă/â/đ/ê/ô/ơ/ư as letters of their
    own), then by tone (none < huyền < hỏi < ngã < sắc < nặng), then lowercase before uppercase.
    """
    return tuple(_word_key(word) for word in _WHITESPACE.split(text.strip()) if word)


def split_name(full_name: str) -> tuple[str, str]:
    """Split a Vietnamese full name into (family and middle names, given name).

    The given name is the last word: "Phạm Thị Lệ Thủy" → ("Phạm Thị Lệ", "Thủy").
    """
    words = _WHITESPACE.split(unicodedata.normalize("NFC", full_name).strip())
    if words == [""]:
        return "", ""
    return " ".join(words[:-1]), words[-1]


def name_sort_key(full_name: str) -> tuple[tuple[WordKey, ...], tuple[WordKey, ...]]:
    """Return a key that sorts people by given name, then by family and middle names."""
    family_and_middle, given = split_name(full_name)
    return vi_sort_key(given), vi_sort_key(family_and_middle)


def _word_key(word: str) -> WordKey:
    """Collation key of one word: (letter ranks, tones and other marks, case)."""
    primary: list[int] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for base, marks in _clusters(unicodedata.normalize("NFD", word)):
        lower = base.lower()
        tertiary.append(0 if base == lower else 1)
        for mark in marks:
            if (lower, mark) in _LETTER_MARKS:
                lower = _LETTER_MARKS[lower, mark]
            elif mark in _TONES:
                # Only the tone counts, not which vowel carries it: "hoà" and "hòa" are one word.
                secondary.append(_TONES[mark])
            else:
                # Marks foreign to Vietnamese (ü, ç) rank after all tones.
                secondary.append(ord(mark))
        primary.append(_primary_weight(lower))
    return tuple(primary), tuple(secondary), tuple(tertiary)


def _clusters(decomposed: str) -> list[tuple[str, str]]:
    """Split an NFD string into (base character, its combining marks) pairs."""
    clusters: list[tuple[str, str]] = []
    for ch in decomposed:
        if unicodedata.combining(ch) and clusters:
            base, marks = clusters[-1]
            clusters[-1] = (base, marks + ch)
        else:
            clusters.append((ch, ""))
    return clusters


def _primary_weight(ch: str) -> int:
    """Primary weight of one lowercase base character."""
    if ch in _LETTER_RANK:
        return _LATIN_BAND + _LETTER_RANK[ch]
    if ch.isdecimal():
        return _DIGIT_BAND + unicodedata.decimal(ch)
    if ch.isalpha():
        return _OTHER_BAND + ord(ch)
    return ord(ch)
