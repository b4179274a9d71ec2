"""Forms of the accounts area (log-in, password, profile)."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from lms.accounts.services import MIN_PASSWORD_LENGTH
from lms.forms import LMSForm, VNDateField, select_choices


def education_choices() -> list[tuple[str, str]]:
    return [
        ("", _l("— not stated —")),
        ("tien-si", _l("Doctorate")),
        ("thac-si", _l("Master's degree")),
        ("dai-hoc", _l("University degree")),
        ("cao-dang", _l("College")),
        ("trung-cap", _l("Intermediate vocational")),
        ("so-cap", _l("Elementary vocational")),
        ("khac", _l("Other")),
    ]


RANK_CHOICES = [
    ("", _l("— not stated —")),
    ("chuyen-vien-cao-cap", _l("Senior principal officer (chuyên viên cao cấp)")),
    ("chuyen-vien-chinh", _l("Principal officer (chuyên viên chính)")),
    ("chuyen-vien", _l("Officer (chuyên viên)")),
    ("can-su", _l("Assistant officer (cán sự)")),
    ("nhan-vien", _l("Staff (nhân viên)")),
]


class LoginForm(LMSForm):
    username = StringField(
        _l("Username"), validators=[DataRequired()], render_kw={"autocomplete": "username"}
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordForm(LMSForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class ProfileForm(LMSForm):
    """Fields a person may correct in their own profile; unit and code are set by organizers."""

    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(), Length(max=255)],
        render_kw={"autocomplete": "name"},
    )
    date_of_birth = VNDateField(_l("Date of birth"), validators=[Optional()])
    position = StringField(_l("Position"), validators=[Length(max=255)])
    rank = SelectField(_l("Rank (ngạch)"), choices=select_choices(RANK_CHOICES))
    education_level = SelectField(
        _l("Education level"), choices=select_choices(education_choices())
    )
    email = StringField(
        _l("E-mail"), validators=[Optional(), Length(max=255)], render_kw={"autocomplete": "email"}
    )


def role_label(role: str) -> str:
    labels = {
        "learner": _l("Learner"),
        "trainer": _l("Trainer"),
        "organizer": _l("Organizer"),
        "admin": _l("Administrator"),
    }
    return str(labels.get(role, role))


def rank_label(value: str) -> str:
    return str(dict(RANK_CHOICES).get(value, value)) if value else ""


def education_label(value: str) -> str:
    return str(dict(education_choices()).get(value, value)) if value else ""
