"""Forms of the question-bank pages: a new bank, categories, moving questions, import (and the
signed token its confirm step carries), and the fields every question has (each type's own
fields are added in `lms.quizzes.bank.editor`).
"""

import unicodedata

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from lms.accounts.services import ServiceError
from lms.content.fields import SLUG
from lms.forms import InputHints, LMSForm, select_choices, within
from lms.quizzes.formats import FORMATS
from lms.quizzes.types import format_number, parse_number
from lms.routing import coerce_id

#: Longest question text the editor accepts (a long case study and then some).
MAX_STEM_CHARS = 50_000
#: A question's default mark goes no higher than a quiz slot's (see `manage.slots.MAX_MARK`).
MAX_MARK = 1000
#: Import formats by name, as the import form offers them.
FORMAT_LABELS = {"gift": "GIFT", "moodlexml": "Moodle XML", "aiken": "Aiken"}


def clean_text(text: str | None) -> str:
    """Text as the importers store it: NFC, Unix line ends, no space around it."""
    return unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n")).strip()


class NumberField(InputHints, StringField):
    """A number typed with "," or "." as decimal mark (1,5 or 1.5), shown without trailing zeros."""

    input_hints = {"inputmode": "decimal", "autocomplete": "off"}

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            self.data = parse_number(valuelist[0])
            if self.data is None:
                self.raw_data = valuelist
                raise ValueError(_l("Write a number, such as 1 or 0,5."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_number(self.data) if self.data is not None else ""


class BankForm(LMSForm):
    slug = StringField(
        _l("Short name"),
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(f"^{SLUG.pattern}$", message=_l("Use lowercase letters, digits and hyphens.")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=255)])
    owner_unit_id = SelectField(_l("Maintained by"), validators=[DataRequired()])


class CategoryForm(LMSForm):
    parent = SelectField(_l("Under"), validators=[Optional()], validate_choice=False)
    name = StringField(_l("Name of the new category"), validators=[DataRequired(), Length(max=120)])


class RenameCategoryForm(LMSForm):
    """Shown beside `CategoryForm`: its own ids keep the two `name` fields and labels apart."""

    path = SelectField(
        _l("Category"), validators=[DataRequired()], validate_choice=False, id="rename-path"
    )
    name = StringField(
        _l("New name"), validators=[DataRequired(), Length(max=120)], id="rename-name"
    )


class MoveForm(LMSForm):
    questions = SelectMultipleField(coerce=coerce_id, validate_choice=False)
    target = SelectField(_l("Move the ticked questions to"), validate_choice=False)


class ImportForm(LMSForm):
    file = FileField(_l("Question file"), validators=[FileRequired()])
    format = SelectField(
        _l("Format"),
        choices=select_choices((name, FORMAT_LABELS[name]) for name in FORMATS),
        default="gift",
    )
    category = SelectField(_l("Put every question in"))


class ConfirmImportForm(LMSForm):
    """The confirm step of an import: the previewed file's text travels in a signed token."""

    token = HiddenField(validators=[DataRequired()])


#: How long a preview may be confirmed.
IMPORT_TOKEN_MAX_AGE = 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="lms.banks.import")


def sign_import(payload: dict) -> str:
    """Sign a preview (bank, actor, format, file name, category, text) for the confirm step."""
    return _serializer().dumps(payload)


def read_import(token: str, bank_id: int, actor_id: str) -> dict:
    """A preview this user signed for this bank; a foreign, altered or expired one is refused."""
    try:
        payload = _serializer().loads(token, max_age=IMPORT_TOKEN_MAX_AGE)
    except SignatureExpired as error:
        raise ServiceError(_("The preview expired; upload the file again.")) from error
    except BadSignature as error:
        raise ServiceError(_("The preview is not valid; upload the file again.")) from error
    if payload.get("bank") != bank_id or payload.get("actor") != actor_id:
        raise ServiceError(_("The preview is not valid; upload the file again."))
    return payload


class QuestionForm(LMSForm):
    """What every question has; `lms.quizzes.bank.editor` subclasses it with a type's own fields."""

    category = SelectField(_l("Category"), validators=[DataRequired()])
    name = StringField(
        _l("Question title"),
        validators=[DataRequired(), Length(max=255)],
        description=_l("Trainers see it in lists; imports find the question again by it."),
    )
    stem = TextAreaField(
        _l("Question text (Markdown)"),
        validators=[DataRequired(), Length(max=MAX_STEM_CHARS)],
        render_kw={"rows": 8, "spellcheck": "true", "data-preview-source": ""},
    )
    general_feedback = TextAreaField(
        _l("General feedback"),
        validators=[Length(max=MAX_STEM_CHARS)],
        description=_l("Shown to every learner after the attempt, whatever they answered."),
        render_kw={"rows": 3},
    )
    default_mark = NumberField(
        _l("Default mark"), validators=[InputRequired(), within(0, MAX_MARK)], default=1.0
    )
