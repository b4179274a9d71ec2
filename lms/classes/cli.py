"""`lms classes create|list` and `lms enrol import`: the command-line twins of the organizer
pages. The command line acts for the system: no unit scope applies, and every rule the pages
check still does. Messages are in the LMS's default language.
"""

import sys
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms import db
from lms.accounts.models import Unit
from lms.accounts.services import ServiceError, find_unit
from lms.classes import importing, services
from lms.classes.enrolment import enrolled_counts
from lms.classes.models import ClassMode, EnrolmentSource, TrainingClass
from lms.courses.services import current_version, find_course
from lms.i18n import NoSuchDate, format_date, parse_date
from lms.tabular import writing
from lms.tabular.writing import Column, Table

classes_group = AppGroup("classes", help="Classes (lớp): create and list.")
enrol_group = AppGroup("enrol", help="Enrol officials in classes.")


def _in_default_language(command: Callable) -> Callable:
    @wraps(command)
    def wrapper(*args, **kwargs):
        with force_locale(current_app.config["LMS_DEFAULT_LOCALE"]):
            return command(*args, **kwargs)

    return wrapper


class VNDate(click.ParamType):
    """A dd/mm/yyyy date on the command line."""

    name = "dd/mm/yyyy"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_date(value)
        except NoSuchDate:
            self.fail(f"{value!r} is not a day of the calendar", param, ctx)
        except ValueError:
            self.fail(f"{value!r} is not a date written dd/mm/yyyy", param, ctx)


def _organizing_unit(code: str) -> Unit:
    if code:
        unit = find_unit(code)
        if unit is None:
            raise click.ClickException(_("Unknown unit %(c)s.", c=code))
        return unit
    tops = list(db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)).limit(2)))
    if len(tops) != 1:
        raise click.ClickException(_("Name the organizing unit with --unit."))
    return tops[0]


@classes_group.command("create")
@click.option("--code", required=True, help="Class code, e.g. MC-2025-01.")
@click.option("--name", required=True, help="Class name.")
@click.option("--course", "slug", required=True, help="Course slug (its current version).")
@click.option("--unit", "unit_code", default="", help="Organizing unit code (default: the root).")
@click.option("--mode", type=click.Choice([m.value for m in ClassMode]), default="blended")
@click.option("--starts", type=VNDate(), help="First day (dd/mm/yyyy).")
@click.option("--ends", type=VNDate(), help="Last day (dd/mm/yyyy).")
@click.option("--location", default="")
@click.option("--capacity", type=int, help="Most learners at once (default: no limit).")
@click.option("--enrol-opens", type=VNDate())
@click.option("--enrol-closes", type=VNDate())
@click.option("--decision-number", default="", help="e.g. 123/QĐ-UBND.")
@click.option("--decision-date", type=VNDate())
@click.option("--decision-issuer", default="", help="e.g. Ủy ban nhân dân tỉnh …")
@click.option("--self-enrol/--no-self-enrol", default=False)
@with_appcontext
@_in_default_language
def create(**options) -> None:
    """Open a class of a course's current published version."""
    course = find_course(options["slug"])
    version = current_version(course) if course is not None else None
    if version is None:
        raise click.ClickException(
            _("No published course %(s)s.", s=options["slug"]),
        )
    data = services.ClassData(
        code=options["code"],
        name=options["name"],
        course_version=version,
        unit=_organizing_unit(options["unit_code"]),
        mode=options["mode"],
        starts_on=options["starts"],
        ends_on=options["ends"],
        location=options["location"],
        capacity=options["capacity"],
        enrol_opens_on=options["enrol_opens"],
        enrol_closes_on=options["enrol_closes"],
        decision_number=options["decision_number"],
        decision_date=options["decision_date"],
        decision_issuer=options["decision_issuer"],
        self_enrol=options["self_enrol"],
    )
    try:
        training_class = services.create_class(data)
    except services.ClassInvalid as error:
        db.session.rollback()
        for message in error.problems.values():
            click.echo(message, err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(_("Class %(c)s opened.", c=training_class.code))


LIST_HEADER = [
    "code",
    "name",
    "course",
    "version",
    "unit",
    "mode",
    "starts_on",
    "ends_on",
    "enrolled",
    "capacity",
]


@classes_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table")
@with_appcontext
def list_classes(fmt: str) -> None:
    """List every class with its course, dates and how many are enrolled."""
    classes = list(db.session.scalars(select(TrainingClass).order_by(TrainingClass.code)))
    counts = enrolled_counts([c.id for c in classes])
    rows = [
        [
            c.code,
            c.name,
            c.course_version.course.slug,
            str(c.course_version.number),
            c.unit.code,
            c.mode,
            format_date(c.starts_on),
            format_date(c.ends_on),
            str(counts.get(c.id, 0)),
            "" if c.capacity is None else str(c.capacity),
        ]
        for c in classes
    ]
    if fmt == "csv":
        columns = tuple(Column(key, key) for key in LIST_HEADER)
        records = [dict(zip(LIST_HEADER, row, strict=True)) for row in rows]
        writing.write_csv(Table("classes", columns, lambda: records), sys.stdout)
        return
    for row in rows:
        seats = f"{row[8]}/{row[9]}" if row[9] else row[8]
        click.echo(f"{row[0]:<16} {row[1]}  [{row[2]} v{row[3]}, {row[4]}, {seats}]")


@enrol_group.command("import")
@click.argument("class_code")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row, write nothing.")
@with_appcontext
@_in_default_language
def import_enrolments(class_code: str, path: Path, dry_run: bool) -> None:
    """Enrol the people of a CSV or XLSX file (column official_code or username): all or none."""
    training_class = services.find_class(class_code)
    if training_class is None:
        raise click.ClickException(_("No class %(c)s.", c=class_code))
    try:
        plan = importing.plan_rows(training_class, importing.read_file(path), scope=None)
    except ServiceError as error:
        raise click.ClickException(str(error)) from error
    if plan.problems:
        for problem in plan.problems:
            click.echo(str(problem), err=True)
        click.echo(_("Nothing was enrolled: %(n)d problems.", n=len(plan.problems)), err=True)
        sys.exit(1)
    if dry_run:
        click.echo(_("Dry run: %(n)d rows are valid; nothing was written.", n=len(plan.planned)))
        return
    count = importing.apply_plan(training_class, plan, EnrolmentSource.IMPORT)
    db.session.commit()
    click.echo(_("%(n)d people enrolled in %(c)s.", n=count, c=training_class.code))
