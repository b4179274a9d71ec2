"""The search's text handling, without a database: words, the terms of a search, snippets, and
the documents a course version is indexed as."""

import pytest

from lms.courses.search import index
from lms.courses.search.index import course_documents
from lms.courses.search.models import SearchField
from lms.courses.search.query import MAX_QUERY_CHARS, MAX_TERMS, Term, parse
from lms.courses.search.snippets import snippet
from lms.courses.search.words import MAX_WORD_LENGTH, word_spans, words


def phrases(search: str) -> list[tuple[str, ...]]:
    return [term.phrases for term in parse(search).terms]


def test_words_are_folded_ascii():
    """Diacritics, đ, case and punctuation go: "NĐ-CP" is the words "nd cp"."""
    assert words("Nghị định 118/2025/NĐ-CP, Đề án 06!") == [
        "nghi", "dinh", "118", "2025", "nd", "cp", "de", "an", "06",
    ]  # fmt: skip


def test_decomposed_text_gives_the_same_words():
    """Text typed with combining marks (NFD) folds as the composed form does."""
    assert words("mo\u0323\u0302t cu\u031b\u0309a") == words("một cửa") == ["mot", "cua"]


def test_words_and_their_spans_agree():
    """Indexing (words) and snippets (word spans) split a text alike."""
    text = "Theo Nghị định 118/2025/NĐ-CP, Bộ phận Một cửa (BPMC) tiếp nhận hồ sơ_điện tử 24/7."
    assert words(text) == [word for word, _, _ in word_spans(text)]


def test_overlong_runs_are_not_words():
    """A run longer than any word (an encoded blob) is left out."""
    assert words("a" * (MAX_WORD_LENGTH + 1) + " CNTT") == ["cntt"]


def test_an_abbreviation_becomes_all_its_spellings():
    """ "CNTT" searches for itself or "công nghệ thông tin"."""
    assert phrases("CNTT") == [("cntt", "cong nghe thong tin")]


def test_a_spelled_out_notion_becomes_all_its_spellings():
    """ "Công nghệ thông tin" typed in full also searches for "CNTT"."""
    assert phrases("Công nghệ thông tin") == [("cntt", "cong nghe thong tin")]


def test_the_longest_spelling_wins():
    """ "dịch vụ công trực tuyến" is DVCTT, not DVC followed by two words."""
    assert phrases("dịch vụ công trực tuyến")[0][0] == "dvctt"


def test_words_around_an_abbreviation_stay_phrases():
    """ "kỹ năng CNTT cơ bản" is three terms: a phrase, the abbreviation, a phrase."""
    assert phrases("kỹ năng CNTT cơ bản") == [
        ("ky nang",),
        ("cntt", "cong nghe thong tin"),
        ("co ban",),
    ]


def test_punctuation_splits_phrases_but_hyphens_do_not():
    """A comma ends a phrase; "NĐ-CP" and "118/2025" stay whole."""
    assert phrases("một cửa, 118/2025/NĐ-CP") == [
        ("mot cua",),
        ("118 2025",),
        ("nd", "nghi dinh"),
        ("cp",),
    ]


def test_loose_terms_split_phrases_into_words():
    """The fallback terms are the words, abbreviations kept whole."""
    assert parse("chữ ký CNTT").loose_terms == (
        Term(("chu",)),
        Term(("ky",)),
        Term(("cntt", "cong nghe thong tin")),
    )


def test_repeated_terms_count_once():
    """ "CNTT, công nghệ thông tin" is one term."""
    assert len(parse("CNTT, công nghệ thông tin").terms) == 1


@pytest.mark.parametrize("search", ['"', "*", "(", "NEAR", "-", "", "   ", "%_"])
def test_syntax_alone_gives_no_terms_or_plain_words(search):
    """FTS syntax is never a term: it vanishes, or is an ordinary lower-case word."""
    assert all(
        phrase.replace(" ", "").isalnum() for term in parse(search).terms for phrase in term.phrases
    )
    assert parse(search).terms in ((), (Term(("near",)),))


def test_a_long_search_is_shortened():
    """Past the character cap, the rest is dropped and the query says so."""
    query = parse("a" * 10 + " " + "b" * MAX_QUERY_CHARS)
    assert query.shortened and query.terms == (Term(("aaaaaaaaaa",)),)


def test_too_many_terms_are_dropped():
    """Past the term cap, the rest is dropped and the query says so."""
    query = parse(", ".join(f"t{number}" for number in range(MAX_TERMS + 2)))
    assert query.shortened and len(query.terms) == MAX_TERMS


def test_snippet_marks_the_match_with_its_diacritics():
    """The snippet quotes the text as written, the match marked, cut with "…" at both ends."""
    body = "Mở đầu. " * 10 + "Triển khai **Đề án 06** tại xã. " + "Kết thúc. " * 20
    pieces = snippet(body, ["de an 06"])
    assert ("Đề án 06", True) in pieces
    assert pieces[0][0].startswith("…") and pieces[-1][0].endswith("…")
    assert "**" not in "".join(text for text, _ in pieces)


def test_snippet_of_text_without_the_phrase_is_empty():
    assert snippet("Không có gì.", ["de an 06"]) == []


def test_documents_of_a_version():
    """Title, description, then each module's title and body (Markdown as the reader sees it)."""
    rows = course_documents(
        "Kỹ năng CNTT", ["Tóm tắt", "Công chức"], [(7, "Bài 1", "# Đầu\n\n*Chữ* ký")]
    )
    assert [(row["module_id"], row["field"], row["words"]) for row in rows] == [
        (None, SearchField.TITLE, "ky nang cntt"),
        (None, SearchField.DESCRIPTION, "tom tat cong chuc"),
        (7, SearchField.MODULE_TITLE, "bai 1"),
        (7, SearchField.MODULE_BODY, "dau chu ky"),
    ]


def test_a_long_body_is_cut_in_overlapping_pieces(monkeypatch):
    """Each piece repeats the end of the one before, so a phrase across a cut is whole in one."""
    monkeypatch.setattr(index, "PIECE_WORDS", 10)
    monkeypatch.setattr(index, "OVERLAP_WORDS", 3)
    body = " ".join(f"w{number}" for number in range(20))
    pieces = [row["words"].split() for row in course_documents("T", [], [(1, "B", body)])[2:]]
    assert [piece[0] for piece in pieces] == ["w0", "w7", "w14"]
    assert pieces[-1][-1] == "w19" and all(len(piece) <= 10 for piece in pieces)
