"""Forms of the authoring pages: a course's details, a module, an attachment upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import TextInput

from lms.accounts.services import ServiceError
from lms.content.fields import SLUG
from lms.content.legal import NUMBER
from lms.content.model import DEFAULT_PASS_MARK
from lms.courses.editing import require_free_slug
from lms.forms import LMSForm, VNDateField, select_choices

#: A module body is a page of reading, not a book: this keeps one request small.
MAX_BODY_CHARS = 200_000
#: Whole numbers typed in a text box (styled like the others) with the phone's number keypad.
NUMERIC = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}
SLUG_MESSAGE = _l("Use lowercase letters without accents, digits and dashes, like mot-cua.")


def topic_choices() -> list[tuple[str, str]]:
    return [
        ("one-stop", _l("One-stop mechanism")),
        ("it-skills", _l("IT skills")),
        ("communication", _l("Communication and conduct with citizens")),
        ("tthc-simplification", _l("Reviewing and simplifying administrative procedures")),
        ("other", _l("Other")),
    ]


def _quiz_field() -> StringField:
    return StringField(
        _l("Quiz bank (short name, optional)"),
        validators=[Optional(), Length(max=64), Regexp(f"^{SLUG.pattern}$", message=SLUG_MESSAGE)],
    )


def _slug_field() -> StringField:
    return StringField(
        _l("Short name (used in links and file names)"),
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(f"^{SLUG.pattern}$", message=SLUG_MESSAGE),
        ],
    )


def _owner_field() -> SelectField:
    return SelectField(_l("Unit whose trainers maintain it"), validators=[DataRequired()])


class CourseForm(LMSForm):
    """A course's details; a new course also takes its short name and owner unit."""

    slug = _slug_field()
    owner_unit_id = _owner_field()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=255)])
    summary = TextAreaField(_l("Summary"), validators=[DataRequired()], render_kw={"rows": 3})
    topic = SelectField(_l("Topic"), choices=select_choices(topic_choices()))
    audience = TextAreaField(
        _l("Who it is for"), validators=[DataRequired()], render_kw={"rows": 2}
    )
    objectives = TextAreaField(
        _l("Objectives, one per line"), validators=[DataRequired()], render_kw={"rows": 5}
    )
    pass_mark = IntegerField(
        _l("Pass mark, in percent"),
        default=DEFAULT_PASS_MARK,
        validators=[InputRequired(), NumberRange(min=0, max=100)],
        widget=TextInput(),
        render_kw=NUMERIC,
    )
    quiz_slug = _quiz_field()
    sources = TextAreaField(
        _l("Legal documents the course relies on, one number per line"),
        description=_l("Like 118/2025/NĐ-CP; the check warns when one of them ceases."),
        render_kw={"rows": 4, "spellcheck": "false"},
    )

    def objective_lines(self) -> list[str]:
        return [line.strip() for line in (self.objectives.data or "").splitlines() if line.strip()]

    def source_lines(self) -> list[str]:
        return [line.strip() for line in (self.sources.data or "").splitlines() if line.strip()]

    def validate_sources(self, field) -> None:
        for number in self.source_lines():
            if NUMBER.fullmatch(number) is None:
                raise ValidationError(
                    _l("“%(number)s” is not a document number like 118/2025/NĐ-CP.", number=number)
                )


class CopyCourseForm(LMSForm):
    """A copy of a course: its title, short name and owner unit (the rest comes from the source)."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=255)])
    slug = _slug_field()
    owner_unit_id = _owner_field()

    def validate_slug(self, field) -> None:
        # A taken name is the one refusal a trainer can cause here: say so beside the field.
        try:
            require_free_slug(field.data)
        except ServiceError as error:
            raise ValidationError(str(error)) from error


class EditCourseForm(CourseForm):
    """The details of an existing course: its short name and owner stay as they are."""

    slug = None
    owner_unit_id = None


class ModuleForm(LMSForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=255)])
    minutes = IntegerField(
        _l("Minutes of study"),
        validators=[DataRequired(), NumberRange(min=1, max=2000)],
        widget=TextInput(),
        render_kw=NUMERIC,
    )
    required = BooleanField(_l("Required to complete the course"), default=True)
    quiz_slug = _quiz_field()
    reviewed = VNDateField(
        _l("Last checked against the law on"),
        description=_l("Learners see “content up to date as of” this month."),
        validators=[Optional()],
    )
    body = TextAreaField(
        _l("Text (Markdown)"),
        validators=[Length(max=MAX_BODY_CHARS)],
        render_kw={"rows": 18, "spellcheck": "true", "data-preview-source": ""},
    )


class AttachmentForm(LMSForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))])
