"""Item analysis of a quiz, as Moodle's quiz statistics report computes it.

Over the quiz's finished, fully graded attempts (all of them, or each learner's first one), per
question (whatever version each attempt showed):

- facility index: the mean fraction of the question's mark earned, × 100;
- standard deviation of that fraction (sample, n − 1), × 100;
- discrimination index: Pearson's correlation, × 100, between the marks earned on the question
  and the marks earned on the rest of the same attempt; none with fewer than two attempts or when
  either side never varies;
- how often each choice or answer was given, by a registry of response analysers keyed by
  question type (`RESPONSE_ANALYSERS`), one table per version (versions may differ in choices).

A question is flagged for checking when its facility is below 20 or above 95, or its
discrimination below 20 (Moodle's thresholds).
"""

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import fmean, stdev
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lms import db
from lms.quizzes.attempts import services as attempt_service
from lms.quizzes.bank.services import as_data
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, QuestionVersion, Quiz
from lms.quizzes.types import QUESTION_TYPES, Question, get_question_type

#: Facility below this (too hard) or above `EASY` (too easy) asks for a look; so does a
#: discrimination index below `WEAK_DISCRIMINATION`.
HARD, EASY, WEAK_DISCRIMINATION = 20.0, 95.0, 20.0
#: Typed responses listed one by one; the rest are counted together.
TOP_RESPONSES = 5
#: Which attempts an analysis reads.
ALL_ATTEMPTS, FIRST_ATTEMPTS = "all", "first"
#: Float sums of equal values may differ in the last bits; below this a spread counts as none.
NO_SPREAD = 1e-12


@dataclass(frozen=True)
class Response:
    """One question of one analysed attempt."""

    response: Any
    fraction: float
    mark: float
    #: Marks earned on the other questions of the same attempt.
    rest: float


@dataclass(frozen=True)
class ResponseLine:
    """A line of a response table: a choice or an answer, and how often it was given."""

    label: str
    count: int
    share: float
    #: Fraction of the mark it earns (1 right, between 0 and 1 partly right); None when it is not
    #: an answer (no answer, other responses).
    credit: float | None = None
    #: The label is trainer-written (a choice): render it as inline Markdown, not as plain text.
    authored: bool = False


@dataclass
class VersionAnalysis:
    number: int
    attempts: int
    lines: list[ResponseLine]


@dataclass
class QuestionStatistics:
    question_id: int
    name: str
    qtype: str
    stem: str
    #: Where the question came in the attempts (the lowest position seen).
    position: int
    attempts: int
    facility: float | None
    sd: float | None
    discrimination: float | None
    versions: list[VersionAnalysis] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        kind = QUESTION_TYPES.get(self.qtype)
        return str(kind.label) if kind else self.qtype

    @property
    def version_numbers(self) -> list[int]:
        return [version.number for version in self.versions]

    @property
    def flagged(self) -> bool:
        """Moodle's "check this question": too hard, too easy, or not telling learners apart."""
        if self.facility is not None and not HARD <= self.facility <= EASY:
            return True
        return self.discrimination is not None and self.discrimination < WEAK_DISCRIMINATION


@dataclass
class QuizStatistics:
    which: str
    attempts: int
    #: Mean attempt grade, × 100.
    mean: float | None
    questions: list[QuestionStatistics]


# --- the figures ----------------------------------------------------------------------------------


def facility(fractions: list[float]) -> float | None:
    return fmean(fractions) * 100 if fractions else None


def standard_deviation(fractions: list[float]) -> float | None:
    return stdev(fractions) * 100 if len(fractions) >= 2 else None


def discrimination(marks: list[float], rests: list[float]) -> float | None:
    """Pearson's r × 100 between the question's marks and the rest of each attempt's marks."""
    if len(marks) < 2:
        return None
    mean_x, mean_y = fmean(marks), fmean(rests)
    sxx = sum((x - mean_x) ** 2 for x in marks)
    syy = sum((y - mean_y) ** 2 for y in rests)
    if sxx <= NO_SPREAD or syy <= NO_SPREAD:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(marks, rests, strict=True))
    return sxy / math.sqrt(sxx * syy) * 100


