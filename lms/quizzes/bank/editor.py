"""The question editor: one `Editor` per question type in `EDITORS`, keyed by qtype (a new type
is one new entry, beside its class in `lms.quizzes.types`).

An editor is the type's form (`QuestionForm` plus the type's own fields) and two translations:
`initial` turns a version's `data` into the form's values, `read` builds `data` back from the
submitted form, in exactly the shape the importers produce, so saving an untouched form gives
the same content hash and no new version. Blank rows are left out; whatever is still wrong is
for the type's own `validate()` to say.
"""

from abc import ABC, abstractmethod
from types import SimpleNamespace
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, FormField, RadioField, StringField, TextAreaField
from wtforms import FieldList as _FieldList
from wtforms.validators import InputRequired, Length, Optional

from lms.forms import select_choices, within
from lms.quizzes.bank.forms import NumberField, QuestionForm, clean_text
from lms.quizzes.display import ShownQuestion
from lms.quizzes.formats.base import percent
from lms.quizzes.models import QuestionVersion
from lms.quizzes.types import Question as QuestionData
from lms.quizzes.types import format_number, get_question_type, parse_number

#: Blank rows the "add rows" button adds to each list.
MORE_ROWS = 3


class FieldList(_FieldList):
    """A list of rows; `row_label` names each one ("Choice %(n)s") for the page's legends."""

    def __init__(self, *args, row_label: Any = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.row_label = row_label


def _fraction(percent_value: float | None) -> float:
    """A mark typed in percent as the fraction stored, rounded as the importers round it."""
    return round((percent_value or 0.0) / 100, 9)


def _percent(fraction: float) -> float:
    return float(percent(fraction))


# --- rows ----------------------------------------------------------------------------------------


class ChoiceRow(Form):
    text = StringField(_l("Text"), validators=[Length(max=2000)])
    fraction = NumberField(_l("Mark (%)"), validators=[Optional(), within(-100, 100)])
    feedback = StringField(_l("Feedback"), validators=[Length(max=2000)])


class NumberOrRangeField(StringField):
    """A right number ("45", "0,5") or a range of them ("1..5"): {"value"} or {"min", "max"}."""

    def process_formdata(self, valuelist):
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            return
        parts = [parse_number(part) for part in text.split("..", 1)]
        if None in parts:
            self.raw_data = valuelist
            raise ValueError(_l("Write a number, such as 45 or 0,5, or a range such as 1..5."))
        self.data = {"value": parts[0]} if len(parts) == 1 else {"min": parts[0], "max": parts[1]}

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if not self.data:
            return ""
        if "min" in self.data:
            return f"{format_number(self.data['min'])}..{format_number(self.data['max'])}"
        return format_number(self.data["value"])


class NumberRow(Form):
    answer = NumberOrRangeField(_l("Answer"))
    tolerance = NumberField(_l("Accepted error (±)"), validators=[Optional(), within(0, 10**12)])
    fraction = NumberField(_l("Mark (%)"), validators=[Optional(), within(-100, 100)])
    feedback = StringField(_l("Feedback"), validators=[Length(max=2000)])


class PairRow(Form):
    left = StringField(_l("Item"), validators=[Length(max=2000)])
    right = StringField(_l("Matches"), validators=[Length(max=2000)])


def _rows(row: type[Form], label: Any, count: int, row_label: Any) -> FieldList:
    return FieldList(FormField(row), label=label, min_entries=count, row_label=row_label)


def _texts(label: Any, count: int, row_label: Any) -> FieldList:
    field = StringField(validators=[Length(max=2000)])
    return FieldList(field, label=label, min_entries=count, row_label=row_label)


# --- the editors ---------------------------------------------------------------------------------


class Editor(ABC):
    """How the page edits one question type."""

    qtype: ClassVar[str]
    form_class: ClassVar[type[QuestionForm]]
    #: A line telling authors how the type's fields work (empty when they are obvious).
    hint: ClassVar[Any] = ""
    #: The template of the type's own fields; the generic one lays out any rows and fields.
    template: ClassVar[str] = "lms/banks/editors/_fields.html"

    @abstractmethod
    def initial(self, data: dict[str, Any]) -> dict[str, Any]:
        """The form's values for a version's `data`."""

    @abstractmethod
    def read(self, form: QuestionForm) -> dict[str, Any]:
        """The `data` the submitted form describes."""

    def type_fields(self, form: QuestionForm) -> list:
        """The type's own fields, in page order."""
        return [field for field in form if field.name not in _SHARED]

    def initial_values(self, version: QuestionVersion, category: str) -> dict[str, Any]:
        """Every field's value for editing `version` (kept in `category`)."""
        return {
            "category": category,
            "name": version.name,
            "stem": version.stem,
            "general_feedback": version.general_feedback,
            "default_mark": version.default_mark,
            **self.initial(version.data),
        }

    def submitted(self, form: QuestionForm) -> QuestionData | None:
        """The question the form describes, or None after putting every problem on the form
        (field errors beside their fields, the type's own in `form.type_errors`).
        """
        form.type_errors = []
        if not form.validate():
            return None
        question = QuestionData(
            qtype=self.qtype,
            name=clean_text(form.name.data),
            stem=clean_text(form.stem.data),
            general_feedback=clean_text(form.general_feedback.data),
            default_mark=float(form.default_mark.data),
            category=form.category.data,
            data=self.read(form),
        )
        form.type_errors = get_question_type(self.qtype).validate(question)
        return None if form.type_errors else question

    def add_rows(self, form: QuestionForm) -> None:
        for field in self.type_fields(form):
            if isinstance(field, _FieldList):
                for _ in range(MORE_ROWS):
                    field.append_entry()


def preview_of(question: QuestionData | QuestionVersion) -> ShownQuestion:
    """The question as a learner will see it: first in an attempt, choices in the author's order
    (a stand-in for the attempt's row, so the quiz pages' own template shows it).
    """
    record = SimpleNamespace(
        question_version=question,
        position=1,
        response=None,
        choice_order=[],
        saved_at=None,
        fraction=None,
        max_mark=question.default_mark,
    )
    return ShownQuestion(record, 1)


#: Fields of `QuestionForm` itself, which the page lays out above the type's own.
_SHARED = {"csrf_token", "category", "name", "stem", "general_feedback", "default_mark"}

EDITORS: dict[str, Editor] = {}


def editor(cls: type[Editor]) -> type[Editor]:
    """Class decorator adding an editor to `EDITORS` under its qtype."""
    EDITORS[cls.qtype] = cls()
    return cls


class ChoiceForm(QuestionForm):
    choices = _rows(ChoiceRow, _l("Choices"), 6, _l("Choice %(n)s"))


class _ChoiceEditor(Editor):
    form_class = ChoiceForm

    def initial(self, data):
        return {
            "choices": [
                {"text": c["text"], "fraction": _percent(c["fraction"]), "feedback": c["feedback"]}
                for c in data["choices"]
            ]
        }

    def read(self, form):
        return {
            "choices": [
                {
                    "text": clean_text(row.text.data),
                    "fraction": _fraction(row.fraction.data),
                    "feedback": clean_text(row.feedback.data),
                }
                for row in form.choices
                if clean_text(row.text.data) or clean_text(row.feedback.data)
            ]
        }


@editor
class SingleChoiceEditor(_ChoiceEditor):
    qtype = "single"
    hint = _l(
        "Give the right choice 100%; a partly right choice may earn part of the mark (50%), "
        "wrong ones 0%. Empty rows are left out."
    )


@editor
class MultipleChoiceEditor(_ChoiceEditor):
    qtype = "multiple"
    hint = _l(
        "Learners may tick several choices. The right choices' marks add up to 100% (three "
        "right ones: 33.33333% each); a wrong choice may carry a penalty such as -50%."
    )


class TrueFalseForm(QuestionForm):
    correct = RadioField(
        _l("The statement is"),
        choices=select_choices([("true", _l("True")), ("false", _l("False"))]),
        validators=[InputRequired(message=_l("Choose whether the statement is true or false."))],
    )
    feedback_true = StringField(_l("Feedback for those who answer “True”"))
    feedback_false = StringField(_l("Feedback for those who answer “False”"))


@editor
class TrueFalseEditor(Editor):
    qtype = "truefalse"
    form_class = TrueFalseForm

    def initial(self, data):
        return {
            "correct": "true" if data["correct"] else "false",
            "feedback_true": data.get("feedback_true", ""),
            "feedback_false": data.get("feedback_false", ""),
        }

    def read(self, form):
        return {
            "correct": form.correct.data == "true",
            "feedback_true": clean_text(form.feedback_true.data),
            "feedback_false": clean_text(form.feedback_false.data),
        }


class ShortAnswerForm(QuestionForm):
    answers = _rows(ChoiceRow, _l("Accepted answers"), 4, _l("Answer %(n)s"))
    case_sensitive = BooleanField(_l("Upper and lower case must match"))
    ignore_diacritics = BooleanField(
        _l("Accept answers typed without Vietnamese diacritics"), default=True
    )


@editor
class ShortAnswerEditor(Editor):
    qtype = "shortanswer"
    form_class = ShortAnswerForm
    hint = _l(
        "At least one answer is worth 100%. A * in an answer stands for any text "
        "(“*một cửa*” accepts any answer containing “một cửa”); write \\* for a real star."
    )

    def initial(self, data):
        return {
            "answers": _ChoiceEditor.initial(self, {"choices": data["answers"]})["choices"],
            "case_sensitive": bool(data.get("case_sensitive", False)),
            "ignore_diacritics": bool(data.get("ignore_diacritics", True)),
        }

    def read(self, form):
        rows = [
            {
                "text": clean_text(row.text.data),
                "fraction": _fraction(row.fraction.data),
                "feedback": clean_text(row.feedback.data),
            }
            for row in form.answers
            if clean_text(row.text.data) or clean_text(row.feedback.data)
        ]
        return {
            "answers": rows,
            "case_sensitive": bool(form.case_sensitive.data),
            "ignore_diacritics": bool(form.ignore_diacritics.data),
        }


class NumericalForm(QuestionForm):
    answers = _rows(NumberRow, _l("Accepted answers"), 3, _l("Answer %(n)s"))


@editor
class NumericalEditor(Editor):
    qtype = "numerical"
    form_class = NumericalForm
    hint = _l(
        "An answer is a number with the error it may be off by (45 ± 0), or a range such as "
        "1..5. At least one answer is worth 100%."
    )

    def initial(self, data):
        rows = []
        for answer in data["answers"]:
            if "min" in answer:
                spec, tolerance = {"min": answer["min"], "max": answer["max"]}, None
            else:
                spec, tolerance = {"value": answer["value"]}, answer["tolerance"]
            rows.append(
                {
                    "answer": spec,
                    "tolerance": tolerance,
                    "fraction": _percent(answer["fraction"]),
                    "feedback": answer.get("feedback", ""),
                }
            )
        return {"answers": rows}

    def read(self, form):
        answers = []
        for row in form.answers:
            feedback = clean_text(row.feedback.data)
            if not row.answer.data and not feedback:
                continue
            spec = dict(row.answer.data or {"value": float("nan")})
            if "value" in spec:
                spec["tolerance"] = abs(row.tolerance.data or 0.0)
            spec = {key: float(value) for key, value in spec.items()}
            answers.append({**spec, "fraction": _fraction(row.fraction.data), "feedback": feedback})
        return {"answers": answers}


class MatchingForm(QuestionForm):
    pairs = _rows(PairRow, _l("Pairs"), 6, _l("Pair %(n)s"))
    distractors = _texts(_l("Extra wrong matches"), 2, _l("Wrong match %(n)s"))


@editor
class MatchingEditor(Editor):
    qtype = "matching"
    form_class = MatchingForm
    hint = _l(
        "Learners pick, for each item, its match from a list of every match (and the extra "
        "wrong ones). Give at least two pairs."
    )

    def initial(self, data):
        return {
            "pairs": [{"left": p["left"], "right": p["right"]} for p in data["pairs"]],
            "distractors": list(data.get("distractors", [])),
        }

    def read(self, form):
        pairs = [
            {"left": clean_text(row.left.data), "right": clean_text(row.right.data)}
            for row in form.pairs
            if clean_text(row.left.data) or clean_text(row.right.data)
        ]
        wrong = [clean_text(entry.data) for entry in form.distractors if clean_text(entry.data)]
        return {"pairs": pairs, "distractors": wrong}


class OrderingForm(QuestionForm):
    items = _texts(_l("Items, in the right order"), 6, _l("Item %(n)s"))


@editor
class OrderingEditor(Editor):
    qtype = "ordering"
    form_class = OrderingForm
    hint = _l("Write the items in the right order; learners see them shuffled.")

    def initial(self, data):
        return {"items": list(data["items"])}

    def read(self, form):
        return {"items": [clean_text(entry.data) for entry in form.items if clean_text(entry.data)]}


class EssayForm(QuestionForm):
    grader_info = TextAreaField(
        _l("Information for graders"),
        description=_l("What a good answer contains, or the rubric; learners never see it."),
        render_kw={"rows": 5},
    )


@editor
class EssayEditor(Editor):
    qtype = "essay"
    form_class = EssayForm
    hint = _l("A trainer grades each answer by hand.")

    def initial(self, data):
        return {"grader_info": data.get("grader_info", "")}

    def read(self, form):
        return {"grader_info": clean_text(form.grader_info.data)}
