"""Finding citations of legal documents in Vietnamese text (lms.content.citations)."""

from datetime import date
from pathlib import Path

import pytest
from legal_registry import make_registry

from lms.content.citations import find_citations, marks_former
from lms.content.legal import Registry


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    return make_registry(tmp_path)


def numbers(text: str, registry: Registry, **options) -> list[tuple[int, str]]:
    """(line, document numbers or the citation as written) for each citation in `text`."""
    found = []
    for citation in find_citations(text, registry, **options):
        meant = ",".join(d.number for d in citation.documents) or f"? {citation.written}"
        found.append((citation.line, meant))
    return found


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ.", "61/2018/NĐ-CP"),
        ("Theo NĐ 61/2018, công chức phải có ba năm công tác.", "61/2018/NĐ-CP"),
        ("Nghị định 118/2025 có hiệu lực từ ngày 01/7/2025.", "118/2025/NĐ-CP"),
        ("Luật An ninh mạng số 24/2018/QH14 quy định tại Điều 8.", "24/2018/QH14"),
        ("Biểu mẫu theo Thông tư 02/2017/TT-VPCP của Văn phòng Chính phủ.", "02/2017/TT-VPCP"),
        ("Thông tư số 2/2017/TT-VPCP hướng dẫn nghiệp vụ.", "02/2017/TT-VPCP"),
        ("Chỉ thị số 24/CT-TTg yêu cầu không nhận hồ sơ giấy.", "24/CT-TTg"),
        ("Nghị quyết số 66.7/2025/NQ-CP thay giấy tờ bằng dữ liệu.", "66.7/2025/NQ-CP"),
        ("Khi thi hành công vụ, Luật Cán bộ, công chức năm 2008 yêu cầu đeo thẻ.", "22/2008/QH12"),
        ("Luật CBCC 2025 quản lý công chức theo vị trí việc làm.", "80/2025/QH15"),
        ("luật an ninh mạng năm 2025 có hiệu lực từ 01/7/2026.", "116/2025/QH15"),
    ],
)
def test_finds_each_pattern(registry: Registry, sentence: str, expected: str):
    """Full numbers, short forms after a type word and names with a year are all found."""
    assert numbers(sentence, registry) == [(1, expected)]


def test_lists_after_one_type_word(registry: Registry):
    """ "NĐ 61/2018 và 107/2021" cites two decrees; full numbers in a list are found too."""
    assert numbers("Các NĐ 61/2018 và 107/2021 đã hết hiệu lực.", registry) == [
        (1, "61/2018/NĐ-CP"),
        (1, "107/2021/NĐ-CP"),
    ]
    text = "Nghị định số 61/2018/NĐ-CP, 107/2021/NĐ-CP và 118/2025/NĐ-CP"
    assert [n for _line, n in numbers(text, registry)] == [
        "61/2018/NĐ-CP",
        "107/2021/NĐ-CP",
        "118/2025/NĐ-CP",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Hồ sơ nộp ngày 01/7/2025 được hẹn trả ngày 09/7/2025.",
        "Nội dung cập nhật đến tháng 12/2026.",
        "14 bộ đã cắt giảm 3.085/4.888 thủ tục.",
        "Đường dây nóng hoạt động 24/7.",
        "Xem https://vbpl.vn/nghi-dinh-61-2018-nd-cp.",
        "Theo quý 3/2025, tỷ lệ hồ sơ đúng hạn đạt 98%.",
    ],
)
def test_dates_ratios_and_links_are_not_citations(registry: Registry, text: str):
    """Dates, month/year, ratios and links are not read as document numbers."""
    assert numbers(text, registry) == []


def test_unknown_and_ambiguous_citations(registry: Registry):
    """A number the registry lacks is kept as written; "TT 01/2018" may mean two circulars."""
    found = find_citations("Theo Quyết định số 3027/QĐ-UBND và TT 01/2018.", registry)
    assert [(c.written, [d.number for d in c.documents]) for c in found] == [
        ("Quyết định 3027/QĐ-UBND", []),
        ("TT 01/2018", ["01/2018/TT-VPCP", "01/2018/TT-BNV"]),
    ]


def test_each_citation_keeps_its_line_and_sentence(registry: Registry):
    """Lines count from `first_line`; the sentence is the one the citation is in."""
    text = "Mở đầu.\n\nNghị định 118/2025 là căn cứ. Trước đây là NĐ 61/2018."
    found = find_citations(text, registry, first_line=7)
    assert [(c.line, c.sentence) for c in found] == [
        (9, "Nghị định 118/2025 là căn cứ."),
        (9, "Trước đây là NĐ 61/2018."),
    ]


def test_a_wrapped_paragraph_reads_as_one_text(registry: Registry):
    """Lines of one paragraph or list item read together; a new item starts a new sentence."""
    text = (
        "Trước đây, Luật Cán bộ, công chức\nnăm 2008 yêu cầu đeo thẻ.\n"
        "- Nghị định số 61/2018/NĐ-CP (cũ) và\n  Nghị định 118/2025 hiện hành.\n"
        "- NĐ 107/2021 yêu cầu quầy ưu tiên."
    )
    found = find_citations(text, registry, first_line=3)
    assert [(c.line, c.sentence) for c in found] == [
        (3, "Trước đây, Luật Cán bộ, công chức\nnăm 2008 yêu cầu đeo thẻ."),
        (5, "- Nghị định số 61/2018/NĐ-CP (cũ) và\n  Nghị định 118/2025 hiện hành."),
        (6, "- Nghị định số 61/2018/NĐ-CP (cũ) và\n  Nghị định 118/2025 hiện hành."),
        (7, "- NĐ 107/2021 yêu cầu quầy ưu tiên."),
    ]


