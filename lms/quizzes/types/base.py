"""Question types: the `Question` model stored as JSON and the `QUESTION_TYPES` registry.

Each type is a `QuestionType` subclass registered with `@register`. It checks its `data` payload,
turns a submitted form into a JSON-serialisable response, grades that response and says what the
right answer was. Nothing outside this module branches on `qtype`: a new type is one new class.

Form fields are named by `answer_field(prefix)` ("answer"), or `answer_field(prefix, i)`
("answer-0", …) for the parts of a matching question; values that index choices, items or
options are indexes into the question's own lists, never display positions.
"""

from __future__ import annotations

import copy
import math
import random
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

__all__ = [
    "QUESTION_TYPES",
    "FormData",
    "Grade",
    "Question",
    "QuestionType",
    "answer_field",
    "format_number",
    "get_question_type",
    "number_readings",
    "parse_number",
    "register",
    "validate_question",
]

#: Submitted form fields: a dict of lists, or anything with `getlist` (werkzeug's MultiDict).
FormData = Mapping[str, Any]


@dataclass
class Question:
    """One question of a bank, independent of how it is stored or which file it came from."""

    qtype: str
    name: str
    stem: str
    general_feedback: str = ""
    default_mark: float = 1.0
    #: Slash-separated category path, e.g. "mot-cua/01-co-che".
    category: str = ""
    #: Line of the question in the file it was imported from; only for error messages.
    line: int = field(default=0, compare=False)
    #: Type-specific payload, JSON-serialisable; its shape is documented on each type.
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable copy of this question."""
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Question:
        """Build a question from `to_dict()` output (missing optional keys take defaults)."""
        return cls(
            qtype=str(raw["qtype"]),
            name=str(raw.get("name", "")),
            stem=str(raw.get("stem", "")),
            general_feedback=str(raw.get("general_feedback", "")),
            default_mark=float(raw.get("default_mark", 1.0)),
            category=str(raw.get("category", "")),
            line=int(raw.get("line", 0)),
            data=copy.deepcopy(dict(raw.get("data") or {})),
        )


@dataclass(frozen=True)
class Grade:
    """The result of grading one response: a fraction of the mark and feedback to show."""

    #: 0.0–1.0, or None while the response waits for a person to grade it.
    fraction: float | None
    #: Feedback earned by this response; the question's general feedback is not repeated here.
    feedback: list[str] = field(default_factory=list)

    @property
    def needs_manual_grading(self) -> bool:
        return self.fraction is None


class QuestionType(ABC):
    """Behaviour shared by every question type; subclasses override what differs."""

    name: ClassVar[str]
    #: Name shown to authors (a lazy msgid, translated when shown).
    label: ClassVar[Any]

    def validate(self, question: Question) -> list[str]:
        """Return messages, in the current language, for everything wrong with `question`
        (empty when it is valid).
        """
        errors = []
        if not question.name.strip():
            errors.append(_("The question has no title."))
        if not question.stem.strip():
            errors.append(_("The question has no text."))
        if not question.default_mark >= 0:
            errors.append(_("The question's mark cannot be negative."))
        try:
            errors.extend(self.validate_data(question.data))
        except (KeyError, TypeError, ValueError, AttributeError):
            # `data` comes from JSON or an imported file: a wrong shape is an author's error.
            errors.append(_("The question's answer data is malformed."))
        return errors

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        """Return messages for problems in the type-specific payload."""
        return []

    @abstractmethod
    def grade(self, question: Question, response: Any) -> Grade:
        """Grade a response made by `response_from_form` (or loaded back from JSON)."""

    @abstractmethod
    def response_from_form(self, question: Question, formdata: FormData, prefix: str = "") -> Any:
        """Return the learner's response from submitted form data (a dict of lists or MultiDict)."""

    @abstractmethod
    def right_answer_text(self, question: Question) -> str:
        """Return the right answer as text, for review pages."""

    def response_text(self, question: Question, response: Any) -> str:
        """Return the learner's response as text, for review pages and exports."""
        return str(response or "")

    def shuffle(self, question: Question, rng: random.Random) -> list[int]:
        """Return the order in which to display the choices (empty for types without any)."""
        return []


QUESTION_TYPES: dict[str, type[QuestionType]] = {}


_Type = TypeVar("_Type", bound=type[QuestionType])


def register(cls: _Type) -> _Type:
    """Class decorator adding a question type to `QUESTION_TYPES` under its `name`."""
    QUESTION_TYPES[cls.name] = cls
    return cls


