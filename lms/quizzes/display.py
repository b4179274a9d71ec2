"""How the quiz pages show things: a question of an attempt with its type's template and its
choices in the attempt's order, the pages of an attempt, marks, saved times and the countdown as
text, the words for settings and states, and a learner's name.
"""

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from lms import db
from lms.accounts.models import LearnerProfile
from lms.i18n import current_language, format_date, format_number, local_time
from lms.quizzes.attempts import navigation, tokens
from lms.quizzes.attempts import services as service
from lms.quizzes.attempts.summary import question_numbers
from lms.quizzes.bank.services import as_data
from lms.quizzes.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    GradingMethod,
    OverdueRule,
    Quiz,
)
from lms.quizzes.types import Question, QuestionType, answer_field, get_question_type
from lms.quizzes.types.gaps import GAP
from lms.rendering import render_inline, render_markdown, render_markdown_around
from lms.text import vi_sort_key


def template_helpers() -> dict:
    """Functions the quiz templates call."""
    return {
        "markdown": render_markdown,
        "inline": render_inline,
        "around_gaps": lambda text: render_markdown_around(text, GAP),
        "grading_method_label": grading_method_label,
        "overdue_rule_label": overdue_rule_label,
        "state_label": state_label,
        "percent": lambda fraction: None if fraction is None else fraction * 100,
        "points": points,
        "points_label": lambda value: _("Points: %(n)s", n=points(value)),
        "clock": clock,
        "duration": duration,
        "closing_words": closing_words,
        "text_start": text_start,
        "mark_example": mark_example,
    }


_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"[*_`~]+")
_MARKUP = re.compile(r"[#>|]+|<[^>]*>")


def text_start(markdown: str, limit: int = 80) -> str:
    """The first words of a question's text, as plain text: what a trainer recognises a question
    by in item analysis and the grading queue (its code, "mot-cua-01-q4", says nothing)."""
    text = _LINK.sub(r"\1", _IMAGE.sub(" ", markdown or ""))
    text = _EMPHASIS.sub("", _MARKUP.sub(" ", text))
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,.;:") + "…"


def points(value: float) -> str:
    """A mark as people write it: 1, 0,5, 2,25 (two decimals at most, no trailing zeros)."""
    return _points(round(value, 2), current_language())


@functools.lru_cache(maxsize=512)
def _points(value: float, language: str) -> str:
    # Babel's number formatting is slow next to the rest of a page, and a quiz has few distinct
    # marks: remembered per language, the only other thing the text depends on (and the one
    # `format_number` reads now, as `points` passed it).
    return format_number(value, 2).rstrip("0").rstrip(",.")


def mark_example(max_mark: float) -> str:
    """A mark with a decimal comma that a question worth `max_mark` can take: 1,5 of 2, 0,5 of 1
    (a hint of "e.g. 1,5" for a question out of 1 suggested a mark it refuses)."""
    for example in (max_mark - 0.5, max_mark / 2, max_mark / 4):
        if 0 < example < max_mark and example != int(example):
            return points(example)
    return points(max_mark)


def clock(seconds: int) -> str:
    """Seconds as a countdown shows them: 1:05:09 or 05:09."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def duration(seconds: int) -> str:
    """How long something took, with units: "33 giây", "12 phút 5 giây", "1 giờ 2 phút"
    (a clock's "00:33" beside a 30-minute limit reads as 33 minutes)."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(_("%(n)s h", n=hours))
    if minutes:
        parts.append(_("%(n)s min", n=minutes))
    if (seconds and not hours) or not parts:
        parts.append(_("%(n)s s", n=seconds))
    return " ".join(parts)


WEEKDAYS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)


