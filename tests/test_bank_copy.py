"""Copying a question bank: a new bank of the trainer's unit with the source's categories and the
current version of every question, of every type, sharing nothing with the source.
"""

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import Role
from lms.accounts.services import ServiceError
from lms.audit.models import AuditEvent
from lms.quizzes.bank import categories, copying
from lms.quizzes.bank import editing as bank_editing
from lms.quizzes.bank import services as banks
from lms.quizzes.models import Question, QuestionBank, QuestionCategory, QuestionVersion
from lms.quizzes.types import QUESTION_TYPES
from lms.quizzes.types import Question as QuestionData
from tests.access.banks import unit_bank
from tests.conftest import csrf_token, login


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
    login(client, make_person("giangviena", role=Role.TRAINER, unit=units["a"]))
    return client


@pytest.fixture
def source(units) -> QuestionBank:
    """Sở B's bank: a question of every registered type (one edited to version 2), with nested
    data, and an empty category."""
    bank = unit_bank(units["b"], slug="nh-b", text="")
    bank.title = "Ngân hàng Sở B"
    questions = [
        QuestionData(
            qtype=qtype,
            name=f"cau-{qtype}",
            stem=f"Câu hỏi loại {qtype}?",
            category=f"nh-b/{qtype}",
            data={"items": [{"text": f"Lựa chọn {qtype}", "fraction": 1.0}]},
        )
        for qtype in QUESTION_TYPES
    ]
    banks.import_questions(bank, questions)
    questions[0].stem = "Câu hỏi đã sửa?"
    banks.import_questions(bank, questions[:1])
    categories.add_category(bank, "nh-b", "chua-dung")
    db.session.commit()
    return bank


def copy_of(source: QuestionBank, unit, slug: str = "nh-cua-a") -> QuestionBank:
    copied = copying.copy_bank(source, slug, "Ngân hàng của Sở A", unit)
    db.session.commit()
    return copied


def current(bank: QuestionBank) -> dict[str, tuple]:
    """The bank's questions by key: category path, version number, type, text and data."""
    rows = db.session.execute(
        select(Question, QuestionVersion)
        .join(QuestionVersion, banks.current_version_join())
        .where(Question.bank_id == bank.id)
    )
    return {
        q.key: (q.category.path, v.number, v.qtype, v.stem, v.data, v.content_hash) for q, v in rows
    }


def bank_count() -> int:
    return db.session.scalar(select(func.count(QuestionBank.id)))


# --- the service ---------------------------------------------------------------------------------


def test_copy_holds_every_category_and_current_question(source, units):
    """Same category paths (the empty one too); each question's current version, as version 1."""
    copied = copy_of(source, units["a"])
    assert copied.owner_unit_id == units["a"].id and copied.slug == "nh-cua-a"
    paths = select(QuestionCategory.path).order_by(QuestionCategory.path)
    assert list(db.session.scalars(paths.where(QuestionCategory.bank_id == copied.id))) == list(
        db.session.scalars(paths.where(QuestionCategory.bank_id == source.id))
    )
    original, copy = current(source), current(copied)
    assert {qtype for _p, _n, qtype, *_ in copy.values()} == set(QUESTION_TYPES)
    assert {k: (p, 1, *rest) for k, (p, _n, *rest) in original.items()} == copy
    assert copy[f"cau-{next(iter(QUESTION_TYPES))}"][3] == "Câu hỏi đã sửa?"


def test_editing_the_copy_leaves_the_source_unchanged(source, units):
    """A question edited, moved and deleted in the copy changes nothing of the source's."""
    copied = copy_of(source, units["a"])
    before = current(source)
    first, second = db.session.scalars(
        select(Question).where(Question.bank_id == copied.id).order_by(Question.id).limit(2)
    )
    version = bank_editing.current_version(first)
    data = banks.as_data(version, first.category.path)
    data.stem = "Đã sửa trong bản sao"
    bank_editing.update_question(first, "nh-b/chua-dung", data)
    bank_editing.delete_question(second)
    db.session.commit()
    db.session.expire_all()
    assert current(source) == before


def test_question_data_is_not_shared(source, units):
    """The copy's nested answer data is its own: changing it in place leaves the source's."""

    def versions_of(bank: QuestionBank) -> list[QuestionVersion]:
        query = select(QuestionVersion).join(Question, Question.id == QuestionVersion.question_id)
        return list(db.session.scalars(query.where(Question.bank_id == bank.id)))

    originals = versions_of(source)
    copied = copying.copy_bank(source, "nh-cua-a", "Ngân hàng của Sở A", units["a"])
    for version in versions_of(copied):
        version.data["items"][0]["text"] = "Đổi"
    assert all(version.data["items"][0]["text"] != "Đổi" for version in originals)