def get_question_type(qtype: str) -> QuestionType:
    """Return the type object for `qtype`; raises KeyError for an unknown type."""
    return QUESTION_TYPES[qtype]()


def validate_question(question: Question) -> list[str]:
    """Validate any question, including one whose type is unknown."""
    if question.qtype not in QUESTION_TYPES:
        return [_("Unsupported question type: “%(qtype)s”.", qtype=question.qtype)]
    return get_question_type(question.qtype).validate(question)


def answer_field(prefix: str = "", part: int | None = None) -> str:
    """Name of the form field holding an answer (or one part of it)."""
    return f"{prefix}answer" if part is None else f"{prefix}answer-{part}"


def _form_values(formdata: FormData, key: str) -> list[str]:
    getlist = getattr(formdata, "getlist", None)
    values = getlist(key) if callable(getlist) else formdata.get(key, [])
    if isinstance(values, str):
        values = [values]
    return [str(value) for value in values]


def _first_value(formdata: FormData, key: str) -> str:
    values = _form_values(formdata, key)
    return values[0] if values else ""


def _typed_text(formdata: FormData, prefix: str) -> str:
    """The text a learner typed into the answer box (short answer, number, essay)."""
    return _first_value(formdata, answer_field(prefix)).strip()


def _index(text: str, size: int) -> int | None:
    """The index `text` names, or None when it is not one (forms are user input)."""
    try:
        index = int(text)
    except ValueError:
        return None
    return index if 0 <= index < size else None


def _clamp(fraction: float) -> float:
    return min(1.0, max(0.0, fraction))


def _feedback(*texts: str) -> list[str]:
    return [text for text in texts if text]


