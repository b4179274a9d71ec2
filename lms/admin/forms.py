"""Forms of the admin area."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from lms.accounts.forms import RANK_CHOICES, education_choices
from lms.forms import LMSForm, VNDateField, select_choices


def role_choices(with_learner: bool = True) -> list[tuple[str, str]]:
    choices = [
        ("trainer", _l("Trainer")),
        ("organizer", _l("Organizer")),
        ("admin", _l("Administrator")),
    ]
    return ([("learner", _l("Learner"))] if with_learner else []) + choices


def unit_kind_choices() -> list[tuple[str, str]]:
    return [
        ("central", _l("Central agency")),
        ("province", _l("Province / centrally-run city")),
        ("department", _l("Department / agency")),
        ("commune", _l("Commune / ward")),
        ("division", _l("Division / office")),
        ("district", _l("District (before 1/7/2025)")),
        ("other", _l("Other")),
    ]


class ProfileAdminForm(LMSForm):
    """Everything about a person that an admin keeps up to date."""

    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=255)])
    official_code = StringField(_l("Official code (mã CBCCVC)"), validators=[Length(max=32)])
    date_of_birth = VNDateField(_l("Date of birth"), validators=[Optional()])
    unit_id = SelectField(_l("Unit"), coerce=str, validators=[Optional()])
    position = StringField(_l("Position"), validators=[Length(max=255)])
    rank = SelectField(_l("Rank (ngạch)"), choices=select_choices(RANK_CHOICES))
    education_level = SelectField(
        _l("Education level"), choices=select_choices(education_choices())
    )
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=255)])


class NewAccountForm(ProfileAdminForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(min=3, max=64)],
        render_kw={"autocomplete": "off"},
    )
    password = PasswordField(
        _l("Initial password (leave empty to generate one)"),
        validators=[Optional()],
        render_kw={"autocomplete": "new-password"},
    )
    role = SelectField(_l("Role"), choices=select_choices(role_choices()))


class GrantForm(LMSForm):
    """Shown below a person's profile form: its own ids keep the two unit lists apart."""

    role = SelectField(
        _l("Role"), choices=select_choices(role_choices(with_learner=False)), id="grant-role"
    )
    unit_id = SelectField(_l("On unit (and every unit below it)"), coerce=str, id="grant-unit")


class UnitForm(LMSForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)])
    kind = SelectField(_l("Kind"), choices=select_choices(unit_kind_choices()))
    parent_id = SelectField(_l("Parent unit"), coerce=str)
    retired = BooleanField(_l("Retired (kept for history, takes no new people)"))


class ConfirmForm(LMSForm):
    """An empty form: a button that changes something still needs its CSRF token."""
