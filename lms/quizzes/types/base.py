"""What every question type shares: the `Question` stored as JSON, the `Grade` of a response,
the `QuestionType` base class, the `QUESTION_TYPES` registry that `@register` fills, and the
helpers a type uses to read a submitted form.

Form fields are named by `answer_field(prefix)` ("answer"), or `answer_field(prefix, i)`
("answer-0", …) for the parts of a matching question; values that index choices, items or
options are indexes into the question's own lists, never display positions. A learner's page
never shows these indexes: `attempts.tokens` maps its opaque values back before a type reads them.
"""

from __future__ import annotations

import copy
import random
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, TypeVar

from flask_babel import gettext as _


def shuffled_away(count: int, rng: random.Random) -> list[int]:
    """A random order of `count` places that is never the author's own (when there are two or
    more): for types whose author order is the answer, showing it unshuffled gives it away."""
    order = list(range(count))
    rng.shuffle(order)
    if count > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return order


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

    def labelled_feedback(
        self, question: Question, response: Any, feedback: list[str]
    ) -> list[tuple[str, str]]:
        """The feedback a response earned, each with what it is about ("" when it is about the
        whole answer): a review must say which chosen option a "Right." belongs to."""
        return [("", text) for text in feedback]

    #: Whether `shuffle` applies even when the quiz keeps the author's order: for types whose
    #: author order is the answer itself (matching's options, ordering's items).
    always_shuffled: ClassVar[bool] = False

    #: Whether learners answer it: a description is only read, and an attempt gives it no mark.
    takes_answer: ClassVar[bool] = True

    #: Whether the type's template shows the question's text itself, its inputs standing inside
    #: it (the gaps of a fill-the-gaps text); other types show their inputs below the text.
    answers_in_text: ClassVar[bool] = False

    def review_stem(self, question: Question) -> str:
        """The question's text as a review page or a listing shows it (Markdown)."""
        return question.stem

    def value_count(self, question: Question) -> int:
        """How many indexes the type's inputs carry (choices, options, items); 0 for typed
        answers. A page shows these as opaque per-attempt values (see `attempts.tokens`)."""
        return 0


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


def form_values(formdata: FormData, key: str) -> list[str]:
    """Every value submitted under `key`, as text."""
    getlist = getattr(formdata, "getlist", None)
    values = getlist(key) if callable(getlist) else formdata.get(key, [])
    if isinstance(values, str):
        values = [values]
    return [str(value) for value in values]


def first_value(formdata: FormData, key: str) -> str:
    """The first value submitted under `key`, or "" when there is none."""
    values = form_values(formdata, key)
    return values[0] if values else ""


def typed_text(formdata: FormData, prefix: str) -> str:
    """The text a learner typed into the answer box (short answer, number, essay)."""
    return first_value(formdata, answer_field(prefix)).strip()


def read_index(text: str, size: int) -> int | None:
    """The index `text` names, or None when it is not one (forms are user input)."""
    try:
        index = int(text)
    except ValueError:
        return None
    return index if 0 <= index < size else None


def clamp(fraction: float) -> float:
    """`fraction` held between 0 and 1: a response never earns below nothing or above the mark."""
    return min(1.0, max(0.0, fraction))


def feedback_list(*texts: str) -> list[str]:
    """The feedback texts that say something."""
    return [text for text in texts if text]
