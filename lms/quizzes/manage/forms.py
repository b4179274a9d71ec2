"""Forms of the quiz management pages: a new quiz (title, module and its slots), the slots of a
quiz, its settings and a learner's override; and what their values become for
`lms.quizzes.manage.settings` (slot specs, settings keyword arguments, UTC moments).

Dates are typed as dd/mm/yyyy and times as HH:MM on the LMS's clock (LMS_TIMEZONE); they are
stored in UTC. A slot's source is one select: "c<id>" draws from a category, "q<id>" is a fixed
question, empty leaves the row out.
"""

from datetime import datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    ValidationError,
)

from lms.forms import (
    ClockField,
    LMSForm,
    ReadFirst,
    VNDateField,
    WholeNumberField,
    select_choices,
    to_utc,
    within,
)
from lms.i18n import local_time
from lms.quizzes.display import grading_method_label
from lms.quizzes.manage.settings import (
    MAX_ATTEMPTS,
    MAX_MINUTES,
    MAX_PER_PAGE,
    NAVIGATIONS,
    REVIEW_ITEMS,
    REVIEW_MOMENTS,
    SETTING_NAMES,
)
from lms.quizzes.manage.slots import MAX_DRAW, MAX_MARK, SlotSpec
from lms.quizzes.models import GradingMethod, OverdueRule, Quiz, QuizOverride, QuizSlot
from lms.routing import parse_id

#: Empty slot rows a new quiz form starts with, and how many "More rows" adds.
NEW_ROWS = 3
#: The time a moment typed without one takes: a quiz opens at the start of its first day and
#: closes at the end of its last.
START_OF_DAY, END_OF_DAY = time(0, 0), time(23, 59)


# --- fields --------------------------------------------------------------------------------------


class MarkField(ReadFirst, StringField):
    """A mark written the Vietnamese way (0,5) or with a dot; None when left empty."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = float(valuelist[0].strip().replace(",", "."))
            except ValueError as error:
                self.raw_data = valuelist
                raise ValueError(_l("Write the mark as a number, e.g. 1 or 0,5.")) from error

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:g}".replace(".", ",")


def _moment_problem(day_field, clock_field) -> bool:
    if clock_field.data is not None and day_field.data is None:
        day_field.errors.append(_l("Give the date as well as the time."))
        return True
    return False


class DatesMixin:
    """Open and close moments as two pairs of fields (date, time)."""

    open_date = VNDateField(_l("Opens on"), validators=[Optional()])
    open_time = ClockField(_l("at (HH:MM)"), validators=[Optional()])
    close_date = VNDateField(_l("Closes on"), validators=[Optional()])
    close_time = ClockField(_l("at (HH:MM)"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        opens = _moment_problem(self.open_date, self.open_time)
        closes = _moment_problem(self.close_date, self.close_time)
        return valid and not opens and not closes

    def fill_dates(self, open_at: datetime | None, close_at: datetime | None) -> None:
        for prefix, moment in (("open", open_at), ("close", close_at)):
            if moment is not None:
                local = local_time(moment)
                getattr(self, f"{prefix}_date").data = local.date()
                getattr(self, f"{prefix}_time").data = local.time().replace(second=0)

    def dates(self) -> dict[str, datetime | None]:
        return {
            "open_at": to_utc(self.open_date.data, self.open_time.data, START_OF_DAY),
            "close_at": to_utc(self.close_date.data, self.close_time.data, END_OF_DAY),
        }


# --- slots ---------------------------------------------------------------------------------------


class SlotForm(Form):
    """One row: a category to draw from (how many, with subcategories?) or a fixed question."""

    #: Choices are the bank's categories and questions, set by the view; `check_slot` decides.
    source = SelectField(_l("Questions from"), validate_choice=False)
    count = WholeNumberField(
        _l("How many"),
        default=1,
        validators=[Optional(), within(1, MAX_DRAW)],
    )
    subcategories = BooleanField(_l("with subcategories"), default=True)
    mark = MarkField(
        _l("Mark per question"),
        default=1.0,
        validators=[Optional(), within(0, MAX_MARK)],
    )

    def spec(self) -> SlotSpec | None:
        """The row as a slot; None when its source is empty or unreadable."""
        source = self.source.data or ""
        kind, number = source[:1], parse_id(source[1:])
        if kind not in ("c", "q") or number is None:
            return None
        mark = self.mark.data if self.mark.data is not None else 1.0
        if kind == "q":
            return SlotSpec(question_id=number, mark=mark)
        return SlotSpec(
            category_id=number,
            count=self.count.data or 1,
            include_subcategories=bool(self.subcategories.data),
            mark=mark,
        )

    def show_error(self, message: str) -> None:
        self.source.errors = [*self.source.errors, message]


class SlotsForm(LMSForm):
    """The slots of a quiz, one row each."""

    slots = FieldList(FormField(SlotForm), min_entries=NEW_ROWS)

    def set_sources(self, sources: list[SelectChoice]) -> None:
        choices = [SelectChoice("", _l("— none —")), *sources]
        for row in self.slots:
            row.form.source.choices = choices

    def add_rows(self, count: int = NEW_ROWS) -> None:
        for _ in range(count):
            self.slots.append_entry()

    def fill_slots(self, slots: list[QuizSlot]) -> None:
        while len(self.slots.entries):
            self.slots.pop_entry()
        for slot in slots:
            source = f"q{slot.question_id}" if slot.question_id else f"c{slot.category_id}"
            self.slots.append_entry(
                {
                    "source": source,
                    "count": slot.draw_count,
                    "subcategories": slot.include_subcategories,
                    "mark": slot.mark,
                }
            )
        self.add_rows(1)

    def has_errors(self) -> bool:
        """Whether anything is wrong, including problems put beside rows after validation."""
        return bool(self.errors) or any(row.form.errors for row in self.slots)

    def rows(self) -> list[tuple[SlotForm, SlotSpec]]:
        """The filled rows with their slots, in order."""
        pairs = [(row.form, row.form.spec()) for row in self.slots]
        return [(row, spec) for row, spec in pairs if spec is not None]


class QuizForm(SlotsForm):
    """A new quiz of a class: its title, the module it completes, its slots."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=255)])
    module_id = SelectField(_l("Completes the module"), validate_choice=False)


