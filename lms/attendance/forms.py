"""Forms of the attendance area: a session (and a weekly series of them), cancelling one, the
plain marking form, a sign-in list upload, the class's settings and self check-in.
Choices are filled in by the views; every number is bounded."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from lms.attendance.models import SessionMode
from lms.classes.forms import CheckboxListField
from lms.forms import ClockField, LMSForm, VNDateField, WholeNumberField, select_choices

WEEKDAYS = (
    (0, _l("Monday")),
    (1, _l("Tuesday")),
    (2, _l("Wednesday")),
    (3, _l("Thursday")),
    (4, _l("Friday")),
    (5, _l("Saturday")),
    (6, _l("Sunday")),
)


def mode_choices():
    return select_choices(
        [(SessionMode.IN_PERSON, _l("In person (a room)")), (SessionMode.ONLINE, _l("Online"))]
    )


class SessionForm(LMSForm):
    day = VNDateField(_l("Date"), validators=[DataRequired(_l("Write the date as dd/mm/yyyy."))])
    start = ClockField(
        _l("Starts at"), validators=[DataRequired(_l("Write the time as HH:MM, e.g. 07:30."))]
    )
    end = ClockField(
        _l("Ends at"), validators=[DataRequired(_l("Write the time as HH:MM, e.g. 07:30."))]
    )
    mode = SelectField(_l("Mode"), choices=mode_choices())
    room = StringField(_l("Room (in person)"), validators=[Length(max=255)])
    meeting_url = StringField(_l("Meeting link (online)"), validators=[Length(max=500)])
    trainer_id = SelectField(_l("Trainer"), validators=[Optional()])
    topic = StringField(_l("Topic"), validators=[Length(max=255)])
    checkin_before_minutes = WholeNumberField(
        _l("Check-in opens (minutes before the start)"),
        default=15,
        validators=[NumberRange(0, 240)],
    )
    checkin_after_minutes = WholeNumberField(
        _l("Check-in closes (minutes after the start)"),
        default=30,
        validators=[NumberRange(0, 600)],
    )
    late_after_minutes = WholeNumberField(
        _l("Late after (minutes after the start)"), default=10, validators=[NumberRange(0, 600)]
    )
    code_seconds = WholeNumberField(
        _l("Check-in code changes every (seconds)"), default=15, validators=[NumberRange(5, 300)]
    )
    allowed_networks = StringField(
        _l("Networks check-ins should come from (e.g. 10.1.2.0/24; empty: anywhere)"),
        validators=[Length(max=500)],
    )

    def validate_allowed_networks(self, field) -> None:
        from lms.attendance.checkin import check_networks

        wrong = check_networks(field.data or "")
        if wrong is not None:
            raise ValidationError(_l("Not a network: %(n)s (write e.g. 10.1.2.0/24).", n=wrong))


class SeriesForm(SessionForm):
    weekdays = CheckboxListField(_l("Every"), choices=select_choices(WEEKDAYS), coerce=int)
    weeks = WholeNumberField(
        _l("For how many weeks"), default=4, validators=[DataRequired(), NumberRange(1, 52)]
    )
    skip = TextAreaField(
        _l("Skip these dates (dd/mm/yyyy, one per line or comma separated)"),
        validators=[Length(max=2000)],
        render_kw={"rows": 2},
    )


class CancelForm(LMSForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=255)])


class ActionForm(LMSForm):
    """A button that only needs its CSRF token."""


class ImportForm(LMSForm):
    file = FileField(
        _l("Sign-in list (.xlsx or .csv)"),
        validators=[FileRequired(_l("Choose a file to upload."))],
    )


class ReportForm(LMSForm):
    """Shown below `ImportForm`: its own id keeps the two `file` fields and labels apart."""

    file = FileField(
        _l("Participant report (.csv or .xlsx)"),
        validators=[FileRequired(_l("Choose a file to upload."))],
        id="report-file",
    )
    min_minutes = WholeNumberField(
        _l("Least minutes attended to count as present"),
        default=60,
        validators=[DataRequired(), NumberRange(1, 1440)],
    )


class SettingsForm(LMSForm):
    automark_absent = BooleanField(_l("Learners with no mark for a past session count as absent"))
    low_percent = WholeNumberField(
        _l("Low attendance below (percent)"), validators=[DataRequired(), NumberRange(1, 100)]
    )


class StatusRow(Form):
    label = StringField(_l("Name"), validators=[DataRequired(), Length(max=64)])
    points = WholeNumberField(
        _l("Points (empty: left out of the rate)"), validators=[Optional(), NumberRange(0, 10)]
    )


class StatusesForm(LMSForm):
    """The class's statuses in their order; their codes stay, so marks keep their meaning."""

    rows = FieldList(FormField(StatusRow), min_entries=1, max_entries=10)


class CheckinForm(LMSForm):
    code = StringField(
        _l("Check-in code"),
        validators=[DataRequired(), Length(max=12)],
        render_kw={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"},
    )