def format_number(value: float) -> str:
    """Shortest text that reads back as `value`: 2.0 → "2", 0.5 → "0.5"."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def parse_number(text: str) -> float | None:
    """Read a number typed by a learner, with "," or "." as decimal mark; None if it is none."""
    readings = number_readings(text)
    return readings[0] if readings else None


# One mark followed by exactly three digits: "1.250" is 1.25 in English and 1250 in Vietnamese.
_AMBIGUOUS = re.compile(r"-?\d{1,3}[.,]\d{3}")


def number_readings(text: str) -> list[float]:
    """Every value a learner may have meant by `text`, the decimal-mark reading first."""
    text = re.sub(r"[\s\u00a0]", "", text).removesuffix("%")
    readings = [_read_number(text)]
    if _AMBIGUOUS.fullmatch(text):
        readings.append(_read_number(text.replace(",", "").replace(".", "")))
    return [value for value in readings if value is not None]


def _read_number(text: str) -> float | None:
    if "," in text and "." in text:
        # The last of the two marks is the decimal one: "1.234,5" and "1,234.5" both mean 1234.5.
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    for mark in ",.":
        if text.count(mark) > 1:
            text = text.replace(mark, "")
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _display_number(value: float) -> str:
    """A number as Vietnamese readers write it: 1.500.000,5."""
    text = format_number(value)
    if "e" in text:
        return text
    whole, _point, decimals = text.partition(".")
    grouped = f"{abs(int(whole)):,}".replace(",", ".")
    return ("-" if whole.startswith("-") else "") + grouped + ("," + decimals if decimals else "")


class _ChoiceType(QuestionType):
    """Single and multiple choice: `data = {"choices": [{"text", "fraction", "feedback"}]}`."""

    def _choices(self, question: Question) -> list[dict[str, Any]]:
        return question.data.get("choices", [])

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        choices = data["choices"]
        errors = []
        if len(choices) < 2:
            errors.append(_("A choice question needs at least two choices."))
        if any(not str(choice["text"]).strip() for choice in choices):
            errors.append(_("A choice is blank."))
        if any(not -1 <= float(choice["fraction"]) <= 1 for choice in choices):
            errors.append(_("A choice's weight must be between -100% and 100%."))
        return errors

    def shuffle(self, question: Question, rng: random.Random) -> list[int]:
        order = list(range(len(self._choices(question))))
        rng.shuffle(order)
        return order

    def right_answer_text(self, question: Question) -> str:
        return "; ".join(c["text"] for c in self._choices(question) if c["fraction"] > 0)

    def response_text(self, question: Question, response: Any) -> str:
        chosen = response if isinstance(response, list) else [response]
        choices = self._choices(question)
        return "; ".join(
            choices[i]["text"] for i in chosen if isinstance(i, int) and 0 <= i < len(choices)
        )


@register
class SingleChoice(_ChoiceType):
    """One choice may be picked; a partly right choice may earn part of the mark."""

    name = "single"
    label = _l("Single choice")

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        errors = super().validate_data(data)
        if not any(float(choice["fraction"]) == 1 for choice in data["choices"]):
            errors.append(_("At least one choice must be right (100%)."))
        return errors

    def response_from_form(
        self, question: Question, formdata: FormData, prefix: str = ""
    ) -> int | None:
        return _index(_first_value(formdata, answer_field(prefix)), len(self._choices(question)))

    def grade(self, question: Question, response: Any) -> Grade:
        choices = self._choices(question)
        if not isinstance(response, int) or not 0 <= response < len(choices):
            return Grade(0.0)
        choice = choices[response]
        return Grade(_clamp(choice["fraction"]), _feedback(choice.get("feedback", "")))

    def right_answer_text(self, question: Question) -> str:
        return "; ".join(c["text"] for c in self._choices(question) if c["fraction"] == 1)


@register
class MultipleChoice(_ChoiceType):
    """Several choices may be picked; wrong ones carry negative fractions as penalties."""

    name = "multiple"
    label = _l("Multiple choice")

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        errors = super().validate_data(data)
        positive = sum(float(c["fraction"]) for c in data["choices"] if c["fraction"] > 0)
        # 0.1% slack lets authors write 33.333% three times; 33% three times is a mistake.
        if abs(positive - 1) > 0.001 + 1e-9:
            errors.append(_("The weights of the right choices must add up to 100%."))
        return errors

    def response_from_form(
        self, question: Question, formdata: FormData, prefix: str = ""
    ) -> list[int]:
        size = len(self._choices(question))
        indexes = (_index(value, size) for value in _form_values(formdata, answer_field(prefix)))
        return sorted({index for index in indexes if index is not None})

    def grade(self, question: Question, response: Any) -> Grade:
        choices = self._choices(question)
        chosen = sorted({i for i in response or [] if isinstance(i, int) and 0 <= i < len(choices)})
        total = sum(choices[i]["fraction"] for i in chosen)
        # Shares of the full mark: three right choices of 33.33333% together earn exactly 1.
        positive = sum(choice["fraction"] for choice in choices if choice["fraction"] > 0)
        fraction = total / positive if positive > 0 else total
        return Grade(_clamp(fraction), _feedback(*(choices[i].get("feedback", "") for i in chosen)))


@register
class TrueFalse(QuestionType):
    """A statement to judge: `data = {"correct": bool, "feedback_true", "feedback_false"}`.

    `feedback_true` is shown to whoever answered "true", whether that was right or not.
    """

    name = "truefalse"
    label = _l("True/false")

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        if not isinstance(data["correct"], bool):
            return [_("A true/false question must say whether the right answer is true or false.")]
        return []

    def response_from_form(
        self, question: Question, formdata: FormData, prefix: str = ""
    ) -> bool | None:
        return {"true": True, "false": False}.get(_first_value(formdata, answer_field(prefix)))

    def grade(self, question: Question, response: Any) -> Grade:
        if not isinstance(response, bool):
            return Grade(0.0)
        feedback = question.data.get("feedback_true" if response else "feedback_false", "")
        return Grade(1.0 if response == question.data["correct"] else 0.0, _feedback(feedback))

    def right_answer_text(self, question: Question) -> str:
        return self.response_text(question, question.data["correct"])

    def response_text(self, question: Question, response: Any) -> str:
        return {True: _("True"), False: _("False")}.get(response, "")


def comparable_text(text: str, *, case_sensitive: bool, ignore_diacritics: bool) -> str:
    """`text` as short answers compare it: spaces collapsed, optionally caseless and unaccented."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if ignore_diacritics:
        # đ is a letter of its own in Unicode, not d plus a mark, so NFD alone keeps it.
        text = text.replace("đ", "d").replace("Đ", "D")
        text = "".join(
            ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)
        )
    return text if case_sensitive else text.casefold()


