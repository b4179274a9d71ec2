"""Forms of the classes area: the class form, and the small forms of the enrolment pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from lms.classes.models import ClassMode
from lms.forms import LMSForm, VNDateField, select_choices, within

#: More than any room or online class holds; a bigger number is a typing slip.
MAX_CAPACITY = 100_000


def mode_choices() -> list[tuple[str, str]]:
    return [
        (ClassMode.BLENDED, _l("Blended")),
        (ClassMode.ONLINE, _l("Online")),
        (ClassMode.IN_PERSON, _l("In person")),
    ]


def mode_label(mode: str) -> str:
    return str(dict(mode_choices()).get(mode, mode))


def status_choices() -> list[tuple[str, str]]:
    return [
        ("", _l("Any status")),
        ("upcoming", _l("Not started")),
        ("running", _l("Running")),
        ("finished", _l("Finished")),
    ]


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (easier than a multi-select on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ClassForm(LMSForm):
    """Everything an organizer sets on a class; choices are filled in by the view."""

    code = StringField(
        _l("Class code"),
        validators=[DataRequired(), Length(max=32)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    name = StringField(_l("Class name"), validators=[DataRequired(), Length(max=255)])
    course_version = SelectField(_l("Course and version"), validators=[DataRequired()])
    unit_id = SelectField(_l("Organizing unit"), validators=[DataRequired()])
    mode = SelectField(_l("Mode"), choices=select_choices(mode_choices()))
    starts_on = VNDateField(_l("Starts on"), validators=[Optional()])
    ends_on = VNDateField(_l("Ends on"), validators=[Optional()])
    location = StringField(_l("Location"), validators=[Length(max=255)])
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional(), within(1, MAX_CAPACITY)],
        # A text box with a numeric keypad: styled like the other fields, no spinner arrows.
        widget=TextInput(),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    enrol_opens_on = VNDateField(_l("Enrolment opens on"), validators=[Optional()])
    enrol_closes_on = VNDateField(_l("Enrolment closes on"), validators=[Optional()])
    decision_number = StringField(
        _l("Opening decision number"),
        validators=[Length(max=64)],
        render_kw={"placeholder": "123/QĐ-UBND"},
    )
    decision_date = VNDateField(_l("Decision date"), validators=[Optional()])
    decision_issuer = StringField(
        _l("Issued by"),
        validators=[Length(max=255)],
        render_kw={"placeholder": "Ủy ban nhân dân tỉnh"},
    )
    self_enrol = BooleanField(_l("Learners may enrol themselves"))
    self_enrol_unit_id = SelectField(_l("Self-enrolment open to"), validators=[Optional()])
    trainer_ids = CheckboxListField(
        _l("Trainers"), validators=[Optional()], render_kw={"class": "plain"}
    )
    description = TextAreaField(_l("Notes for learners"), validators=[Length(max=5000)])


class UnitEnrolForm(LMSForm):
    unit_id = SelectField(_l("Unit (with the units below it)"), validators=[DataRequired()])


class ImportForm(LMSForm):
    file = FileField(
        _l("File (XLSX or CSV)"),
        validators=[FileRequired(_l("Choose a file."))],
        render_kw={"accept": ".xlsx,.csv"},
    )


class ConfirmImportForm(LMSForm):
    token = HiddenField(validators=[DataRequired()])