def test_a_taken_short_name_writes_nothing(source, units):
    """The copy is refused whole when its short name names a bank already."""
    with pytest.raises(ServiceError):
        copying.copy_bank(source, "nh-b", "Trùng", units["a"])
    db.session.rollback()
    assert bank_count() == 1


def test_a_name_taken_between_check_and_write_is_refused_not_a_500(source, units, monkeypatch):
    """A bank made under the same name in between: the copy or new bank is told the name is
    taken, and only its savepoint is undone."""
    monkeypatch.setattr(bank_editing, "find_bank", lambda slug: None)  # the check ran before
    with pytest.raises(ServiceError, match="nh-b"):
        copying.copy_bank(source, "nh-b", "Trùng", units["a"])
    with pytest.raises(ServiceError, match="nh-b"):
        bank_editing.create_bank("nh-b", "Trùng", units["a"])
    db.session.commit()
    assert bank_count() == 1


def test_copy_is_audited(source, units):
    """An audit event names the source and counts what the copy holds."""
    copied = copy_of(source, units["a"])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "bank.copy"))
    assert event.object_id == str(copied.id) and event.before == {"bank": "nh-b"}
    assert event.after["questions"] == len(QUESTION_TYPES)
    assert event.after["categories"] == len(QUESTION_TYPES) + 1


def test_suggested_names(source, units):
    """`nh-b-ban-sao` and the title with "(bản sao)", counted on once the name is taken."""
    assert copying.suggested_names(source) == ("nh-b-ban-sao", "Ngân hàng Sở B (bản sao)")
    copy_of(source, units["a"], slug="nh-b-ban-sao")
    assert copying.suggested_names(source)[0] == "nh-b-ban-sao-2"


# --- the pages -----------------------------------------------------------------------------------


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/profile"), **data})


def copy_form(units, **fields) -> dict:
    return {
        "title": "Ngân hàng của Sở A",
        "slug": "nh-cua-a",
        "owner_unit_id": str(units["a"].id),
        **fields,
    }


def test_confirm_page_counts_what_will_be_copied(trainer, source):
    """The page shows the categories and questions per type, and a free short name."""
    page = trainer.get(f"/banks/{source.id}/copy").get_data(as_text=True)
    assert 'value="nh-b-ban-sao"' in page and "Ngân hàng Sở B" in page
    assert f"<dd>{len(QUESTION_TYPES) + 1}</dd>" in page
    assert bank_count() == 1


def test_trainer_copies_another_units_bank_and_may_edit_it(trainer, source, units):
    """A trainer of A copies B's bank (read-only to them) into A, then may add to the copy."""
    response = post(trainer, f"/banks/{source.id}/copy", **copy_form(units))
    assert response.status_code == 303
    copied = banks.find_bank("nh-cua-a")
    assert response.headers["Location"] == f"/banks/{copied.id}"
    assert copied.owner_unit_id == units["a"].id
    assert trainer.get(f"/banks/{source.id}/questions/new?qtype=single").status_code == 403
    assert trainer.get(f"/banks/{copied.id}/questions/new?qtype=single").status_code == 200


def test_a_taken_short_name_is_a_form_error_in_vietnamese(trainer, source, units):
    """The form comes back (422) with the reason beside the field; nothing is created."""
    response = post(trainer, f"/banks/{source.id}/copy", **copy_form(units, slug="nh-b"))
    assert response.status_code == 422
    assert "Đã có ngân hàng câu hỏi với tên ngắn nh-b" in response.get_data(as_text=True)
    assert bank_count() == 1


def test_a_unit_outside_the_trainers_scope_is_refused(trainer, source, units):
    """A trainer of A cannot make B the copy's owner: the form refuses, nothing is created."""
    response = post(
        trainer, f"/banks/{source.id}/copy", **copy_form(units, owner_unit_id=str(units["b"].id))
    )
    assert response.status_code == 422
    assert bank_count() == 1


def test_copy_needs_a_csrf_token(trainer, source, units):
    """A POST without the token is refused before anything is copied."""
    assert trainer.post(f"/banks/{source.id}/copy", data=copy_form(units)).status_code == 400
    assert bank_count() == 1


def test_bank_page_offers_the_copy(trainer, source):
    """Every trainer sees the copy button on a bank's page, editable or not."""
    page = trainer.get(f"/banks/{source.id}").get_data(as_text=True)
    assert f'href="/banks/{source.id}/copy"' in page
