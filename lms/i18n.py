"""Language choice and the Vietnamese formats of dates and numbers (dd/mm/yyyy, 1.719)."""

import functools
import math
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol
from babel.support import NullTranslations
from flask import Flask, current_app, has_request_context, session
from flask.globals import _cv_app
from flask_babel import force_locale, get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

SESSION_KEY = "lms_locale"


def select_locale() -> str:
    """The language chosen with the switch, else Vietnamese (not the browser's language).

    Outside a request (a CLI command, a job) there is no switch: the default language speaks.
    """
    chosen = session.get(SESSION_KEY) if has_request_context() else None
    if chosen in current_app.config["LMS_LANGUAGES"]:
        return chosen
    return current_app.config["LMS_DEFAULT_LOCALE"]


#: Flask-Babel's per-request namespace on `flask.g`, and this module's memo in it.
BABEL_STATE = "_flask_babel"
TRANSLATIONS_MEMO = "lms_translations"


def _babel_state():
    """Flask-Babel's per-request namespace, read from the app context itself (`flask.g` without
    the proxy's cost: this runs for every string a page translates)."""
    context = _cv_app.get(None)
    return None if context is None else context.g.__dict__.get(BABEL_STATE)


def translations() -> NullTranslations:
    """Flask-Babel's catalogue for this request, found once per request and language.

    Flask-Babel looks it up anew on every string (three context lookups and the locale's name,
    about 20 µs), and a quiz page translates some forty strings. The memo sits in Flask-Babel's
    own per-request namespace, tied to the locale object there: `force_locale` swaps that object
    (and puts it back), so a forced language is obeyed and then left. Where the namespace is not
    found (another Flask-Babel version), every call simply takes Flask-Babel's own path.
    """
    state = _babel_state()
    if state is not None:
        memo = getattr(state, TRANSLATIONS_MEMO, None)
        if memo is not None and memo[0] is getattr(state, "babel_locale", None):
            return memo[1]
    found = get_translations()
    state = _babel_state()
    locale = getattr(state, "babel_locale", None)
    if locale is not None:
        setattr(state, TRANSLATIONS_MEMO, (locale, found))
    return found


def gettext(string: str, **variables) -> str:
    """Flask-Babel's `gettext`, through the per-request catalogue (`translations`)."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def install_template_gettext(app: Flask) -> None:
    """Templates' `_()` and `{% trans %}` through the per-request catalogue (the callables
    Flask-Babel installs, with `translations()` in place of its lookup on every string)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: translations().ugettext(string),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: translations().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    # `_()` and `{% trans %}` straight to the catalogue: Jinja's own newstyle wrapper reaches it
    # through three context calls per string; this does what that wrapper does in one.
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext)


@pass_context
def _template_gettext(context, string: str, **variables) -> str:
    """A template's `_()`, as Jinja's newstyle gettext does it: Markup where the template
    autoescapes, and always formatted (so "%%" reads "%", and variables are escaped)."""
    text = translations().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    # Without variables or a "%", formatting would give the text back: Markup's `%` escapes
    # and copies all the same, and a quiz page asks for some thirty such strings.
    if not variables and "%" not in text:
        return text
    return text % variables


def current_language() -> str:
    # The request's locale as Flask-Babel keeps it, read without its `g` proxies (a page asks
    # twice or more: its menu's memo key, its number formats); chosen by Flask-Babel if not yet.
    locale = getattr(_babel_state(), "babel_locale", None) or get_locale()
    return locale.language if locale else current_app.config["LMS_DEFAULT_LOCALE"]


def format_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy in every language (Vietnamese practice, and unambiguous)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value)
    return value.strftime("%d/%m/%Y")


def local_time(value: datetime) -> datetime:
    return value.astimezone(ZoneInfo(current_app.config["LMS_TIMEZONE"]))


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return local_time(value).strftime("%d/%m/%Y %H:%M")


def format_number(value: int | float | None, digits: int = 0) -> str:
    """1.719 and 62,8 in Vietnamese; 1,719 and 62.8 in English."""
    if value is None:
        return ""
    if not math.isfinite(value):
        return format_decimal(value, format=_pattern(digits), locale=current_language())
    decimal_sign, group_sign = _number_signs(current_language())
    # As babel's format_decimal rounds: the value's decimal text, half to even (with room for a
    # float's 309 digits, where babel's 28-digit context would fail).
    exponent = Decimal(1).scaleb(-digits)
    rounded = Decimal(str(value)).quantize(exponent, ROUND_HALF_EVEN, Context(prec=400))
    if rounded.is_zero():
        rounded = rounded.copy_abs()  # -0.04 to one decimal is "0,0", never "-0,0"
    text = f"{rounded:,.{digits}f}"
    return text.replace(",", "\0").replace(".", decimal_sign).replace("\0", group_sign)


def _pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits else "")


@functools.cache
def _number_signs(language: str) -> tuple[str, str]:
    """The language's decimal and group signs, read once: babel looks them up in the locale's
    data on every number it formats (about 25 us each, four per number, on a page of quiz
    marks)."""
    locale = Locale.parse(language)
    return get_decimal_symbol(locale), get_group_symbol(locale)


class NoSuchDate(ValueError):
    """Written right (dd/mm/yyyy) but no day of the calendar, such as 31/02/1990: the reader
    is told the date does not exist, not to use a format they already used."""


def parse_date(text: str) -> date:
    """Read dd/mm/yyyy (leading zeros optional) or ISO yyyy-mm-dd; ValueError otherwise, and
    NoSuchDate (a ValueError) for a well-written day that does not exist."""
    text = text.strip()
    if "/" not in text:
        return date.fromisoformat(text)
    day, month, year = (int(part) for part in text.split("/"))
    try:
        return date(year, month, day)
    except ValueError as error:
        raise NoSuchDate(text) from error


def in_default_language(command):
    """Run a CLI command in the LMS's default language, so its messages are Vietnamese."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with force_locale(current_app.config["LMS_DEFAULT_LOCALE"]):
            return command(*args, **kwargs)

    return wrapper


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(
        vdate=format_date, vdatetime=format_datetime, vnumber=format_number
    )
    app.jinja_env.globals.update(lms_language=current_language)
