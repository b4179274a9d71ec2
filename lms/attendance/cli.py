"""`lms attendance export CLASS_CODE --format xlsx|csv|pdf [--session N] [-o FILE]`: the
command-line twin of the attendance downloads (standard output for CSV without -o)."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from lms import db
from lms.attendance import exports, services, sheets
from lms.classes.models import TrainingClass
from lms.i18n import in_default_language
from lms.tabular import writing

attendance_group = AppGroup("attendance", help="Attendance (điểm danh): export lists and sheets.")


@attendance_group.command("export")
@click.argument("class_code")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "pdf"]), required=True)
@click.option(
    "--session", "number", type=click.IntRange(1, 10_000), help="Session number (1 = first)."
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
@in_default_language
def export(class_code: str, fmt: str, number: int | None, output: Path | None) -> None:
    """Export a class's attendance list (or one session's), or its sign-in sheets as PDF."""
    training_class = db.session.scalar(
        select(TrainingClass).where(TrainingClass.code == class_code)
    )
    if training_class is None:
        raise click.ClickException(_("No class %(c)s.", c=class_code))
    session_id = None
    if number is not None:
        sessions = [s for s in services.class_sessions(training_class.id) if s.cancelled_at is None]
        if number > len(sessions):
            raise click.ClickException(_("The class has %(n)d sessions.", n=len(sessions)))
        session_id = sessions[number - 1].id
    if fmt != "csv" and output is None:
        raise click.ClickException(_("Name the file to write with -o."))
    if fmt == "pdf":
        output.write_bytes(sheets.sign_in_sheet(training_class, session_id))
        return
    table = exports.attendance_table(training_class.id, session_id)
    if fmt == "csv":
        if output is None:
            writing.write_csv(table, sys.stdout)
            return
        with output.open("wb") as target:
            for chunk in writing.csv_chunks(table):
                target.write(chunk)
        return
    with output.open("wb") as target:
        writing.write_xlsx(table, target)