def closing_words(moment: datetime, remaining: int) -> str:
    """When an untimed attempt ends, in words: "The quiz closes at 17:00 on Friday, 12/12/2026
    (in 17 days)" rather than a countdown of 431 hours."""
    local = local_time(moment)
    left = remaining // 86400
    return _(
        "The quiz closes at %(time)s on %(weekday)s, %(date)s (in %(left)s).",
        time=local.strftime("%H:%M"),
        weekday=WEEKDAYS[local.weekday()],
        date=format_date(local),
        left=_("%(n)s days", n=left) if left >= 2 else duration(remaining - remaining % 60 or 60),
    )


def stamp(moment: datetime | None) -> str:
    """A saved time as the page and the autosave answers both write it (UTC, microseconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if moment else ""


def grading_method_label(method: str) -> str:
    labels = {
        GradingMethod.HIGHEST: _l("Highest grade"),
        GradingMethod.AVERAGE: _l("Average grade"),
        GradingMethod.FIRST: _l("First attempt"),
        GradingMethod.LAST: _l("Last attempt"),
    }
    return str(labels.get(method, method))


def overdue_rule_label(rule: str, untimed: bool = False) -> str:
    """What happens at the end; for a quiz with no time limit, the end is its closing date."""
    if untimed:
        return str(_closing_labels().get(rule, rule))
    labels = {
        OverdueRule.AUTOSUBMIT: _l("When time is up, the attempt is submitted automatically."),
        OverdueRule.GRACE: _l(
            "When time is up, you may still submit for a short while, without changing answers."
        ),
        OverdueRule.NOTHING: _l("An attempt not submitted before time is up does not count."),
    }
    return str(labels.get(rule, rule))


def _closing_labels() -> dict:
    return {
        OverdueRule.AUTOSUBMIT: _l("When the quiz closes, the attempt is submitted automatically."),
        OverdueRule.GRACE: _l(
            "When the quiz closes, you may still submit for a short while, "
            "without changing answers."
        ),
        OverdueRule.NOTHING: _l("An attempt not submitted before the quiz closes does not count."),
    }


def state_label(state: str) -> str:
    labels = {
        AttemptState.IN_PROGRESS: _l("In progress"),
        AttemptState.FINISHED: _l("Submitted"),
        AttemptState.ABANDONED: _l("Not submitted in time"),
    }
    return str(labels.get(state, state))


def learner_name(user_id: str) -> str:
    """A learner's full name, or their user id when they have no profile."""
    profile = db.session.get(LearnerProfile, user_id)
    return profile.full_name if profile else user_id