def test_a_table_row_is_one_sentence(registry: Registry):
    """Cells of a Markdown table row read together: the row says what the document is."""
    row = "| Nghị định số 61/2018/NĐ-CP | Quy định cũ. Hết hiệu lực 01/7/2025 |"
    (citation,) = find_citations(row, registry)
    assert citation.sentence == row


def test_gift_answer_and_its_feedback_are_one_sentence(registry: Registry):
    """In a bank, an answer reads with its feedback; the stem and general feedback split."""
    bank = (
        "// Nghị định 61/2018/NĐ-CP trong chú thích không được tính.\n"
        "::q1::Văn bản nào là căn cứ hiện hành? {\n"
        "=Nghị định số 118/2025/NĐ-CP#Đúng.\n"
        "~Nghị định số 61/2018/NĐ-CP#Chưa đúng. Nghị định này đã được thay thế.\n"
        "####Nghị định 118/2025 áp dụng từ 01/7/2025. Nó thay Nghị định 61/2018.\n"
        "}\n"
    )
    found = find_citations(bank, registry, gift=True)
    assert [(c.line, c.sentence) for c in found] == [
        (3, "Nghị định số 118/2025/NĐ-CP#Đúng."),
        (4, "Nghị định số 61/2018/NĐ-CP#Chưa đúng. Nghị định này đã được thay thế."),
        (5, "Nghị định 118/2025 áp dụng từ 01/7/2025."),
        (5, "Nó thay Nghị định 61/2018."),
    ]


def test_a_province_adds_its_own_decisions(tmp_path: Path):
    """A province's registry file adds its decisions; the finder then knows them."""
    registry = make_registry(
        tmp_path,
        extra=(
            "3027/QĐ-UBND:\n  type: Quyết định\n  title: Công bố danh mục thủ tục hành chính\n"
            "  issuer: UBND tỉnh Nghệ An\n  issued: 11/11/2024\n"
        ),
    )
    (citation,) = find_citations("Theo Quyết định số 3027/QĐ-UBND của tỉnh.", registry)
    assert [d.issuer for d in citation.documents] == ["UBND tỉnh Nghệ An"]


CEASED = date(2025, 7, 1)


@pytest.mark.parametrize(
    "sentence",
    [
        "Trước đây, Nghị định số 61/2018/NĐ-CP quy định tiêu chuẩn công chức tại quầy.",
        "Nghị định số 61/2018/NĐ-CP đã hết hiệu lực từ ngày 01/7/2025.",
        "Nghị định số 61/2018/NĐ-CP (cũ) gọi đây là Bộ phận Tiếp nhận và Trả kết quả.",
        "Nghị định số 118/2025/NĐ-CP thay thế Nghị định số 61/2018/NĐ-CP.",
        "Nghị định số 61/2018/NĐ-CP đã bị bãi bỏ.",
        "Trong giai đoạn 2018–2025, Nghị định số 61/2018/NĐ-CP là căn cứ chính.",
        "Trước 01/7/2025, mẫu phiếu theo Nghị định số 61/2018/NĐ-CP.",
        "Đến năm 2025, Nghị định số 61/2018/NĐ-CP vẫn còn được áp dụng.",
        "Thời kỳ trước, Nghị định số 61/2018/NĐ-CP yêu cầu ngạch chuyên viên.",
        "Công chức từng làm theo Nghị định số 61/2018/NĐ-CP nay làm theo nghị định mới.",
        "Thông tư hướng dẫn Nghị định số 61/2018/NĐ-CP khi nghị định này còn hiệu lực.",
    ],
)
def test_former_law_phrasing(sentence: str):
    """Sentences that speak of a ceased document as former law are recognised."""
    assert marks_former(sentence, CEASED)


@pytest.mark.parametrize(
    "sentence",
    [
        "Nghị định số 61/2018/NĐ-CP yêu cầu bố trí quầy ưu tiên cho người cao tuổi.",
        "Căn cứ Nghị định số 61/2018/NĐ-CP, công chức phải có ba năm công tác.",
        "Trước năm 2030, Nghị định số 61/2018/NĐ-CP cần được áp dụng thống nhất.",
        "Trong giai đoạn 2025–2030, Nghị định số 61/2018/NĐ-CP tiếp tục là căn cứ.",
        "Đến hết ngày 31/12/2026, các xã áp dụng Nghị định số 61/2018/NĐ-CP.",
        "Nghị định số 61/2018/NĐ-CP vẫn còn hiệu lực đối với hồ sơ này.",
    ],
)
def test_present_tense_is_not_former(sentence: str):
    """A sentence that applies the document now, or a period after it ceased, is not former."""
    assert not marks_former(sentence, CEASED)
