"""Forms of the records area: external training with its scan, yearly targets, a ceased unit's
successor, and the report's filter (read from the query string)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.accounts.forms import RANK_CHOICES
from lms.forms import LMSForm, VNDateField, WholeNumberField, select_choices
from lms.records.models import ExternalKind
from lms.records.services import MAX_PERIODS, MAX_YEAR, MIN_YEAR


def kind_choices() -> list[tuple[str, str]]:
    return [
        (ExternalKind.OTHER_PROVINCE, _l("Course of another province or ministry")),
        (ExternalKind.POLITICAL_THEORY, _l("Political theory")),
        (ExternalKind.UNIVERSITY, _l("University or college programme")),
        (ExternalKind.OTHER, _l("Other training")),
    ]


def kind_label(kind: str) -> str:
    return str(dict(kind_choices()).get(kind, kind))


class ExternalForm(LMSForm):
    kind = SelectField(_l("Where"), choices=select_choices(kind_choices()))
    title = StringField(_l("Course or programme"), validators=[DataRequired(), Length(max=255)])
    provider = StringField(_l("Organised by"), validators=[DataRequired(), Length(max=255)])
    starts_on = VNDateField(_l("From (optional)"), validators=[Optional()])
    ends_on = VNDateField(_l("Finished on"), validators=[DataRequired()])
    periods = WholeNumberField(
        _l("Periods (tiết, 45 minutes)"),
        validators=[DataRequired(), NumberRange(min=1, max=MAX_PERIODS)],
    )
    result = StringField(_l("Result (optional)"), validators=[Length(max=64)])
    evidence_number = StringField(
        _l("Decision or certificate number"), validators=[DataRequired(), Length(max=100)]
    )
    scan = FileField(_l("Scan of the evidence (PDF, JPEG or PNG; optional)"))


class TargetForm(LMSForm):
    unit_id = SelectField(_l("Unit (and the units below it)"), coerce=str)
    year = WholeNumberField(
        _l("Year"), validators=[DataRequired(), NumberRange(min=MIN_YEAR, max=MAX_YEAR)]
    )
    rank = SelectField(_l("Rank (ngạch)"), choices=select_choices(RANK_CHOICES))
    position = StringField(_l("Position (optional)"), validators=[Length(max=255)])
    periods = WholeNumberField(
        _l("Periods per year"), validators=[DataRequired(), NumberRange(min=1, max=MAX_PERIODS)]
    )


class SuccessorForm(LMSForm):
    successor_id = SelectField(_l("Successor unit"), coerce=str, validators=[DataRequired()])


class ReportFilter(LMSForm):
    """The report's filter, read from the query string (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    unit = SelectField(_l("Unit"), coerce=str)
    starts_on = VNDateField(_l("From"), validators=[DataRequired()])
    ends_on = VNDateField(_l("To"), validators=[DataRequired()])
    basis = SelectField(
        _l("Count"),
        default="classes",
        choices=select_choices(
            [
                ("classes", _l("Classes the units organised (learners from anywhere)")),
                ("people", _l("Officials of the units (classes organised anywhere)")),
            ]
        ),
    )
    merged = BooleanField(_l("Count ceased units under their successors"))
