"""The draw of an attempt: each slot's questions picked at random (a fixed question, or N from a
category and, if asked, its subcategories), their current versions fixed, questions and choices
shuffled, all from one seeded random generator so the same seed gives the same layout.
"""

import hashlib
import random
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from lms import db
from lms.accounts.services import ServiceError
from lms.quizzes.bank.services import as_data
from lms.quizzes.models import AttemptQuestion, Question, QuestionCategory, QuestionVersion, Quiz
from lms.quizzes.types import get_question_type


class DrawError(ServiceError):
    """The bank no longer holds the questions the quiz asks for."""


def attempt_seed(quiz_id: int, user_id: str, number: int) -> int:
    """The seed of an attempt's draw: its identity mixed with the app's secret.

    Recomputing it gives the same layout again (for support and tests) without storing it, and
    learners cannot predict it from the open source code.
    """
    secret = str(current_app.secret_key or "")
    text = f"{secret}:lms-attempt:{quiz_id}:{user_id}:{number}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")


@dataclass
class _Draw:
    question_id: int
    mark: float


def draw(quiz: Quiz, rng: random.Random) -> list[_Draw]:
    """Pick each slot's questions: a fixed one, or N at random from a category (two queries).

    A question appears at most once, even when a fixed slot and a category both hold it.
    """
    paths = {
        category.id: category.path
        for category in db.session.scalars(
            select(QuestionCategory).where(QuestionCategory.bank_id == quiz.bank_id)
        )
    }
    pools = {slot.id: _pool_categories(slot, paths) for slot in quiz.slots if slot.category_id}
    wanted = set().union(*pools.values()) if pools else set()
    candidates = db.session.execute(
        select(Question.id, Question.category_id)
        .where(Question.bank_id == quiz.bank_id, Question.category_id.in_(wanted))
        .order_by(Question.id)
    ).all()
    used = {slot.question_id for slot in quiz.slots if slot.question_id}
    picks: list[_Draw] = []
    for slot in quiz.slots:
        if slot.question_id:
            picks.append(_Draw(slot.question_id, slot.mark))
            continue
        pool = [qid for qid, cid in candidates if cid in pools[slot.id] and qid not in used]
        if len(pool) < slot.draw_count:
            raise DrawError(_("The quiz asks for more questions than its bank holds."))
        # In bank order: unshuffled quizzes show a slot's questions as the bank lists them.
        chosen = sorted(rng.sample(pool, slot.draw_count))
        used.update(chosen)
        picks.extend(_Draw(qid, slot.mark) for qid in chosen)
    return picks


def _pool_categories(slot, paths: dict[int, str]) -> set[int]:
    top = paths.get(slot.category_id)
    if top is None:
        return set()
    if not slot.include_subcategories:
        return {slot.category_id}
    return {cid for cid, path in paths.items() if path == top or path.startswith(top + "/")}


def lay_out(quiz: Quiz, rng: random.Random) -> list[AttemptQuestion]:
    """The attempt's questions: drawn, current versions fixed, order and choices shuffled."""
    picks = draw(quiz, rng)
    versions = {
        version.question_id: version
        for version in db.session.scalars(
            select(QuestionVersion)
            .join(Question, QuestionVersion.question_id == Question.id)
            .where(
                Question.id.in_([pick.question_id for pick in picks]),
                QuestionVersion.number == Question.current_number,
            )
        )
    }
    if quiz.shuffle_questions:
        rng.shuffle(picks)
    laid_out = []
    for position, pick in enumerate(picks, start=1):
        version = versions[pick.question_id]
        order = []
        qtype = get_question_type(version.qtype)
        if quiz.shuffle_choices or qtype.always_shuffled:
            # Matching options or ordering items in the author's order would show the answer.
            order = qtype.shuffle(as_data(version, ""), rng)
        laid_out.append(
            AttemptQuestion(
                position=position,
                question_version_id=version.id,
                question_version=version,
                choice_order=order,
                # A description is only read: whatever its slot says, it is worth nothing.
                max_mark=pick.mark if qtype.takes_answer else 0.0,
            )
        )
    return laid_out
