"""`lms records report` (the organizer's report as XLSX or CSV, for a unit and a period) and
`lms records successor` (name the unit that took over a ceased one). The command line acts for
the system: no unit scope applies; messages are in the default language."""

import sys
from datetime import date

import click
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _

from lms import db
from lms.accounts.services import ServiceError, find_unit
from lms.i18n import in_default_language, parse_date
from lms.records import exports, reports, services
from lms.tabular import writing

records_group = AppGroup("records", help="Training records and reports.")


def _unit(code: str):
    unit = find_unit(code)
    if unit is None:
        raise click.ClickException(_("Unknown unit %(c)s.", c=code))
    return unit


def _day(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as error:
        raise click.ClickException(_("Write the date as dd/mm/yyyy.")) from error


@records_group.command("report")
@click.option("--unit", "unit_code", required=True, help="Unit code (its subtree is counted).")
@click.option("--from", "starts_on", required=True, help="First day, dd/mm/yyyy.")
@click.option("--to", "ends_on", required=True, help="Last day, dd/mm/yyyy.")
@click.option(
    "--basis", type=click.Choice([reports.CLASSES, reports.PEOPLE]), default=reports.CLASSES
)
@click.option("--merged", is_flag=True, help="Count ceased units under their successors.")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="csv")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None)
@with_appcontext
@in_default_language
def report(unit_code, starts_on, ends_on, basis, merged, fmt, output) -> None:
    """The report's figures, the same lines as the page and its XLSX."""
    first, last = _day(starts_on), _day(ends_on)
    if first > last:
        raise click.ClickException(_("The period must end after it starts, between 2000 and 2100."))
    result = reports.build(_unit(unit_code), first, last, merged, basis)
    table = exports.report_table(result, result.attendance_measured)
    if fmt == "xlsx":
        if output is None:
            raise click.ClickException(_("Name the XLSX file with -o FILE."))
        with open(output, "wb") as target:
            writing.write_xlsx(table, target)
    elif output is None:
        writing.write_csv(table, sys.stdout)
    else:
        with open(output, "w", encoding="utf-8-sig", newline="") as target:
            writing.write_csv(table, target)


@records_group.command("successor")
@click.argument("ceased_code")
@click.argument("successor_code")
@with_appcontext
@in_default_language
def successor(ceased_code: str, successor_code: str) -> None:
    """Name the unit that took over a ceased one."""
    try:
        services.set_successor(_unit(ceased_code), _unit(successor_code))
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(_("The successor of %(u)s was saved.", u=ceased_code))