# --- settings ------------------------------------------------------------------------------------


def overdue_choices() -> list[tuple[str, str]]:
    return [
        (OverdueRule.AUTOSUBMIT, _l("Submit the attempt automatically")),
        (OverdueRule.GRACE, _l("Allow a grace period to submit (no more changes)")),
        (OverdueRule.NOTHING, _l("The attempt counts for nothing")),
    ]


def navigation_choices() -> list[tuple[str, str]]:
    labels = {"free": _l("Free: go back and forth"), "sequential": _l("Sequential: no going back")}
    return [(name, labels[name]) for name in NAVIGATIONS]


#: Rows and columns of the review matrix (what a learner sees, and when).
REVIEW_MOMENT_LABELS = {
    "after": _l("Right after the attempt"),
    "open": _l("Later, while the quiz is open"),
    "closed": _l("After the quiz closes"),
}
REVIEW_ITEM_LABELS = {
    "answers": _l("Their answers"),
    "marks": _l("Marks"),
    "right_answers": _l("Right answers"),
    "feedback": _l("Feedback"),
}


def review_field(moment: str, item: str) -> str:
    return f"review_{moment}_{item}"


class SettingsForm(DatesMixin, LMSForm):
    """Every setting of `settings.SETTING_NAMES`; the review matrix is 12 checkboxes."""

    time_limit_minutes = WholeNumberField(
        _l("Time limit (minutes)"),
        validators=[Optional(), within(1, MAX_MINUTES)],
    )
    overdue_rule = SelectField(
        _l("When time is up"), choices=select_choices(overdue_choices()), validate_choice=True
    )
    grace_minutes = WholeNumberField(
        _l("Grace period (minutes)"),
        default=0,
        validators=[Optional(), within(0, MAX_MINUTES)],
    )
    attempts_allowed = WholeNumberField(
        _l("Attempts allowed"),
        default=1,
        validators=[Optional(), within(0, MAX_ATTEMPTS)],
    )
    grading_method = SelectField(
        _l("Grading method"),
        # A callable: the labels are read in the language of the request.
        choices=lambda: select_choices(
            (method, grading_method_label(method)) for method in GradingMethod
        ),
    )
    pass_mark = WholeNumberField(
        _l("Pass mark (%)"),
        default=70,
        validators=[Optional(), within(0, 100)],
    )
    shuffle_questions = BooleanField(_l("Shuffle the questions"))
    shuffle_choices = BooleanField(_l("Shuffle the choices within each question"))
    questions_per_page = WholeNumberField(
        _l("Questions per page"),
        default=1,
        validators=[Optional(), within(0, MAX_PER_PAGE)],
    )
    navigation = SelectField(_l("Navigation"), choices=select_choices(navigation_choices()))

    def review_rows(self) -> list[tuple[str, list]]:
        """(moment label, its four checkboxes) for the review matrix."""
        return [
            (
                REVIEW_MOMENT_LABELS[moment],
                [self[review_field(moment, item)] for item in REVIEW_ITEMS],
            )
            for moment in REVIEW_MOMENTS
        ]

    def fill(self, quiz: Quiz) -> None:
        self.fill_dates(quiz.open_at, quiz.close_at)
        for name in SETTING_NAMES:
            if name not in ("open_at", "close_at", "review"):
                self[name].data = getattr(quiz, name)
        chosen = quiz.review or {}
        for moment in REVIEW_MOMENTS:
            for item in REVIEW_ITEMS:
                # Unset options are shown to learners (settings.review_options), so ticked here.
                self[review_field(moment, item)].data = (chosen.get(moment) or {}).get(item, True)

    def values(self) -> dict[str, Any]:
        """Keyword arguments for `settings.update_settings`."""
        return {
            **self.dates(),
            "time_limit_minutes": self.time_limit_minutes.data,
            "overdue_rule": self.overdue_rule.data,
            "grace_minutes": self.grace_minutes.data or 0,
            "attempts_allowed": self.attempts_allowed.data or 0,
            "grading_method": self.grading_method.data,
            "pass_mark": self.pass_mark.data if self.pass_mark.data is not None else 70,
            "shuffle_questions": bool(self.shuffle_questions.data),
            "shuffle_choices": bool(self.shuffle_choices.data),
            "questions_per_page": self.questions_per_page.data or 0,
            "navigation": self.navigation.data,
            "review": {
                moment: {item: bool(self[review_field(moment, item)].data) for item in REVIEW_ITEMS}
                for moment in REVIEW_MOMENTS
            },
        }


