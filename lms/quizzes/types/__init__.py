"""Question types: the `Question` stored as JSON and the `QUESTION_TYPES` registry.

Each type is a `QuestionType` subclass registered with `@register` (see `base`). It checks its
`data` payload, turns a submitted form into a JSON-serialisable response, grades that response and
says what the right answer was. Nothing outside this package branches on `qtype`: a new type is
one new module here, imported below.

Each type family has its module: `choice` (single, multiple, true/false), `short_answer`,
`numerical`, `matching`, `ordering`, `gaps` (fill the gaps), `essay` and `description` (text
with no answer); `numbers` reads and writes typed numbers.
"""

from lms.quizzes.types.base import (
    QUESTION_TYPES,
    FormData,
    Grade,
    Question,
    QuestionType,
    answer_field,
    get_question_type,
    register,
    validate_question,
)

# Registering is importing: the types' modules come in the order authors see the types.
# isort: off
from lms.quizzes.types.choice import MultipleChoice, SingleChoice, TrueFalse
from lms.quizzes.types.short_answer import ShortAnswer
from lms.quizzes.types.numerical import Numerical
from lms.quizzes.types.matching import Matching
from lms.quizzes.types.ordering import Ordering
from lms.quizzes.types.gaps import FillGaps
from lms.quizzes.types.essay import Essay
from lms.quizzes.types.description import Description
# isort: on

from lms.quizzes.types.numbers import format_number, number_readings, parse_number

__all__ = [
    "QUESTION_TYPES",
    "Description",
    "Essay",
    "FillGaps",
    "FormData",
    "Grade",
    "Matching",
    "MultipleChoice",
    "Numerical",
    "Ordering",
    "Question",
    "QuestionType",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
    "answer_field",
    "format_number",
    "get_question_type",
    "number_readings",
    "parse_number",
    "register",
    "validate_question",
]
