"""Question-bank pages: the list of banks, a bank's category tree and questions, import with a
preview first, and export.
"""

import io
import re

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import Role
from lms.audit.models import AuditEvent
from lms.quizzes.bank import services as banks
from lms.quizzes.formats import parse_moodle_xml
from lms.quizzes.models import Question, QuestionBank, QuestionCategory, QuestionVersion
from tests.access.banks import UNIT_GIFT, unit_bank
from tests.conftest import csrf_token, login
from tests.html_checks import repeated_ids


@pytest.fixture
def units(make_unit):
    province = make_unit("TINH", "Tỉnh Thử", kind="province")
    return {
        "province": province,
        "a": make_unit("SO-A", "Sở A", parent=province),
        "b": make_unit("SO-B", "Sở B", parent=province),
    }


@pytest.fixture
def trainer(client, units, make_person):
    """A trainer of Sở A, signed in."""
    account = make_person("giangviena", role=Role.TRAINER, unit=units["a"])
    login(client, account)
    return account


@pytest.fixture
def own_bank(units):
    created = unit_bank(units["a"])
    db.session.commit()
    return created


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/profile"), **data})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def gift_questions(n: int) -> str:
    return "$CATEGORY: lon/chung\n\n" + "\n\n".join(
        f"::c-{i}:: Câu hỏi số {i}? {{=Đúng ~Sai}}" for i in range(n)
    )


# --- the list of banks -------------------------------------------------------------------------


def test_index_lists_banks_with_counts_and_what_the_user_may_do(client, trainer, units, own_bank):
    """Every bank is listed with its owner and question count; only the own unit's is editable."""
    other = unit_bank(units["b"], "nh-b")
    db.session.commit()
    page = client.get("/banks/").get_data(as_text=True)
    assert own_bank.title in page and "nh-b" in page and "Sở A" in page and "Sở B" in page
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    own_row = next(r for r in rows if "nh-a" in r)
    other_row = next(r for r in rows if other.slug in r)
    assert "sửa" in own_row and "xem" in other_row
    assert "Một lựa chọn: 1" in own_row


def test_organizers_and_learners_are_refused(client, units, make_person):
    """Only trainers (and admins) open the bank pages."""
    login(client, make_person("tochuc", role=Role.ORGANIZER, unit=units["a"]))
    assert client.get("/banks/").status_code == 403


def test_trainer_creates_a_bank_for_one_of_their_units(client, trainer, units):
    """A new bank belongs to the chosen unit and is audited."""
    response = post(
        client, "/banks/new", slug="mot-cua-2026", title="Một cửa 2026", owner_unit_id=units["a"].id
    )
    assert response.status_code == 303
    created = banks.find_bank("mot-cua-2026")
    assert created.owner_unit_id == units["a"].id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "bank.create"))


def test_creating_a_bank_for_another_unit_is_refused(client, trainer, units):
    """A unit outside the trainer's subtree is not offered, and posting it anyway is refused."""
    response = post(client, "/banks/new", slug="khac", title="Khác", owner_unit_id=units["b"].id)
    assert response.status_code == 422
    assert count(QuestionBank) == 0


def test_a_taken_short_name_is_reported_beside_the_field(client, trainer, units, own_bank):
    """A slug already used answers 422 with the reason."""
    response = post(client, "/banks/new", slug="nh-a", title="Trùng", owner_unit_id=units["a"].id)
    assert response.status_code == 422
    assert "Đã có ngân hàng câu hỏi với tên ngắn nh-a." in response.get_data(as_text=True)


# --- a bank: tree and list -----------------------------------------------------------------------


def test_bank_page_shows_the_tree_with_implied_parents_and_counts(client, trainer, own_bank):
    """The root "nh-a" has no row of its own yet still heads the tree with the total."""
    page = client.get(f"/banks/{own_bank.id}").get_data(as_text=True)
    tree = page.split('class="tree"')[1].split("</ul>")[0]
    assert "nh-a" in tree and "co-ban" in tree
    assert "(0 / 2)" in tree and "(2)" in tree


def test_question_list_shows_type_version_and_attempts(client, trainer, own_bank):
    """Each row: title, type label, version number, attempts that used it."""
    page = client.get(f"/banks/{own_bank.id}?category=nh-a/co-ban").get_data(as_text=True)
    assert "a-1" in page and "Một lựa chọn" in page and "Đúng/Sai" in page


def test_question_list_filters_by_type(client, trainer, own_bank):
    """?type=truefalse shows only true/false questions."""
    page = client.get(f"/banks/{own_bank.id}?type=truefalse").get_data(as_text=True)
    assert "a-2" in page and ">a-1<" not in page


