"""Quiz results as files: an explicit registry of exports of one quiz (`QUIZ_EXPORTS`) and of one
class (`CLASS_EXPORTS`), each naming its columns and yielding rows of exactly those.

The files are written by the class roster's writers (`lms.classes.exports`: streamed CSV with a
byte-order mark, XLSX in constant memory). Those take an export whose rows depend on the class
alone; ours also depend on the quiz and the page's filters, so `build` makes one such export
per download, its rows bound to what was asked.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms import db
from lms.accounts.models import Unit
from lms.classes.exports import Export
from lms.classes.models import TrainingClass
from lms.i18n import format_number
from lms.quizzes.display import text_start
from lms.quizzes.models import Quiz
from lms.quizzes.results import services as results
from lms.quizzes.results import statistics
from lms.tabular.writing import Column


def percent(fraction: float | None) -> float | None:
    """A fraction as a percentage with two decimals, as the files show grades."""
    return None if fraction is None else round(fraction * 100, 2)


def result_label(grade: results.LearnerGrade) -> str:
    """The result column: the page's own verdict (see `LearnerGrade.state`)."""
    return results.result_label(grade.state)


@dataclass(frozen=True)
class Filters:
    """What the page that offers the download was showing."""

    unit: Unit | None = None
    state: str | None = None
    which: str = statistics.ALL_ATTEMPTS


@dataclass(frozen=True)
class ResultsExport:
    #: File name start; the quiz's id (for quiz exports) and the class code are added.
    file_stem: str
    title: Any
    #: (quiz or class, its class) → the file's columns.
    columns: Callable[[Any, TrainingClass], tuple[Column, ...]]
    #: (quiz or class, its class, filters) → the rows, each a dict keyed by column.
    rows: Callable[[Any, TrainingClass, Filters], Iterator[dict]]


def build(
    spec: ResultsExport, subject: Quiz | TrainingClass, training_class: TrainingClass, filters
) -> Export:
    """The registry entry made into a roster-style export for one download.

    A CSV streams after the request's session has ended, so the rows load the quiz (or class)
    and the unit filter again, by id, in whatever session is current when they are read.
    """
    stem = spec.file_stem
    if isinstance(subject, Quiz):
        stem = f"{stem}-{subject.id}"
    subject_type, subject_id = type(subject), subject.id
    unit_id = filters.unit.id if filters.unit is not None else None

    def rows(current_class: TrainingClass) -> Iterator[dict]:
        unit = db.session.get(Unit, unit_id) if unit_id is not None else None
        current = db.session.get(subject_type, subject_id)
        yield from spec.rows(current, current_class, replace(filters, unit=unit))

    return Export(stem, spec.title, spec.columns(subject, training_class), rows)


LEARNER_COLUMNS = (
    Column("number", _l("No."), "number", 6),
    Column("full_name", _l("Full name"), width=28),
    Column("official_code", _l("Official code")),
    Column("unit", _l("Unit"), width=32),
)


def _learner_cells(number: int, row) -> dict:
    return {
        "number": number,
        "full_name": row.full_name,
        "official_code": row.official_code,
        "unit": row.unit_name,
    }


# --- one quiz's results ---------------------------------------------------------------------------

QUIZ_RESULT_COLUMNS = (
    *LEARNER_COLUMNS,
    Column("attempts", _l("Attempts"), "number", 10),
    Column("grade", _l("Grade (%)"), "number", 10),
    Column("result", _l("Result"), width=18),
    Column("last_finished_at", _l("Last attempt finished"), "datetime", 17),
)


def quiz_result_rows(quiz: Quiz, training_class: TrainingClass, filters: Filters) -> Iterator[dict]:
    kept = (
        row
        for row in results.iter_quiz_results(quiz, training_class, filters.unit)
        if not filters.state or row.result.state == filters.state
    )
    for number, row in enumerate(kept, start=1):
        yield {
            **_learner_cells(number, row),
            "attempts": row.result.attempts,
            "grade": percent(row.result.grade),
            "result": result_label(row.result),
            "last_finished_at": row.result.last_finished_at,
        }


# --- item analysis --------------------------------------------------------------------------------

STATISTICS_COLUMNS = (
    Column("position", _l("No."), "number", 6),
    Column("name", _l("Question"), width=32),
    Column("text", _l("Question text"), width=48),
    Column("type", _l("Type"), width=16),
    Column("versions", _l("Versions"), width=10),
    Column("attempts", _l("Attempts"), "number", 10),
    Column("facility", _l("Facility index (%)"), "number", 12),
    Column("sd", _l("Standard deviation (%)"), "number", 12),
    Column("discrimination", _l("Discrimination index (%)"), "number", 14),
    Column("check", _l("Check this question"), width=12),
    Column("responses", _l("Responses"), width=60),
)


def _rounded(value: float | None) -> float | None:
    # Adding 0.0 turns a rounded -0.0 into 0.0: a file never shows "-0".
    return None if value is None else round(value, 2) + 0.0


def response_summary(question: statistics.QuestionStatistics) -> str:
    """Each version's response lines in one cell: "v1: A 12 (40%) ✓; B 18 (60%)"."""
    parts = []
    for version in question.versions:
        lines = "; ".join(
            f"{line.label} {line.count} ({format_number(line.share * 100)}%)"
            + (" ✓" if line.credit is not None and line.credit >= 1 else "")
            for line in version.lines
        )
        parts.append(f"v{version.number}: {lines}" if len(question.versions) > 1 else lines)
    return " | ".join(parts)


def statistics_rows(quiz: Quiz, training_class: TrainingClass, filters: Filters) -> Iterator[dict]:
    analysis = statistics.analyse(quiz, filters.which)
    for number, question in enumerate(analysis.questions, start=1):
        yield {
            "position": number,
            "name": question.name,
            "text": text_start(question.stem, 200),
            "type": question.type_label,
            "versions": ", ".join(str(n) for n in question.version_numbers),
            "attempts": question.attempts,
            "facility": _rounded(question.facility),
            "sd": _rounded(question.sd),
            "discrimination": _rounded(question.discrimination),
            "check": _("Check") if question.flagged else "",
            "responses": response_summary(question),
        }


# --- a class's results ----------------------------------------------------------------------------


def class_result_columns(training_class: TrainingClass, _same: TrainingClass):
    return (
        *LEARNER_COLUMNS,
        *(
            Column(f"quiz-{quiz.id}", f"{quiz.title} (%)", "number", 14)
            for quiz in results.class_quizzes(training_class)
        ),
    )


def class_result_rows(
    training_class: TrainingClass, _same: TrainingClass, filters: Filters
) -> Iterator[dict]:
    quizzes = results.class_quizzes(training_class)
    grid = results.iter_class_results(training_class, quizzes, filters.unit)
    for number, row in enumerate(grid, start=1):
        yield {
            **_learner_cells(number, row),
            **{f"quiz-{qid}": percent(grade.grade) for qid, grade in row.grades.items()},
        }


QUIZ_EXPORTS: dict[str, ResultsExport] = {
    "results": ResultsExport(
        "ket-qua-bai-kiem-tra", _l("Quiz results"), lambda *_: QUIZ_RESULT_COLUMNS, quiz_result_rows
    ),
    "statistics": ResultsExport(
        "thong-ke-cau-hoi", _l("Item analysis"), lambda *_: STATISTICS_COLUMNS, statistics_rows
    ),
}
CLASS_EXPORTS: dict[str, ResultsExport] = {
    "results": ResultsExport(
        "bang-diem", _l("Class results"), class_result_columns, class_result_rows
    ),
}
