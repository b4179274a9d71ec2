"""Form pieces shared by every area: the base form `LMSForm` (CSRF, and WTForms' own messages in
the user's language), typed text fields (dates dd/mm/yyyy, times HH:MM, whole numbers) that
answer in the user's language, and choices for select fields.
"""

from datetime import UTC, date, datetime, time
from typing import ClassVar
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, StringField
from wtforms.validators import NumberRange, StopValidation
from wtforms.widgets import TextInput

from lms.config import N_
from lms.i18n import NoSuchDate, format_date, parse_date

#: The built-in messages of the WTForms validators and fields the LMS uses. WTForms ships no
#: Vietnamese, so they are in the LMS catalogue (listed here for extraction, the plural forms
#: as two messages: Vietnamese has one form).
WTFORMS_MESSAGES = (
    N_("This field is required."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Invalid URL."),
    N_("Field must be equal to %(other_name)s."),
    N_("Field must be at least %(min)d character long."),
    N_("Field must be at least %(min)d characters long."),
    N_("Field cannot be longer than %(max)d character."),
    N_("Field cannot be longer than %(max)d characters."),
    N_("Field must be exactly %(max)d character long."),
    N_("Field must be exactly %(max)d characters long."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Invalid value, must be one of: %(values)s."),
    N_("Invalid value, can't be any of: %(values)s."),
    N_("Invalid CSRF Token."),
    N_("CSRF token missing."),
    N_("CSRF failed."),
    N_("CSRF token expired."),
    N_("The CSRF token is missing."),
    N_("The CSRF token is invalid."),
    N_("The CSRF token has expired."),
    N_("The CSRF tokens do not match."),
    N_("Invalid Choice: could not coerce."),
    N_("Not a valid choice."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_("'%(value)s' is not a valid choice for this field."),
    N_("'%(value)s' are not valid choices for this field."),
    N_("Not a valid datetime value."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
)


class CatalogueTranslations:
    """WTForms' messages through the LMS catalogue, in the request's language (Flask-Babel)."""

    def gettext(self, string: str) -> str:
        return gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)


class LMSForm(FlaskForm):
    """Every LMS form: Flask-WTF's CSRF, and WTForms' built-in messages in the user's language
    (Flask-WTF's own I18N looks in WTForms' catalogues, which have no Vietnamese).
    """

    class Meta:
        def get_translations(self, form) -> CatalogueTranslations:
            return CatalogueTranslations()

        def render_field(self, field, render_kw):
            # A page holds several forms: their hidden tokens would all be id="csrf_token".
            if field.type == "CSRFTokenField":
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)


class InputHints:
    """A field whose input gets `input_hints` (keypad, placeholder…); `render_kw` adds to them."""

    input_hints: ClassVar[dict[str, str]] = {}

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {**self.input_hints, **(kwargs.pop("render_kw", {}) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)


class ReadFirst:
    """A field whose unreadable value is its only error (no range check on a value never read)."""

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()


#: The years a date in this LMS may name (births, classes, quiz windows, decisions).
YEAR_MIN, YEAR_MAX = 1900, 2999


class VNDateField(InputHints, StringField):
    """A date typed as dd/mm/yyyy (what Vietnamese officials write), shown the same way."""

    input_hints = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_date(valuelist[0])
            except NoSuchDate as error:
                self.raw_data = valuelist
                raise ValueError(
                    _l("That date does not exist; check the day and month.")
                ) from error
            except ValueError as error:
                self.raw_data = valuelist
                raise ValueError(_l("Write the date as dd/mm/yyyy.")) from error
            if not YEAR_MIN <= self.data.year <= YEAR_MAX:
                # Year 1 or 9999 would overflow when a day becomes UTC moments (a 500).
                self.data, self.raw_data = None, valuelist
                raise ValueError(_l("Give a date between 1900 and 2999."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_date(self.data) if self.data else ""


class WholeNumberField(InputHints, ReadFirst, IntegerField):
    """A whole number in a text box with a numeric keypad, and a message in the user's language."""

    widget = TextInput()
    input_hints = {"inputmode": "numeric", "autocomplete": "off"}

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0].strip())
            except ValueError as error:
                self.raw_data = valuelist
                raise ValueError(_l("Write a whole number.")) from error


class ClockField(InputHints, StringField):
    """A time of day typed as HH:MM (24-hour clock)."""

    input_hints = {"placeholder": "HH:MM", "inputmode": "numeric", "autocomplete": "off"}

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                hours, minutes = (int(part) for part in valuelist[0].strip().split(":"))
                self.data = time(hours, minutes)
            except ValueError as error:
                self.raw_data = valuelist
                raise ValueError(_l("Write the time as HH:MM, e.g. 07:30.")) from error

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""


def within(minimum: float, maximum: float, message=None) -> NumberRange:
    """The range check every typed number gets: both ends, named in the user's language.

    Every number has an upper end: past it a value overflows the database's INTEGER (a 500 on
    PostgreSQL) or makes a setting useless (a time limit of 10¹² minutes failed every start).
    """
    return NumberRange(
        minimum, maximum, message=message or _l("Enter a number from %(min)s to %(max)s.")
    )


def to_utc(day: date | None, clock: time | None, default: time) -> datetime | None:
    """A date and time on the LMS's clock as a UTC moment (None without a date)."""
    if day is None:
        return None
    zone = ZoneInfo(current_app.config["LMS_TIMEZONE"])
    return datetime.combine(day, clock or default, tzinfo=zone).astimezone(UTC)


def select_choices(pairs) -> list[SelectChoice]:
    """Options for a SelectField from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def unit_label(unit) -> str:
    """A unit as a choice names it: indented by its depth in the tree, with its code."""
    return f"{'— ' * max(unit.depth, 0)}{unit.name} ({unit.code})"


def unit_choices(units) -> list[SelectChoice]:
    """Options for the units (in tree order, see `accounts.services.unit_tree`) still in use."""
    return [SelectChoice(str(unit.id), unit_label(unit)) for unit in units if not unit.retired]