def test_subcategories_can_be_left_out(client, trainer, own_bank):
    """sub=0 lists only the category's own questions (none in the implied root)."""
    page = client.get(f"/banks/{own_bank.id}?category=nh-a&sub=0").get_data(as_text=True)
    assert "Chưa có câu hỏi nào ở đây." in page


def test_unknown_category_is_404(client, trainer, own_bank):
    assert client.get(f"/banks/{own_bank.id}?category=khong-co").status_code == 404


def test_bank_page_query_count_does_not_grow(client, trainer, units, count_queries):
    """The bank page runs as many queries for 100 questions as for 10."""
    measured = []
    for size in (10, 100):
        target = unit_bank(
            units["a"], f"lon-{size}", gift_questions(size).replace("lon/", f"lon-{size}/")
        )
        db.session.commit()
        client.get(f"/banks/{target.id}")
        with count_queries() as statements:
            response = client.get(f"/banks/{target.id}?category=lon-{size}")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('name="questions"') == min(size, 50)
        measured.append(len(statements))
    assert measured[0] == measured[1]
    assert measured[1] <= 12


def test_add_a_category_under_a_parent(client, trainer, own_bank):
    """A new category appears under its parent and is audited."""
    response = post(client, f"/banks/{own_bank.id}/categories", parent="nh-a", name="Nâng cao")
    assert response.status_code == 303
    paths = set(db.session.scalars(select(QuestionCategory.path)))
    assert "nh-a/Nâng cao" in paths


def test_a_category_that_exists_is_refused(client, trainer, own_bank):
    """Adding "co-ban" again under "nh-a" answers 422 and writes nothing."""
    response = post(client, f"/banks/{own_bank.id}/categories", parent="nh-a", name="co-ban")
    assert response.status_code == 422
    assert "Danh mục nh-a/co-ban đã có." in response.get_data(as_text=True)
    assert count(QuestionCategory) == 1


def test_a_parent_that_does_not_exist_is_refused(client, trainer, own_bank):
    """A category is added only under a category the bank has."""
    response = post(client, f"/banks/{own_bank.id}/categories", parent="bia", name="moi")
    assert response.status_code == 422
    assert "Không có danh mục bia." in response.get_data(as_text=True)


def test_rename_moves_the_categories_below(client, trainer, own_bank):
    """Renaming the implied root renames every path under it; ids stay."""
    before = db.session.scalar(select(QuestionCategory.id))
    response = post(client, f"/banks/{own_bank.id}/categories/rename", path="nh-a", name="mot-cua")
    assert response.status_code == 303
    category = db.session.get(QuestionCategory, before)
    assert category.path == "mot-cua/co-ban"


def test_rename_onto_an_existing_category_is_refused(client, trainer, own_bank):
    """Two categories may not end up with one path."""
    post(client, f"/banks/{own_bank.id}/categories", parent="nh-a", name="nang-cao")
    response = post(
        client, f"/banks/{own_bank.id}/categories/rename", path="nh-a/co-ban", name="nang-cao"
    )
    assert response.status_code == 422
    assert "nh-a/co-ban" in set(db.session.scalars(select(QuestionCategory.path)))


def test_the_category_forms_repeat_no_id(client, trainer, own_bank):
    """Add and rename both have a name field: each label still points at its own field."""
    page = client.get(f"/banks/{own_bank.id}").get_data(as_text=True)
    assert 'for="rename-name"' in page and 'id="rename-name"' in page
    assert repeated_ids(page) == []


