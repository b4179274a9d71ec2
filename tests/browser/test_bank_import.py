"""Question banks in a real browser: a trainer imports a GIFT file (errors first, then a
preview, then the import), edits a question into a new version, and exports the bank and imports
it into a new one, getting the same questions back.

The pages are switched to English first, so the test reads the same before and after the
Vietnamese catalogue is updated.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import Account, LearnerProfile, Role, UnitKind
from lms.quizzes.bank import services as banks
from lms.quizzes.formats import parse_gift
from lms.quizzes.models import Question
from tests.browser.conftest import sign_in

GOOD = """$CATEGORY: trinh-duyet/co-ban

::b-1:: Bộ phận Một cửa trả kết quả ở đâu? {
=Tại Bộ phận Một cửa#Đúng.
~Tại phòng chuyên môn#Chưa đúng.
}

::b-2:: Hồ sơ được hẹn trả theo phiếu hẹn. {T}

::b-3:: Một tiết học dài bao nhiêu phút? {#45:0}
"""
BROKEN = GOOD.replace("{#45:0}", "{#bốn mươi lăm}")


@pytest.fixture
def trainer(app, make_unit, make_person) -> Account:
    province = make_unit("HN", "Thành phố Hà Nội", kind=UnitKind.PROVINCE)
    department = make_unit("HN-SNV", "Sở Nội vụ", parent=province)
    return make_person("giangvien", Role.TRAINER, department, full_name="Lê Văn Giảng")


def questions_in(slug: str) -> int:
    found = banks.find_bank(slug)
    if found is None:
        return 0
    return db.session.scalar(select(func.count(Question.id)).where(Question.bank_id == found.id))


def create_bank(page: Page, slug: str, title: str) -> None:
    page.goto("/banks/")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Short name").fill(slug)
    expect(page.get_by_label("Maintained by")).to_contain_text("Sở Nội vụ (HN-SNV)")
    page.get_by_role("button", name="Create the bank").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def upload(page: Page, name: str, text: str) -> None:
    page.get_by_label("Question file").set_input_files(
        {"name": name, "mimeType": "text/plain", "buffer": text.encode("utf-8")}
    )
    page.get_by_label("Format").select_option("gift")
    page.get_by_role("button", name="Check and preview").click()


def test_import_edit_export_round_trip(page: Page, trainer: Account, tmp_path: Path):
    """Errors with FILE:LINE and nothing written; fixed file previewed then imported; an edit
    makes version 2; the exported file imported into a new bank gives the same questions.
    """
    sign_in(page, "giangvien", "en")
    create_bank(page, "trinh-duyet", "Ngân hàng thử trên trình duyệt")

    page.get_by_role("link", name="Import questions").click()
    upload(page, "cau-hoi.gift", BROKEN)
    errors = page.locator(".import-errors")
    expect(errors).to_contain_text("1 problem(s); nothing was imported.")
    expect(errors).to_contain_text("cau-hoi.gift:10:")
    assert questions_in("trinh-duyet") == 0

    upload(page, "cau-hoi.gift", GOOD)
    expect(page.locator(".import-preview")).to_contain_text(
        "3 questions: 3 new, 0 changed (a new version each), 0 unchanged."
    )
    db.session.expire_all()
    assert questions_in("trinh-duyet") == 0
    page.get_by_role("button", name="Import these questions").click()
    expect(
        page.get_by_text("Imported 3 questions (3 new, 0 changed, 0 unchanged).")
    ).to_be_visible()
    db.session.expire_all()
    assert questions_in("trinh-duyet") == 3

    page.get_by_role("link", name="b-1").click()
    page.get_by_role("link", name="Edit").click()
    # preview.js listens for typing from DOMContentLoaded on: typing before it (a loaded machine
    # reaches the field first) would leave the preview as it was.
    page.wait_for_load_state("load")
    stem = page.get_by_label("Question text (Markdown)")
    stem.fill("Bộ phận **Một cửa** trả kết quả ở đâu?")
    expect(page.locator("#module-preview strong")).to_have_text("Một cửa")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Version 2 saved")).to_be_visible()
    versions = page.locator("section[aria-labelledby=versions-title] tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("Lê Văn Giảng")

    page.get_by_role("link", name="← Ngân hàng thử trên trình duyệt").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download GIFT").click()
    download = download_info.value
    assert download.suggested_filename == "trinh-duyet.gift"
    exported = tmp_path / "trinh-duyet.gift"
    download.save_as(exported)

    create_bank(page, "ban-sao", "Bản sao")
    page.get_by_role("link", name="Import questions").click()
    upload(page, "trinh-duyet.gift", exported.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Import these questions").click()
    expect(page.get_by_text("Imported 3 questions")).to_be_visible()
    db.session.expire_all()
    original = banks.bank_questions(banks.find_bank("trinh-duyet"))
    assert banks.bank_questions(banks.find_bank("ban-sao")) == original
    assert original[0].stem == "Bộ phận **Một cửa** trả kết quả ở đâu?"


def test_bank_pages_fit_a_phone(page: Page, trainer: Account):
    """At 360 px the bank, question and editor pages need no sideways scrolling."""
    target = banks.get_or_create_bank("dien-thoai", "Ngân hàng trên điện thoại")
    target.owner_unit_id = db.session.get(LearnerProfile, str(trainer.id)).unit_id
    banks.import_questions(target, parse_gift(GOOD).questions)
    db.session.commit()
    question = db.session.scalar(select(Question).where(Question.key == "b-1"))
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, "giangvien", "en")
    for url in (
        f"/banks/{target.id}",
        f"/banks/{target.id}/questions/{question.id}",
        f"/banks/{target.id}/questions/{question.id}/edit",
        f"/banks/{target.id}/questions/new?qtype=numerical",
        f"/banks/{target.id}/import",
    ):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (url, width)
