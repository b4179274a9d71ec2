"""Access rules of the question-bank pages, and the factory the bank tests share.

The world's bank "nh-a" belongs to unit A and holds two questions nobody has used. The world's
trainer holds the role on the province (a whole tree), so may change it; so may admins. Learners
and organizers are refused by the role check before any bank is loaded.
"""

from sqlalchemy import select

from lms import db
from lms.accounts.models import Unit
from lms.quizzes.bank import services as bank
from lms.quizzes.formats import parse_gift
from lms.quizzes.models import Question, QuestionBank
from tests.access import LOGIN

UNIT_GIFT = """$CATEGORY: nh-a/co-ban

::a-1:: Bộ phận Một cửa trả kết quả ở đâu? {
=Tại Bộ phận Một cửa#Đúng.
~Tại phòng chuyên môn#Chưa đúng.
}

::a-2:: Hồ sơ được hẹn trả theo phiếu hẹn. {T}
"""

TRAINERS = {"anonymous": LOGIN, "trainer": 200, "admin": 200, "*": 403}
REDIRECTED = {"anonymous": LOGIN, "trainer": 303, "admin": 303, "*": 403}


def unit_bank(unit: Unit, slug: str = "nh-a", text: str = UNIT_GIFT) -> QuestionBank:
    """A bank maintained by `unit`, imported from GIFT `text`."""
    target = bank.get_or_create_bank(slug, "Ngân hàng của đơn vị")
    target.owner_unit_id = unit.id
    bank.import_questions(target, parse_gift(text).questions)
    db.session.flush()
    return target


ACCESS: dict[str, tuple[str, dict[str, int]]] = {
    "lms.banks.index": ("GET", TRAINERS),
    "lms.banks.create": ("POST", REDIRECTED),
    "lms.banks.bank": ("GET", TRAINERS),
    "lms.banks.add_category": ("POST", REDIRECTED),
    "lms.banks.rename_category": ("POST", REDIRECTED),
    "lms.banks.move_questions": ("POST", REDIRECTED),
    "lms.banks.new_question": ("GET", TRAINERS),
    "lms.banks.edit_question": ("GET", TRAINERS),
    "lms.banks.question": ("GET", TRAINERS),
    "lms.banks.version": ("GET", TRAINERS),
    "lms.banks.delete_question": ("POST", REDIRECTED),
    "lms.banks.import_file": ("GET", TRAINERS),
    # A token that is not one signed by the preview is refused, nothing imported.
    "lms.banks.import_confirm": ("POST", {**TRAINERS, "trainer": 422, "admin": 422}),
    "lms.banks.export": ("GET", TRAINERS),
}


def extend_world(world) -> None:
    world["unit_bank"] = unit_bank(world["unit_a"])
    world["unit_questions"] = list(
        db.session.scalars(
            select(Question.id)
            .where(Question.bank_id == world["unit_bank"].id)
            .order_by(Question.id)
        )
    )


def url_args(world) -> dict[str, dict]:
    bank_id = world["unit_bank"].id
    first, second = world["unit_questions"]
    question = {"bank_id": bank_id, "question_id": first}
    return {
        "lms.banks.bank": {"bank_id": bank_id},
        "lms.banks.add_category": {"bank_id": bank_id},
        "lms.banks.rename_category": {"bank_id": bank_id},
        "lms.banks.move_questions": {"bank_id": bank_id},
        "lms.banks.new_question": {"bank_id": bank_id, "qtype": "single"},
        "lms.banks.edit_question": question,
        "lms.banks.question": question,
        "lms.banks.version": {**question, "number": 1},
        "lms.banks.delete_question": {"bank_id": bank_id, "question_id": second},
        "lms.banks.import_file": {"bank_id": bank_id},
        "lms.banks.import_confirm": {"bank_id": bank_id},
        "lms.banks.export": {"bank_id": bank_id, "fmt": "gift"},
    }


def form_data(world) -> dict[str, dict]:
    return {
        "lms.banks.create": {
            "slug": "ngan-hang-moi",
            "title": "Ngân hàng mới",
            "owner_unit_id": str(world["unit_a"].id),
        },
        "lms.banks.add_category": {"parent": "nh-a", "name": "nang-cao"},
        "lms.banks.rename_category": {"path": "nh-a/co-ban", "name": "nen-tang"},
        "lms.banks.move_questions": {
            "questions": [str(world["unit_questions"][0])],
            "target": "nh-a",
        },
        "lms.banks.import_confirm": {"token": "not-a-signed-preview"},
    }