def test_move_ticked_questions_to_another_category(client, trainer, own_bank):
    """Ticked questions move; others stay."""
    first, second = db.session.scalars(select(Question).order_by(Question.id)).all()
    post(client, f"/banks/{own_bank.id}/categories", parent="nh-a", name="khac")
    response = post(
        client,
        f"/banks/{own_bank.id}/questions/move",
        questions=[str(first.id)],
        target="nh-a/khac",
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert first.category.path == "nh-a/khac" and second.category.path == "nh-a/co-ban"


def test_another_units_bank_is_read_only(client, trainer, units):
    """A trainer of Sở A reads Sở B's bank but may not change it (403)."""
    other = unit_bank(units["b"], "nh-b")
    db.session.commit()
    assert client.get(f"/banks/{other.id}").status_code == 200
    response = post(client, f"/banks/{other.id}/categories", parent="", name="x")
    assert response.status_code == 403


# --- import and export ---------------------------------------------------------------------------

BROKEN = UNIT_GIFT + "\n::a-3:: Thiếu ngoặc {=a ~b\n\n::a-4:: Số {#abc}\n"


def upload(client, bank_id, text, fmt="gift", name="cau-hoi.gift", category=""):
    return client.post(
        f"/banks/{bank_id}/import",
        data={
            "csrf_token": csrf_token(client, "/profile"),
            "file": (io.BytesIO(text.encode("utf-8")), name),
            "format": fmt,
            "category": category,
        },
        content_type="multipart/form-data",
    )


def test_import_lists_every_error_with_file_and_line_and_writes_nothing(client, trainer, own_bank):
    """Each bad question is shown as FILE:LINE: reason; 422; the bank is unchanged."""
    response = upload(client, own_bank.id, BROKEN)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "cau-hoi.gift:10:" in page and "cau-hoi.gift:12:" in page
    assert count(Question) == 2


def test_import_preview_counts_new_changed_unchanged_then_confirm_writes(client, trainer, own_bank):
    """The preview counts without writing; confirming imports from the signed token."""
    text = UNIT_GIFT.replace("{T}", "{F}") + "\n::a-5:: Viết tắt của thủ tục hành chính? {=TTHC}\n"
    response = upload(client, own_bank.id, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 câu hỏi: 1 mới, 1 thay đổi" in page and "1 không đổi" in page
    assert "Trả lời ngắn: 1" in page
    assert count(Question) == 2
    token = re.search(r'name="token"[^>]*value="([^"]+)"', page).group(1)
    response = post(client, f"/banks/{own_bank.id}/import/confirm", token=token)
    assert response.status_code == 303
    assert count(Question) == 3 and count(QuestionVersion) == 4


def test_a_tampered_token_imports_nothing(client, trainer, own_bank):
    """An altered token is refused with a message."""
    page = upload(client, own_bank.id, gift_questions(2)).get_data(as_text=True)
    token = re.search(r'name="token"[^>]*value="([^"]+)"', page).group(1)
    response = post(client, f"/banks/{own_bank.id}/import/confirm", token=token[:-3] + "abc")
    assert response.status_code == 422
    assert count(Question) == 2


def test_import_into_a_chosen_category(client, trainer, own_bank):
    """A target category takes every imported question, whatever the file says."""
    page = upload(client, own_bank.id, gift_questions(2), category="nh-a/co-ban")
    token = re.search(r'name="token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    post(client, f"/banks/{own_bank.id}/import/confirm", token=token)
    paths = set(db.session.scalars(select(QuestionCategory.path)))
    assert paths == {"nh-a/co-ban"}


def test_a_file_over_the_limit_is_refused_with_a_message(client, app, trainer, own_bank):
    """Too large a file: 413 and the limit in words."""
    app.config["LMS_UPLOAD_MAX_BYTES"] = 1000
    response = upload(client, own_bank.id, gift_questions(50))
    assert response.status_code == 413
    assert "lớn hơn" in response.get_data(as_text=True)


def test_aiken_import_works_too(client, trainer, own_bank):
    """Aiken files are previewed like GIFT."""
    aiken = "Cơ quan nào tiếp nhận hồ sơ?\nA. Bộ phận Một cửa\nB. Phòng tài vụ\nANSWER: A\n"
    response = upload(client, own_bank.id, aiken, fmt="aiken", name="a.txt")
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.mark.parametrize(("fmt", "ext"), [("gift", "gift"), ("moodlexml", "xml")])
def test_export_downloads_the_bank(client, trainer, own_bank, fmt, ext):
    """Export is an attachment named after the slug, holding every question."""
    response = client.get(f"/banks/{own_bank.id}/export/{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="nh-a.{ext}"'
    text = response.get_data(as_text=True)
    assert "Bộ phận Một cửa trả kết quả ở đâu?" in text


def test_export_of_a_type_gift_cannot_hold_explains_why(client, trainer, units):
    """A fill-the-gaps question cannot be written as GIFT: 409 with the reason, not a 500."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><quiz><question type="gapselect">'
        "<name><text>Điền</text></name><questiontext><text>Nộp tại [[1]]</text></questiontext>"
        "<selectoption><text>Một cửa</text><group>1</group></selectoption></question></quiz>"
    )
    target = banks.get_or_create_bank("xep")
    target.owner_unit_id = units["a"].id
    banks.import_questions(target, parse_moodle_xml(xml).questions)
    db.session.commit()
    response = client.get(f"/banks/{target.id}/export/gift")
    assert response.status_code == 409
    assert client.get(f"/banks/{target.id}/export/moodlexml").status_code == 200
