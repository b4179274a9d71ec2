"""The demo reads like a real one: the organizer of Sở Nội vụ and its trainer hold their roles on
the whole city (she enrols any of its officials, he authors the shipped courses and banks),
enrolments fall in each class's enrolment period, and essays answer their questions.
"""

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, select

from lms import db, demo
from lms.accounts import services
from lms.accounts.models import LearnerProfile, Role, RoleGrant
from lms.classes.models import Enrolment, TrainingClass
from lms.courses.models import Course
from lms.demo.essays import ESSAY_ANSWERS
from lms.demo.people import learner_accounts
from lms.quizzes.formats import parse_gift
from lms.quizzes.models import AttemptQuestion, QuestionBank, QuestionVersion
from lms.resources import data_dir
from tests.conftest import csrf_token, login


@pytest.fixture
def seeded(app):
    with force_locale("vi"):
        demo.seed()
    db.session.commit()


def grants(username: str) -> set[tuple[str, str]]:
    account = services.find_account(username)
    rows = db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == str(account.id)))
    return {(grant.role, grant.unit.code) for grant in rows}


def test_organizer_and_trainer_hold_their_roles_on_the_city(seeded):
    """One grant each, on Thành phố Đà Nẵng (their profile stays in Sở Nội vụ)."""
    assert grants("tochuc") == {(Role.ORGANIZER, "DN")}
    assert grants("giangvien") == {(Role.TRAINER, "DN")}
    profile = db.session.get(LearnerProfile, str(services.find_account("tochuc").id))
    assert profile.unit.code == "DN-SNV"


def test_an_older_demo_gets_the_city_grant_on_the_next_run(seeded):
    """A demo seeded with the department grant is moved to the city by `lms demo` again."""
    account = services.find_account("tochuc")
    db.session.execute(delete(RoleGrant).where(RoleGrant.user_id == str(account.id)))
    services.grant_role(str(account.id), Role.ORGANIZER, services.find_unit("DN-SNV"))
    db.session.commit()
    with force_locale("vi"):
        demo.seed()
    db.session.commit()
    assert grants("tochuc") == {(Role.ORGANIZER, "DN")}


def test_the_organizer_can_enrol_learners_of_any_ward(seeded, client):
    """Officials of wards and other departments, outside Sở Nội vụ, enrol in one go."""
    training_class = db.session.scalars(select(TrainingClass).order_by(TrainingClass.id)).first()
    enrolled = set(
        db.session.scalars(select(Enrolment.user_id).where(Enrolment.class_id == training_class.id))
    )
    outside = [
        str(account.id)
        for account in learner_accounts()
        if not db.session.get(LearnerProfile, str(account.id)).unit.code.startswith("DN-SNV")
        and str(account.id) not in enrolled
    ]
    assert len(outside) >= 3
    login(client, services.find_account("tochuc"))
    url = f"/classes/{training_class.id}/enrol"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "user_id": outside})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_the_trainer_can_edit_a_shipped_course_and_bank(seeded, client):
    """The shipped course's authoring page and a shipped bank's new-question form open."""
    login(client, services.find_account("giangvien"))
    course = db.session.scalars(select(Course).where(Course.owner_unit_id.is_(None))).first()
    bank = db.session.scalars(
        select(QuestionBank).where(QuestionBank.owner_unit_id.is_(None))
    ).first()
    assert course is not None and bank is not None
    assert client.get(f"/author/courses/{course.id}").status_code == 200
    assert client.get(f"/banks/{bank.id}/questions/new?qtype=single").status_code == 200


def test_demo_enrolments_fall_in_each_class_enrolment_period(seeded):
    """Not all at the moment the demo ran: on days between enrolment opening and the start."""
    rows = db.session.execute(
        select(Enrolment.enrolled_at, TrainingClass.enrol_opens_on, TrainingClass.starts_on).join(
            TrainingClass, TrainingClass.id == Enrolment.class_id
        )
    ).all()
    assert rows
    for enrolled_at, opens_on, starts_on in rows:
        assert opens_on <= enrolled_at.date() < starts_on
    assert len({enrolled_at for enrolled_at, _, _ in rows}) > 5


def shipped_essays() -> list[str]:
    names = []
    for path in sorted(data_dir("quizzes").glob("*.gift")):
        parsed = parse_gift(path.read_bytes(), str(path))
        names += [q.name for q in parsed.questions if q.qtype == "essay"]
    return names


def test_every_shipped_essay_question_has_a_demo_answer():
    """A new essay question in a shipped bank needs its own demo answer too."""
    names = shipped_essays()
    assert names and set(names) <= set(ESSAY_ANSWERS)


def test_demo_essays_answer_their_own_question(seeded):
    """Each saved essay answer is (the start of) the answer written for that question."""
    rows = db.session.execute(
        select(QuestionVersion.name, AttemptQuestion.response)
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
        .where(QuestionVersion.qtype == "essay")
    ).all()
    answered = [(name, response) for name, response in rows if response]
    assert answered
    for name, response in answered:
        text = response["text"] if isinstance(response, dict) else str(response)
        assert ESSAY_ANSWERS[name].startswith(text.rstrip(".")), (name, text)