# --- response analysers ---------------------------------------------------------------------------

#: (question, responses of one version) → lines of its response table.
Analyser = Callable[[Question, list[Response]], list[ResponseLine]]


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def _no_answer(unanswered: int, total: int) -> list[ResponseLine]:
    if not unanswered:
        return []
    return [ResponseLine(_("No answer"), unanswered, _share(unanswered, total))]


def _choice_lines(question: Question, responses: list[Response], right: Callable) -> list:
    choices = question.data.get("choices", [])
    picks: Counter = Counter()
    unanswered = 0
    for item in responses:
        chosen = item.response if isinstance(item.response, list) else [item.response]
        valid = {i for i in chosen if isinstance(i, int) and 0 <= i < len(choices)}
        picks.update(valid)
        unanswered += not valid
    total = len(responses)
    lines = [
        ResponseLine(
            choice["text"],
            picks[index],
            _share(picks[index], total),
            credit=right(float(choice["fraction"])),
            authored=True,
        )
        for index, choice in enumerate(choices)
    ]
    return lines + _no_answer(unanswered, total)


def single_choice(question: Question, responses: list[Response]) -> list[ResponseLine]:
    """Each choice with how many picked it; a choice's credit is its fraction (0 when negative)."""
    return _choice_lines(question, responses, lambda fraction: max(fraction, 0.0))


def multiple_choice(question: Question, responses: list[Response]) -> list[ResponseLine]:
    """Each choice with how many ticked it (shares add up past 100%); right ones earn a share."""
    return _choice_lines(question, responses, lambda fraction: 1.0 if fraction > 0 else 0.0)


def true_false(question: Question, responses: list[Response]) -> list[ResponseLine]:
    total = len(responses)
    counts = Counter(item.response for item in responses)
    correct = question.data.get("correct")
    lines = [
        ResponseLine(label, counts[value], _share(counts[value], total), float(value == correct))
        for value, label in ((True, _("True")), (False, _("False")))
    ]
    return lines + _no_answer(total - counts[True] - counts[False], total)


def typed_answers(question: Question, responses: list[Response]) -> list[ResponseLine]:
    """The most frequent responses as typed (spaces collapsed), then the others together."""
    qtype = get_question_type(question.qtype)
    counts: Counter = Counter()
    credit: dict[str, float] = {}
    unanswered = 0
    for item in responses:
        text = " ".join(qtype.response_text(question, item.response).split())
        if not text:
            unanswered += 1
            continue
        counts[text] += 1
        credit[text] = max(credit.get(text, 0.0), item.fraction)
    total = len(responses)
    lines = [
        ResponseLine(text, count, _share(count, total), credit[text])
        for text, count in counts.most_common(TOP_RESPONSES)
    ]
    others = sum(counts.values()) - sum(line.count for line in lines)
    if others:
        lines.append(ResponseLine(_("Other responses"), others, _share(others, total)))
    return lines + _no_answer(unanswered, total)


def fully_right(question: Question, responses: list[Response]) -> list[ResponseLine]:
    """Fully right, partly right, not right (matching and ordering have too many combinations)."""
    total = len(responses)
    full = sum(1 for item in responses if item.fraction >= 1 - 1e-9)
    none = sum(1 for item in responses if item.fraction <= 1e-9)
    partly = total - full - none
    return [
        ResponseLine(_("Fully right"), full, _share(full, total), 1.0),
        ResponseLine(_("Partly right"), partly, _share(partly, total)),
        ResponseLine(_("Not right"), none, _share(none, total), 0.0),
    ]


def answered(question: Question, responses: list[Response]) -> list[ResponseLine]:
    """Essays: how many wrote something (their marks are in the facility index)."""
    total = len(responses)
    count = sum(1 for item in responses if attempt_service.is_answered(item.response))
    lines = [ResponseLine(_("Answered"), count, _share(count, total))]
    return lines + _no_answer(total - count, total)