def _add_review_fields() -> None:
    for moment in REVIEW_MOMENTS:
        for item in REVIEW_ITEMS:
            # Each checkbox is named in full for screen readers; the matrix shows the parts.
            label = _l(
                "%(item)s — %(moment)s",
                item=REVIEW_ITEM_LABELS[item],
                moment=REVIEW_MOMENT_LABELS[moment],
            )
            setattr(SettingsForm, review_field(moment, item), BooleanField(label))


_add_review_fields()


# --- overrides -----------------------------------------------------------------------------------


class OverrideForm(DatesMixin, LMSForm):
    """Other dates, time or attempts for one learner of the class (empty keeps the quiz's)."""

    #: The class's enrolled learners, set by the view; anyone else is refused in `validate_user_id`.
    user_id = SelectField(_l("Learner"), validate_choice=False)
    time_limit_minutes = WholeNumberField(
        _l("Time limit (minutes)"),
        validators=[Optional(), within(1, MAX_MINUTES)],
    )
    attempts_allowed = WholeNumberField(
        _l("Attempts allowed"),
        validators=[Optional(), within(0, MAX_ATTEMPTS)],
    )

    def set_learners(self, pairs: list[tuple[str, str]]) -> None:
        self.user_id.choices = select_choices([("", _l("— choose a learner —")), *pairs])
        self._learners = {value for value, _label in pairs}

    def validate_user_id(self, field) -> None:
        if field.data not in self._learners:
            raise ValidationError(_l("Choose a learner enrolled in this class."))

    def fill(self, override: QuizOverride) -> None:
        self.user_id.data = override.user_id
        self.fill_dates(override.open_at, override.close_at)
        self.time_limit_minutes.data = override.time_limit_minutes
        self.attempts_allowed.data = override.attempts_allowed

    def values(self) -> dict[str, Any]:
        """Keyword arguments for `settings.set_override`."""
        return {
            **self.dates(),
            "time_limit_minutes": self.time_limit_minutes.data,
            "attempts_allowed": self.attempts_allowed.data,
        }