@register
class ShortAnswer(QuestionType):
    """Typed answer compared with accepted ones; `*` in an accepted answer matches anything.

    `data = {"answers": [{"text", "fraction", "feedback"}], "case_sensitive": False,
    "ignore_diacritics": True}`; `\\*` stands for a literal star.
    """

    name = "shortanswer"
    label = _l("Short answer")

    def response_from_form(self, question: Question, formdata: FormData, prefix: str = "") -> str:
        return _typed_text(formdata, prefix)

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        answers = data["answers"]
        errors = []
        if not answers:
            errors.append(_("A short-answer question needs at least one answer."))
        if any(not str(answer["text"]).strip() for answer in answers):
            errors.append(_("An answer is blank."))
        if any(not 0 <= float(answer["fraction"]) <= 1 for answer in answers):
            errors.append(_("An answer's weight must be between 0% and 100%."))
        if answers and not any(float(answer["fraction"]) == 1 for answer in answers):
            errors.append(_("At least one answer must be right (100%)."))
        return errors

    def _pattern(self, question: Question, accepted: str) -> re.Pattern[str]:
        parts = re.split(r"(?<!\\)\*", accepted)
        options = {
            "case_sensitive": bool(question.data.get("case_sensitive", False)),
            "ignore_diacritics": bool(question.data.get("ignore_diacritics", True)),
        }
        regex = ".*".join(
            re.escape(comparable_text(part.replace("\\*", "*"), **options)) for part in parts
        )
        return re.compile(regex, re.DOTALL)

    def _comparable_response(self, question: Question, response: str) -> str:
        return comparable_text(
            response,
            case_sensitive=bool(question.data.get("case_sensitive", False)),
            ignore_diacritics=bool(question.data.get("ignore_diacritics", True)),
        )

    def grade(self, question: Question, response: Any) -> Grade:
        if not isinstance(response, str) or not response.strip():
            return Grade(0.0)
        typed = self._comparable_response(question, response)
        matches = [
            answer
            for answer in question.data["answers"]
            if self._pattern(question, answer["text"]).fullmatch(typed)
        ]
        if not matches:
            return Grade(0.0)
        best = max(matches, key=lambda answer: answer["fraction"])
        return Grade(_clamp(best["fraction"]), _feedback(best.get("feedback", "")))

    def right_answer_text(self, question: Question) -> str:
        best = max(question.data["answers"], key=lambda answer: answer["fraction"])
        return best["text"]


@register
class Numerical(QuestionType):
    """A number within a tolerance or a range.

    `data = {"answers": [{"value", "tolerance", "fraction", "feedback"}
    or {"min", "max", "fraction", "feedback"}]}`.
    """

    name = "numerical"
    label = _l("Numerical")

    def response_from_form(self, question: Question, formdata: FormData, prefix: str = "") -> str:
        return _typed_text(formdata, prefix)

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        answers = data["answers"]
        errors = []
        if not answers:
            errors.append(_("A numerical question needs at least one answer."))
        for answer in answers:
            if "min" in answer:
                if not float(answer["min"]) <= float(answer["max"]):
                    errors.append(_("An answer range must not start above its end."))
            elif not math.isfinite(float(answer["value"])) or not float(answer["tolerance"]) >= 0:
                errors.append(
                    _("A numerical answer must be a number, with a tolerance that is not negative.")
                )
        if answers and not any(float(answer["fraction"]) == 1 for answer in answers):
            errors.append(_("At least one answer must be right (100%)."))
        return errors

    @staticmethod
    def _accepts(answer: dict[str, Any], value: float) -> bool:
        if "min" in answer:
            low, high = float(answer["min"]), float(answer["max"])
        else:
            centre, tolerance = float(answer["value"]), float(answer["tolerance"])
            low, high = centre - tolerance, centre + tolerance
        # Binary floats make 0.1 + 0.2 miss 0.3; allow a rounding error's worth of slack.
        slack = 1e-9 * max(1.0, abs(low), abs(high))
        return low - slack <= value <= high + slack

    def grade(self, question: Question, response: Any) -> Grade:
        values = number_readings(response) if isinstance(response, str) else []
        if not values:
            # Feedback is stored with the attempt, in the language the learner submitted in.
            return Grade(0.0, [_("The response is not a number.")] if response else [])
        matches = [
            answer
            for answer in question.data["answers"]
            if any(self._accepts(answer, value) for value in values)
        ]
        if not matches:
            return Grade(0.0)
        best = max(matches, key=lambda answer: answer["fraction"])
        return Grade(_clamp(best["fraction"]), _feedback(best.get("feedback", "")))

    def right_answer_text(self, question: Question) -> str:
        best = max(question.data["answers"], key=lambda answer: answer["fraction"])
        if "min" in best:
            return f"{_display_number(best['min'])} – {_display_number(best['max'])}"
        if best["tolerance"]:
            return f"{_display_number(best['value'])} ± {_display_number(best['tolerance'])}"
        return _display_number(best["value"])