#: Question type → its response analyser; a type not listed gets `answered`.
RESPONSE_ANALYSERS: dict[str, Analyser] = {
    "single": single_choice,
    "multiple": multiple_choice,
    "truefalse": true_false,
    "shortanswer": typed_answers,
    "numerical": typed_answers,
    "matching": fully_right,
    "ordering": fully_right,
    "gaps": fully_right,
    "essay": answered,
}


# --- the analysis ---------------------------------------------------------------------------------


def _graded_attempts(quiz: Quiz, which: str) -> list[list[AttemptQuestion]]:
    """The questions of each attempt analysed, in one query (versions joined in)."""
    rows = db.session.execute(
        select(AttemptQuestion, Attempt.user_id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(
            Attempt.quiz_id == quiz.id,
            Attempt.state == AttemptState.FINISHED,
            Attempt.fraction.is_not(None),
        )
        .order_by(Attempt.user_id, Attempt.number, AttemptQuestion.position)
    )
    by_attempt: dict[int, list[AttemptQuestion]] = {}
    first_of: dict[str, int] = {}
    for question, user_id in rows:
        first_of.setdefault(user_id, question.attempt_id)
        if which == FIRST_ATTEMPTS and first_of[user_id] != question.attempt_id:
            continue
        by_attempt.setdefault(question.attempt_id, []).append(question)
    return list(by_attempt.values())


def analyse(quiz: Quiz, which: str = ALL_ATTEMPTS) -> QuizStatistics:
    """The item analysis of a quiz over all finished attempts or each learner's first."""
    attempt_service.settle_quiz(quiz)
    analysed = _graded_attempts(quiz, which)
    per_question: dict[int, dict[int, list[Response]]] = defaultdict(lambda: defaultdict(list))
    versions: dict[int, QuestionVersion] = {}
    positions: dict[int, int] = {}
    grades = []
    for questions in analysed:
        total = sum(q.fraction * q.max_mark for q in questions)
        available = sum(q.max_mark for q in questions)
        grades.append(total / available if available > 0 else 0.0)
        for question in questions:
            version = question.question_version
            if not get_question_type(version.qtype).takes_answer:
                continue  # a description has nothing to analyse
            versions[version.id] = version
            key = version.question_id
            positions[key] = min(positions.get(key, question.position), question.position)
            mark = question.fraction * question.max_mark
            per_question[key][version.id].append(
                Response(question.response, question.fraction, mark, total - mark)
            )
    results = [
        _question_statistics(question_id, by_version, versions, positions[question_id])
        for question_id, by_version in per_question.items()
    ]
    results.sort(key=lambda item: (item.position, item.question_id))
    mean = fmean(grades) * 100 if grades else None
    return QuizStatistics(which, len(analysed), mean, results)


def _question_statistics(
    question_id: int,
    by_version: dict[int, list[Response]],
    versions: dict[int, QuestionVersion],
    position: int,
) -> QuestionStatistics:
    responses = [item for items in by_version.values() for item in items]
    fractions = [item.fraction for item in responses]
    ordered = sorted(by_version, key=lambda version_id: versions[version_id].number)
    latest = versions[ordered[-1]]
    stats = QuestionStatistics(
        question_id=question_id,
        name=latest.name or _("Question %(n)s", n=position),
        qtype=latest.qtype,
        stem=latest.stem,
        position=position,
        attempts=len(responses),
        facility=facility(fractions),
        sd=standard_deviation(fractions),
        discrimination=discrimination(
            [item.mark for item in responses], [item.rest for item in responses]
        ),
    )
    for version_id in ordered:
        version = versions[version_id]
        analyser = RESPONSE_ANALYSERS.get(version.qtype, answered)
        items = by_version[version_id]
        stats.versions.append(
            VersionAnalysis(version.number, len(items), analyser(as_data(version, ""), items))
        )
    return stats