@dataclass
class ShownQuestion:
    """One question of an attempt as a page shows it (its type picks the template)."""

    record: AttemptQuestion
    #: The number learners read ("Question 2"); None for a description, which has none.
    number: int | None = None

    @cached_property
    def question(self) -> Question:
        return as_data(self.record.question_version, "")

    @cached_property
    def qtype(self) -> QuestionType:
        return get_question_type(self.question.qtype)

    @property
    def position(self) -> int:
        return self.record.position

    @property
    def response(self) -> Any:
        return self.record.response

    @property
    def answered(self) -> bool:
        return service.is_answered(self.record.response)

    @property
    def templates(self) -> list[str]:
        # A type without its own template answers in one text box (the base type's reading).
        return [f"lms/quizzes/types/{self.question.qtype}.html", "lms/quizzes/types/_text.html"]

    def field(self, part: int | None = None) -> str:
        return answer_field(navigation.field_prefix(self.position), part)

    @cached_property
    def name(self) -> str:
        """`field()`, the whole answer's field, as an attribute: a template reads an attribute
        for much less than it calls a method, and a choice list names it once per choice."""
        return self.field()

    @property
    def saved_stamp(self) -> str:
        return stamp(self.record.saved_at)

    def value(self, index: int) -> str:
        """What the input for the author's `index` carries: an opaque token of this attempt."""
        return tokens.value_token(getattr(self.record, "attempt_id", None), self.position, index)

    def valued(self, items: list) -> list[tuple[int, str, Any]]:
        """(index, token, item) in the attempt's display order: each token computed once per
        question, not once per select that offers it (matching offers every option per pair)."""
        return self.with_values(self.ordered(items))

    def with_values(self, pairs: list[tuple[int, Any]]) -> list[tuple[int, str, Any]]:
        """(index, token, item) for each (index, item) of `ordered` or `scrambled`."""
        return [(index, self.value(index), item) for index, item in pairs]

    def choices(self) -> list[tuple[int, str, Markup]]:
        """(index, token, text as HTML) of a choice question's choices, in display order."""
        return [
            (index, self.value(index), render_inline(choice["text"]))
            for index, choice in self.ordered(self.question.data["choices"])
        ]

    def ordered(self, items: list) -> list[tuple[int, Any]]:
        """(index, item) in the attempt's display order (the author's order when unshuffled)."""
        order = self.record.choice_order or range(len(items))
        return [(index, items[index]) for index in order if 0 <= index < len(items)]

    def scrambled(self, items: list[str]) -> list[tuple[int, str]]:
        """Items to put in order: shuffled, or alphabetical, never in the answer's own order."""
        if self.record.choice_order:
            return self.ordered(items)
        return sorted(enumerate(items), key=lambda pair: vi_sort_key(pair[1]))

    @property
    def review_stem(self) -> str:
        """The question's text as a review shows it (a fill-the-gaps text numbers its gaps)."""
        return self.qtype.review_stem(self.question)

    @property
    def response_text(self) -> str:
        return self.qtype.response_text(self.question, self.record.response)

    @property
    def feedback_items(self) -> list[tuple[str, str]]:
        """(the option it is about, or "", feedback) for each feedback the response earned."""
        return self.qtype.labelled_feedback(
            self.question, self.record.response, list(self.record.feedback or [])
        )

    @property
    def right_answer_text(self) -> str:
        return self.qtype.right_answer_text(self.question)

    @property
    def mark(self) -> float | None:
        fraction = self.record.fraction
        return None if fraction is None else fraction * self.record.max_mark


def shown(attempt: Attempt, positions: list[int] | None = None) -> list[ShownQuestion]:
    wanted = set(positions) if positions is not None else None
    numbers = question_numbers(attempt)
    return [
        ShownQuestion(record, numbers.get(record.position))
        for record in attempt.questions
        if wanted is None or record.position in wanted
    ]


@dataclass(frozen=True)
class NavButton:
    """One button of the attempt page's question list, worked out in Python: per question, a
    template spent more on the tests and lookups than on writing the button."""

    #: The page it goes to (1-based, as the form posts it).
    page: int
    position: int
    #: What it shows: the question's number, or "i" for a description.
    label: int | str
    #: "information", "answered" or "unanswered": which hidden word it says.
    state: str
    #: On the page shown, when there are several.
    current: bool

    @property
    def css(self) -> str:
        return (
            "qnav"
            + (" answered" if self.state == "answered" else "")
            + (" to-read" if self.state == "information" else "")
            + (" current" if self.current else "")
        )


def question_nav(attempt: Attempt, pages: list[list[int]], shown_page: int) -> list[NavButton]:
    """The attempt page's question list: every question of the attempt, page by page."""
    numbers = question_numbers(attempt)
    answered = {q.position for q in attempt.questions if service.is_answered(q.response)}
    several = len(pages) > 1
    return [
        NavButton(
            page=index + 1,
            position=position,
            label=numbers.get(position, "i"),
            state="information"
            if position not in numbers
            else "answered"
            if position in answered
            else "unanswered",
            current=several and index == shown_page,
        )
        for index, positions in enumerate(pages)
        for position in positions
    ]


def quiz_pages(attempt: Attempt, quiz: Quiz) -> list[list[int]]:
    count = len(attempt.questions)
    pages = navigation.page_count(count, quiz.questions_per_page)
    return [
        navigation.page_positions(count, quiz.questions_per_page, page) for page in range(pages)
    ]
