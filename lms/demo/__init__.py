"""Demo data for `lms demo`: a real-looking province, one account per role, some learners, a
class of each shipped course, and each class's final quiz with attempts made over the last days
(through the attempt and grading services), then a summary of what there is to look at.

One module per idea: `people` (units and accounts), `classes` (shipped content and a class of
each course), `quizzes` (quizzes, attempts, essays graded), `answers` (the form fields a learner
sends per question type, which the benchmarks and tests reuse).

Idempotent: units, accounts, classes and quizzes are looked up by code, username and class, so a
second run adds nothing and changes no password.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms import db
from lms.attendance.models import AttendanceMark, AttendanceSession
from lms.certificates.models import Certificate
from lms.demo.answers import answer_form
from lms.demo.attendance import seed_attendance
from lms.demo.certificates import FINISHED_CLASS, seed_certificates
from lms.demo.classes import CLASSES, seed_classes, seed_content
from lms.demo.people import LEARNERS, ROLE_ACCOUNTS, seed_people, seed_units
from lms.demo.quizzes import UNTIMED_CLASSES, seed_quizzes
from lms.demo.records import PAST_CLASSES, seed_records
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, Quiz

__all__ = [
    "CLASSES",
    "LEARNERS",
    "ROLE_ACCOUNTS",
    "UNTIMED_CLASSES",
    "answer_form",
    "seed",
    "summary",
]


def seed(base_url: str = "http://127.0.0.1:5000") -> dict[str, str]:
    """All demo data; returns the passwords of role accounts created by this run. `base_url`
    is the address the certificates' QR codes point to."""
    units = seed_units()
    passwords = seed_people(units)
    seed_content()
    seed_classes(units)
    seed_quizzes()
    seed_certificates(base_url)
    seed_attendance()
    seed_records(units)
    return passwords


def summary() -> list[str]:
    """What the demo holds to look at, one line each (translated), for the `lms demo` output."""

    def count(*where) -> int:
        attempts = select(func.count(Attempt.id.distinct())).join(Quiz, Quiz.id == Attempt.quiz_id)
        return db.session.scalar(attempts.where(*where)) or 0

    finished = Attempt.state == AttemptState.FINISHED
    # Answers, as the trainer's grading queue counts them (an attempt may hold two essays).
    waiting = db.session.scalar(
        select(func.count(AttemptQuestion.id))
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(finished, AttemptQuestion.fraction.is_(None))
    )
    return [
        _(
            "Quizzes: %(quizzes)d; submitted attempts: %(finished)d (%(passed)d passed), in "
            "progress: %(running)d.",
            quizzes=db.session.scalar(select(func.count(Quiz.id))) or 0,
            finished=count(finished),
            passed=count(finished, Attempt.fraction * 100 >= Quiz.pass_mark - 1e-9),
            running=count(Attempt.state == AttemptState.IN_PROGRESS),
        ),
        _(
            "Essay answers waiting for grading: %(n)d (log in as giangvien).",
            n=waiting or 0,
        ),
        _(
            "Log in as hocvien to see a passed quiz, an attempt in progress, a quiz not passed "
            "yet and one not started, from each class's page."
        ),
        _(
            "Certificates issued in %(c)s: %(n)d, one revoked and reissued (log in as tochuc; "
            "anyone can check one at /verify/).",
            c=FINISHED_CLASS,
            n=db.session.scalar(select(func.count(Certificate.id))) or 0,
        ),
        _(
            "Training records: %(n)d classes of 2024–2025 with completions, yearly targets and "
            "one external training (log in as hocvien: My training record; as tochuc: "
            "Organizing → Training report).",
            n=len(PAST_CLASSES),
        ),
        _(
            "Class sessions: %(n)d, %(m)d attendance marks (log in as giangvien to mark, as "
            "tochuc for the lists and sign-in sheets, as hocvien for upcoming sessions).",
            n=db.session.scalar(select(func.count(AttendanceSession.id))) or 0,
            m=db.session.scalar(select(func.count(AttendanceMark.id))) or 0,
        ),
    ]