@register
class Matching(QuestionType):
    """Pair each left item with a right one.

    `data = {"pairs": [{"left", "right"}], "distractors": [str]}`; a response holds, per pair,
    an index into `options(question)` (or None).
    """

    name = "matching"
    label = _l("Matching")

    @staticmethod
    def options(question: Question) -> list[str]:
        """The right-hand texts a learner picks from: each pair's, then distractors, no repeats."""
        rights = [pair["right"] for pair in question.data["pairs"]]
        return list(dict.fromkeys(rights + list(question.data.get("distractors", []))))

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        pairs = data["pairs"]
        errors = []
        if len(pairs) < 2:
            errors.append(_("A matching question needs at least two pairs."))
        if any(not str(pair["left"]).strip() or not str(pair["right"]).strip() for pair in pairs):
            errors.append(_("A pair has a blank side."))
        if any(not str(text).strip() for text in data.get("distractors", [])):
            errors.append(_("A distractor is blank."))
        return errors

    def response_from_form(
        self, question: Question, formdata: FormData, prefix: str = ""
    ) -> list[int | None]:
        size = len(self.options(question))
        return [
            _index(_first_value(formdata, answer_field(prefix, part)), size)
            for part in range(len(question.data["pairs"]))
        ]

    def grade(self, question: Question, response: Any) -> Grade:
        options, pairs = self.options(question), question.data["pairs"]
        chosen = list(response or [])[: len(pairs)]
        right = sum(
            1
            for pair, index in zip(pairs, chosen, strict=False)
            if isinstance(index, int)
            and 0 <= index < len(options)
            and options[index] == pair["right"]
        )
        return Grade(right / len(pairs) if pairs else 0.0)

    def shuffle(self, question: Question, rng: random.Random) -> list[int]:
        order = list(range(len(self.options(question))))
        rng.shuffle(order)
        return order

    def right_answer_text(self, question: Question) -> str:
        return "; ".join(f"{pair['left']} → {pair['right']}" for pair in question.data["pairs"])

    def response_text(self, question: Question, response: Any) -> str:
        options = self.options(question)
        return "; ".join(
            f"{pair['left']} → {options[index]}"
            for pair, index in zip(question.data["pairs"], response or [], strict=False)
            if isinstance(index, int) and 0 <= index < len(options)
        )


@register
class Ordering(QuestionType):
    """Put items in order: `data = {"items": [str, …]}` in the right order.

    A response lists, position by position, the index of the item the learner put there.
    """

    name = "ordering"
    label = _l("Ordering")

    def validate_data(self, data: dict[str, Any]) -> list[str]:
        items = data["items"]
        errors = []
        if len(items) < 2:
            errors.append(_("An ordering question needs at least two items."))
        if any(not str(item).strip() for item in items):
            errors.append(_("An item is blank."))
        if len(set(items)) != len(items):
            errors.append(_("The items to order must all differ."))
        return errors

    def response_from_form(
        self, question: Question, formdata: FormData, prefix: str = ""
    ) -> list[int | None]:
        size = len(question.data["items"])
        values = _form_values(formdata, answer_field(prefix))[:size]
        return [_index(value, size) for value in values] + [None] * (size - len(values))

    def grade(self, question: Question, response: Any) -> Grade:
        items = question.data["items"]
        in_place = sum(1 for position, index in enumerate(response or []) if index == position)
        return Grade(min(in_place, len(items)) / len(items) if items else 0.0)

    def shuffle(self, question: Question, rng: random.Random) -> list[int]:
        order = list(range(len(question.data["items"])))
        rng.shuffle(order)
        if len(order) > 1 and order == sorted(order):
            # Showing the items already in order would give the answer away.
            order = order[1:] + order[:1]
        return order

    def right_answer_text(self, question: Question) -> str:
        return " → ".join(question.data["items"])

    def response_text(self, question: Question, response: Any) -> str:
        items = question.data["items"]
        return " → ".join(
            items[index] if isinstance(index, int) and 0 <= index < len(items) else "?"
            for index in response or []
        )


@register
class Essay(QuestionType):
    """Free text graded by a person: `data = {"grader_info": str}` (rubric for graders)."""

    name = "essay"
    label = _l("Essay")

    def response_from_form(self, question: Question, formdata: FormData, prefix: str = "") -> str:
        return _typed_text(formdata, prefix)

    def grade(self, question: Question, response: Any) -> Grade:
        return Grade(None)

    def right_answer_text(self, question: Question) -> str:
        return ""
