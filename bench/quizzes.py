"""Bench data for the exam-day scenarios: a class of 300 learners, each with attempts in progress,
and the requests the load client sends as them (autosave, submit).

Seeding runs once per bench instance, in its own process inside an app context (`python -m
bench.quizzes --out FOLDER`): accounts, profiles and enrolments in bulk, then quizzes and attempts
through the services (`start_attempt`, `save_responses`), answers built by `lms.demo.answer_form`;
the attempts the submit scenario submits are copied in bulk from one per quiz (`answered_attempts`).
Each learner's session cookie is made as the log-in view makes it (`login_user`, the account's
session version, a CSRF token), so 300 learners need no 300 password checks; the load client
then sends, request after request, a different learner's cookie, token, path and body.

A targets file holds one request per line (JSON): `{"path", "cookie", "token", "body"}`.
"""

import json
import random
import subprocess
import sys
from pathlib import Path

from bench import seeding
from bench.servers import ROOT, Instance

EXAM_CLASS = "BENCH-EXAM"
LEARNERS = 300
#: Quizzes whose attempts the submit scenario submits (one attempt per learner each), on top of
#: the quiz the autosave scenario saves into: each attempt is submitted once, so the bench's
#: rounds together need as many as the server can submit in their time (wrk reports
#: "exhausted" otherwise). 36 quizzes give 10,800 attempts (11,880 requests with the double
#: submits): four rounds of 5 s at up to ~590 submits a second.
SUBMIT_QUIZZES = 36
#: Every n-th submit repeats one sent a moment before (a double click, a retry after a timeout).
DOUBLE_SUBMIT_EVERY = 10
#: How often attempt.js saves while a learner works.
AUTOSAVE_SECONDS = 15


def autosave_targets(instance: Instance) -> Path:
    return _targets(instance) / "autosave.jsonl"


def attempt_page_targets(instance: Instance) -> Path:
    """The 300 learners' attempt pages (GET, each with its own session): the autosave lines
    without their body, pointed at the page itself."""
    folder = _targets(instance)
    out = folder / "attempt-page.jsonl"
    if not out.exists():
        seen, lines = set(), []
        for line in (folder / "autosave.jsonl").read_text(encoding="utf-8").splitlines():
            target = json.loads(line)
            path = target["path"].removesuffix("/autosave")
            if path not in seen:
                seen.add(path)
                lines.append({"path": path, "cookie": target["cookie"]})
        _write(out, lines)
    return out


def submit_targets(instance: Instance) -> Path:
    return _targets(instance) / "submit.jsonl"


