"""Vietnamese search folding, collation and name order (lms.text)."""

import unicodedata

import pytest

from lms.text import fold, name_sort_key, split_name, vi_sort_key


def vi_sorted(words: list[str]) -> list[str]:
    return sorted(words, key=vi_sort_key)


def test_alphabet_has_29_letters_in_vietnamese_order():
    """The 29 letters sort a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y."""
    alphabet = list("aăâbcdđeêghiklmnoôơpqrstuưvxy")
    assert len(alphabet) == 29
    assert vi_sorted(list(reversed(alphabet))) == alphabet


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("a", "á"),
        ("á", "ă"),
        ("ă", "â"),
        ("â", "b"),
        ("dz", "đa"),
        ("D", "Đ"),
        ("Đăng", "Em"),
        ("ơ", "p"),
        ("ư", "v"),
        ("an", "ánh"),
    ],
)
def test_base_letters_decide_before_tones(earlier, later):
    """Letters compare first (a < á < ă < b, đ after d), tones only break ties."""
    assert vi_sort_key(earlier) < vi_sort_key(later)


def test_tone_order_is_none_huyen_hoi_nga_sac_nang():
    """Tones sort: none < huyền < hỏi < ngã < sắc < nặng."""
    tones = ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert vi_sorted(list(reversed(tones))) == tones


def test_tone_position_does_not_matter():
    """Old-style "hoà" and new-style "hòa" are the same word."""
    assert vi_sort_key("hoà") == vi_sort_key("hòa")


def test_case_is_ignored_before_letters_and_tones():
    """Case never outranks a letter or tone difference; lowercase first on a full tie."""
    assert vi_sort_key("An") < vi_sort_key("án")
    assert vi_sort_key("Ba") < vi_sort_key("bà")
    assert vi_sort_key("an") < vi_sort_key("An")


def test_decomposed_and_composed_text_sort_alike():
    """NFD input (as macOS produces) gets the same key as NFC."""
    word = "Nguyễn Thị Ánh"
    assert vi_sort_key(unicodedata.normalize("NFD", word)) == vi_sort_key(word)


def test_strings_compare_word_by_word():
    """The first word decides before the second: "an toàn" < "án lệ" < "ăn"."""
    assert vi_sorted(["ăn", "án lệ", "an toàn", "an"]) == ["an", "an toàn", "án lệ", "ăn"]


def test_digits_and_foreign_letters_have_a_place():
    """Digits come before letters; f, j, w, z sit at their Latin places (as ICU orders them)."""
    assert vi_sorted(["Zalo", "Wi-Fi", "Email", "2FA", "File", "Giấy"]) == [
        "2FA",
        "Email",
        "File",
        "Giấy",
        "Wi-Fi",
        "Zalo",
    ]


def test_empty_string_sorts_first():
    """An empty string sorts before any word."""
    assert vi_sort_key("") < vi_sort_key("a")


def test_split_name_takes_the_last_word_as_given_name():
    """The given name (tên) is the last word; the rest is family and middle names."""
    assert split_name("  Phạm Thị  Lệ Thủy ") == ("Phạm Thị Lệ", "Thủy")
    assert split_name("Thủy") == ("", "Thủy")
    assert split_name("") == ("", "")


def test_names_sort_by_given_name_then_family_and_middle():
    """People sort by given name, then by family and middle names, with Vietnamese collation."""
    names = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Văn An", "Đặng Thị Ánh"]
    assert sorted(names, key=name_sort_key) == [
        "Lê Văn An",
        "Trần Thị An",
        "Đặng Thị Ánh",
        "Nguyễn Văn Bình",
    ]


def test_family_name_with_d_stroke_sorts_after_d():
    """Among people with one given name, Đặng comes after Dương."""
    names = ["Đặng Văn Hùng", "Dương Văn Hùng", "Bùi Văn Hùng"]
    assert sorted(names, key=name_sort_key) == ["Bùi Văn Hùng", "Dương Văn Hùng", "Đặng Văn Hùng"]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Một cửa liên thông", "mot cua lien thong"),
        ("ĐẶNG Đình Đức", "dang dinh duc"),
        ("  Thủ tục\thành   chính\n", "thu tuc hanh chinh"),
        (unicodedata.normalize("NFD", "Ứng dụng"), "ung dung"),
    ],
)
def test_fold_strips_case_accents_and_extra_spaces(text, folded):
    """fold() lowercases, drops every diacritic (đ → d) and collapses whitespace."""
    assert fold(text) == folded


def test_fold_makes_search_accent_insensitive():
    """A query typed without accents finds accented text."""
    assert fold("mot cua") in fold("Cơ chế Một Cửa, một cửa liên thông")
