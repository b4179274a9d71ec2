"""How a failing `lms` command ends: one line in the LMS's default language on standard error and
exit status 1, never a traceback. `FLASK_DEBUG=1` lets the traceback through for whoever debugs.

The line is translated without the app, because building the app may be what failed (a database
URL that does not parse, say).
"""

import os
import zipfile

import click
from babel.support import Translations
from flask import Flask
from flask.cli import ScriptInfo
from flask.helpers import get_debug_flag
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from lms.config import DEFAULTS, ConfigError
from lms.resources import PACKAGE_DIR

TRANSLATIONS_DIR = PACKAGE_DIR / "translations"
#: Raised by click itself to end a command on purpose; they pass through untouched.
CLICK_ENDINGS = (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort)


class OneLineFailures:
    """Mixed into the `lms` command groups: an error in any of their commands prints one line."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CLICK_ENDINGS:
            raise
        except Exception as error:
            if get_debug_flag():
                raise
            click.echo(failure_line(error, _loaded_app(ctx)), err=True)
            ctx.exit(1)


def _loaded_app(ctx: click.Context) -> Flask | None:
    """The app the command ran with, if it could be built (Flask keeps it in the ScriptInfo)."""
    info = ctx.find_object(ScriptInfo)
    if info is None:
        return None
    try:
        return info.load_app()
    except Exception:
        return None


def failure_line(error: Exception, app: Flask | None = None) -> str:
    """What went wrong, in one line an operator can act on, in the default language."""
    language = (app.config.get("LMS_DEFAULT_LOCALE") if app else None) or os.environ.get(
        "LMS_DEFAULT_LOCALE", DEFAULTS["LMS_DEFAULT_LOCALE"]
    )
    gettext = Translations.load(str(TRANSLATIONS_DIR), [language]).gettext
    if isinstance(error, ConfigError):
        return gettext(error.message) % error.values if error.values else gettext(error.message)
    if isinstance(error, ArgumentError):
        return gettext("The database URL (LMS_DATABASE_URL) is not valid: %(reason)s") % {
            "reason": _first_line(error)
        }
    if isinstance(error, DBAPIError):
        return gettext("The database at %(url)s cannot be used: %(reason)s") % {
            "url": _database_url(app),
            "reason": _first_line(error.orig or error),
        }
    if isinstance(error, OSError) and error.filename is not None:
        return gettext("Cannot use the file %(path)s: %(reason)s") % {
            "path": error.filename,
            "reason": error.strerror or _first_line(error),
        }
    if isinstance(error, UnicodeError):
        return gettext("The file is not UTF-8 text; save it as UTF-8 and try again.")
    if isinstance(error, zipfile.BadZipFile):
        return gettext("The file is not a valid XLSX workbook.")
    return gettext("The command failed: %(reason)s") % {
        "reason": f"{type(error).__name__}: {_first_line(error)}"
    }


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _database_url(app: Flask | None) -> str:
    url = (app.config.get("SQLALCHEMY_DATABASE_URI") if app else None) or os.environ.get(
        "LMS_DATABASE_URL", ""
    )
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "?"