def _targets(instance: Instance) -> Path:
    """Seed the exam class once per instance (in a subprocess) and return its targets folder."""
    folder = instance.folder / "bench-exam"
    if not (folder / "submit.jsonl").exists():
        subprocess.run(
            [sys.executable, "-m", "bench.quizzes", "--out", str(folder)],
            env=instance.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return folder


# --- the seeding process --------------------------------------------------------------------------


def seed_learners(count: int, code: str = EXAM_CLASS, prefix: str = "thi"):
    """`count` learner accounts enrolled in a new class `code` (the exam class by default; bulk
    inserts; no usable password), usernames `prefix` + number."""
    from datetime import UTC, datetime

    from sqlalchemy import insert, select

    from lms import db
    from lms.accounts.models import Account, LearnerProfile, Unit
    from lms.accounts.services import collation_string
    from lms.classes.models import Enrolment, TrainingClass
    from lms.text import fold

    demo = db.session.scalar(select(TrainingClass).where(TrainingClass.code == "MC-2026-01"))
    unit = db.session.scalar(select(Unit).where(Unit.code == "DN-PHC"))
    training_class = TrainingClass(
        code=code,
        name=f"Lớp đo tải: {count} học viên",
        course_version_id=demo.course_version_id,
        unit_id=demo.unit_id,
    )
    db.session.add(training_class)
    now = datetime.now(UTC)
    usernames = [f"{prefix}{n:03d}" for n in range(count)]
    db.session.execute(
        insert(Account),
        [{"username": name, "password_hash": "!", "created_at": now} for name in usernames],
    )
    accounts = db.session.scalars(
        select(Account).where(Account.username.in_(usernames)).order_by(Account.username)
    ).all()
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"]
    givens = ["An", "Bình", "Chi", "Dũng", "Hà", "Lan", "Minh", "Sơn", "Tùng", "Yến"]
    profiles = []
    for number, account in enumerate(accounts):
        name = f"{families[number % 8]} Thị {givens[number % 10]} {number}"
        profiles.append(
            {
                "user_id": str(account.id),
                "full_name": name,
                "sort_name": collation_string(name),
                "search_text": fold(name),
                "official_code": f"{prefix.upper()}{number:05d}",
                "unit_id": unit.id,
                "position": "Công chức",
                "rank": "chuyen-vien",
                "education_level": "dai-hoc",
                "email": "",
                "created_at": now,
            }
        )
    db.session.execute(insert(LearnerProfile), profiles)
    db.session.flush()
    db.session.execute(
        insert(Enrolment),
        [
            {
                "class_id": training_class.id,
                "user_id": p["user_id"],
                "status": "enrolled",
                "source": "import",
                "enrolled_at": now,
            }
            for p in profiles
        ],
    )
    return training_class, accounts


def session_cookie(app, account) -> tuple[str, str]:
    """The learner's session cookie and CSRF token, as logging in through the form makes them.

    The request looks like the load client's (127.0.0.1, no User-Agent), so Flask-Login's
    session protection finds the same identifier and leaves the session alone.
    """
    from flask import g, session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf

    from lms.accounts import sessions as login_sessions
    from lms.accounts.models import ACCOUNT_SESSION_KEY

    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        # The seeding's app context (and its `g`) outlives this request: forget the last
        # learner's token, which Flask-WTF keeps there.
        g.pop(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
        login_user(account)
        session[ACCOUNT_SESSION_KEY] = account.session_version
        # The server-side record of the log-in, committed with the rest of the seeding.
        session[login_sessions.LOGIN_SESSION_KEY] = login_sessions.start(account.id)
        token = generate_csrf()
        value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return f"{app.config['SESSION_COOKIE_NAME']}={value}", token


def seed(app, out: Path) -> None:
    """The exam class, its quizzes and attempts, and both targets files."""
    from lms import db
    from lms.demo import answer_form
    from lms.quizzes.attempts import services as attempts
    from lms.quizzes.attempts import tokens
    from lms.quizzes.bank import services as banks
    from lms.quizzes.manage import settings
    from lms.quizzes.types import get_question_type

    training_class, accounts = seed_learners(LEARNERS)
    bank = banks.find_bank("mot-cua")
    exam = {"time_limit_minutes": 180, "attempts_allowed": 1, "questions_per_page": 3}
    quizzes = [
        settings.final_quiz(training_class, bank, title=f"Bài thi đo tải {n}", **exam)
        for n in range(1 + SUBMIT_QUIZZES)
    ]
    rng = random.Random(2026)
    autosave, submit, sessions = [], [], {}
    for account in accounts:
        cookie, token = sessions[str(account.id)] = session_cookie(app, account)
        attempt = attempts.start_attempt(quizzes[0], str(account.id))
        # The question the learner keeps changing: its right and a wrong answer, in turn.
        question = next(q for q in attempt.questions if q.question_version.qtype != "essay")
        version = question.question_version
        prefix = attempts.field_prefix(question.position)
        for right in (True, False):
            fields = answer_form(version.qtype, version.data, prefix, right, rng)
            # As the page sends them: opaque values, not the author's indexes.
            fields = tokens.encode(
                get_question_type(version.qtype),
                banks.as_data(version, ""),
                fields,
                attempt.id,
                question.position,
            )
            payload = {"answers": {str(question.position): fields}}
            target = _target(attempt.id, "autosave", cookie, token, payload)
            autosave.append((right, target))
        db.session.flush()
    for quiz in quizzes[1:]:
        for attempt_id, user_id in answered_attempts(quiz, accounts, rng):
            submit.append(_target(attempt_id, "submit", *sessions[user_id], None))
    db.session.commit()
    out.mkdir(parents=True, exist_ok=True)
    # All right answers first, then all wrong ones: cycling through, every save changes an answer.
    ordered = [t for right, t in autosave if right] + [t for right, t in autosave if not right]
    _write(out / "autosave.jsonl", ordered)
    rng.shuffle(submit)
    _write(out / "submit.jsonl", with_double_submits(submit))


def answered_attempts(quiz, accounts, rng: random.Random) -> list[tuple[int, str]]:
    """An attempt in progress at `quiz` for every account, its answers saved (about 70 % right):
    the first through the services, the others copies of it written in bulk (the same draw and
    answers), so that tens of thousands of attempts to submit take seconds to seed, not
    minutes. Returns (attempt id, user id) pairs."""
    from sqlalchemy import insert

    from lms import db
    from lms.demo import answer_form
    from lms.quizzes.attempts import services as attempts
    from lms.quizzes.models import Attempt, AttemptQuestion

    first = attempts.start_attempt(quiz, str(accounts[0].id))
    forms = {
        question.position: answer_form(
            question.question_version.qtype,
            question.question_version.data,
            attempts.field_prefix(question.position),
            rng.random() < 0.7,
            rng,
        )
        for question in first.questions
    }
    attempts.save_responses(first, quiz, forms, first.started_at)
    db.session.flush()
    copied = db.session.execute(
        insert(Attempt).returning(Attempt.id, Attempt.user_id, sort_by_parameter_order=True),
        [
            {
                "quiz_id": quiz.id,
                "user_id": str(account.id),
                "number": 1,
                "state": first.state,
                "started_at": first.started_at,
                "deadline_at": first.deadline_at,
                "current_page": 0,
            }
            for account in accounts[1:]
        ],
    ).all()
    columns = ("position", "question_version_id", "choice_order", "max_mark", "response")
    db.session.execute(
        insert(AttemptQuestion),
        [
            {
                "attempt_id": attempt_id,
                "saved_at": first.started_at,
                **{name: getattr(question, name) for name in columns},
            }
            for attempt_id, _user_id in copied
            for question in first.questions
        ],
    )
    return [(first.id, first.user_id), *((row.id, row.user_id) for row in copied)]


def with_double_submits(targets: list[dict]) -> list[dict]:
    """Every DOUBLE_SUBMIT_EVERY-th request repeats one sent a few requests before."""
    result: list[dict] = []
    for target in targets:
        if len(result) % DOUBLE_SUBMIT_EVERY == DOUBLE_SUBMIT_EVERY - 1:
            result.append(result[-5])
        result.append(target)
    return result


def _target(attempt_id: int, action: str, cookie: str, token: str, payload) -> dict:
    return {
        "path": f"/quiz/attempt/{attempt_id}/{action}",
        "cookie": cookie,
        "token": token,
        "body": json.dumps(payload) if payload is not None else "",
    }


def _write(path: Path, targets: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(target) + "\n" for target in targets)


def main(argv: list[str] | None = None) -> int:
    return seeding.main(seed, "Seed the exam-day bench data.", "folder for the targets files", argv)


if __name__ == "__main__":
    sys.exit(main())
