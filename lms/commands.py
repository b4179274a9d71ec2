"""The `lms` command group every host gets (`flask --app HOST lms db upgrade`): db, users and
content here, classes, enrol and quiz from their areas. The standalone console script, which adds
`demo` and `serve`, is `lms.cli`.
"""

import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from flask_migrate import downgrade as migrate_downgrade
from flask_migrate import upgrade as migrate_upgrade
from sqlalchemy import select

from lms import db
from lms.accounts import importing, services
from lms.accounts.models import Account, LearnerProfile, Role, RoleGrant
from lms.api.cli import api_token_group, webhooks_group
from lms.attendance.cli import attendance_group
from lms.certificates.cli import certificates_group, worker
from lms.classes.cli import classes_group, enrol_group
from lms.cli_failures import OneLineFailures
from lms.content import loader as content_loader
from lms.content import staleness
from lms.content.legal import parse_day
from lms.i18n import in_default_language
from lms.quizzes.cli import quiz_group
from lms.records.cli import records_group
from lms.resources import data_dir
from lms.tabular import writing
from lms.tabular.writing import Column, Table
from lms.text import name_sort_key


class LMSGroup(OneLineFailures, AppGroup):
    """The `lms` group a host portal mounts: its commands fail in one line, not a traceback."""


lms_group = LMSGroup("lms", help="Training LMS commands.")
db_group = AppGroup("db", help="Create and upgrade the LMS tables (lms_* only).")
users_group = AppGroup("users", help="Standalone accounts and learner profiles.")
content_group = AppGroup("content", help="Course content folders: check, load, export.")
lms_group.add_command(db_group)
lms_group.add_command(users_group)
lms_group.add_command(content_group)
lms_group.add_command(classes_group)
lms_group.add_command(records_group)
lms_group.add_command(enrol_group)
lms_group.add_command(quiz_group)
lms_group.add_command(certificates_group)
lms_group.add_command(attendance_group)
lms_group.add_command(worker)
lms_group.add_command(api_token_group)
lms_group.add_command(webhooks_group)


def _migrations_dir() -> str:
    return current_app.extensions["lms"].migrations_dir


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply LMS migrations up to REVISION (default: head)."""
    migrate_upgrade(directory=_migrations_dir(), revision=revision)


@db_group.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Revert LMS migrations down to REVISION (default: one step; `base` removes every table)."""
    migrate_downgrade(directory=_migrations_dir(), revision=revision)


def _standalone_only() -> None:
    if not current_app.extensions["lms"].standalone:
        raise click.ClickException(_("Accounts belong to the host portal here; create them there."))


@users_group.command("create")
@click.argument("username")
@click.option("--full-name", required=True, help="Họ và tên.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default="learner")
@click.option("--unit", "unit_code", default="", help="Unit code (needed for roles).")
@click.option("--official-code", default="", help="Mã CBCCVC.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
@in_default_language
def users_create(username, full_name, role, unit_code, official_code, password_stdin) -> None:
    """Create an account with its profile (and its role on --unit)."""
    _standalone_only()
    unit = None
    if unit_code:
        unit = services.find_unit(unit_code)
        if unit is None:
            raise click.ClickException(_("Unknown unit %(c)s.", c=unit_code))
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        generated = False
    else:
        password, generated = services.generate_password(), True
    try:
        account = services.create_person(
            services.NewPerson(
                username=username,
                full_name=full_name,
                password=password,
                role=role,
                unit=unit,
                official_code=official_code or None,
                must_change_password=generated,
            )
        )
    except services.ServiceError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(_("Created %(u)s.", u=account.username))
    if generated:
        click.echo(_("Initial password (must be changed at first log-in): %(p)s", p=password))


@users_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row, write nothing.")
@with_appcontext
@in_default_language
def users_import(path: Path, dry_run: bool) -> None:
    """Import people from a CSV or XLSX file: all rows or none."""
    _standalone_only()
    try:
        rows = importing.read_rows(path)
    except services.ServiceError as error:
        raise click.ClickException(str(error)) from error
    result = importing.validate(rows)
    if result.errors:
        for error in result.errors:
            click.echo(str(error), err=True)
        click.echo(_("Nothing was imported: %(n)d problems.", n=len(result.errors)), err=True)
        sys.exit(1)
    if dry_run:
        click.echo(_("Dry run: %(n)d rows are valid; nothing was written.", n=len(result.people)))
        return
    count = importing.import_people(result)
    db.session.commit()
    click.echo(_("Imported %(n)d people.", n=count))
    if result.generated:
        click.echo(_("Generated initial passwords (hand them out; each must be changed):"))
        columns = (Column("username", "username"), Column("password", "password"))
        rows = [{"username": u, "password": p} for u, p in result.generated.items()]
        writing.write_csv(Table("passwords", columns, lambda: rows), sys.stdout)


@users_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["csv", "table"]), default="table")
@with_appcontext
def users_list(fmt: str) -> None:
    """List people in Vietnamese name order (given name first)."""
    profiles = list(db.session.scalars(select(LearnerProfile)))
    profiles.sort(key=lambda p: name_sort_key(p.full_name))
    usernames = {str(a.id): a for a in db.session.scalars(select(Account))}
    roles: dict[str, list[str]] = {}
    for grant in db.session.scalars(select(RoleGrant)):
        roles.setdefault(grant.user_id, []).append(f"{grant.role}@{grant.unit.code}")
    header = ["user_id", "username", "full_name", "official_code", "unit", "roles", "active"]
    rows = []
    for profile in profiles:
        account = usernames.get(profile.user_id)
        values = [
            profile.user_id,
            account.username if account else "",
            profile.full_name,
            profile.official_code or "",
            profile.unit.code if profile.unit else "",
            " ".join(sorted(roles.get(profile.user_id, []))),
            "" if account is None else ("yes" if account.active else "no"),
        ]
        rows.append(dict(zip(header, values, strict=True)))
    if fmt == "csv":
        columns = tuple(Column(key, key) for key in header)
        writing.write_csv(Table("users", columns, lambda: rows), sys.stdout)
    else:
        for row in rows:
            click.echo("  ".join(row[key] for key in header[1:6] if row[key]))


@content_group.command("check", with_appcontext=False)
@click.argument(
    "paths", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[PATH]..."
)
@click.option("--strict", is_flag=True, help="Treat warnings as problems (exit 1 on any).")
@click.option(
    "--registry",
    "registries",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Another legal-document registry (e.g. the province's decisions); repeatable.",
)
@click.option(
    "--review-months",
    default=staleness.DEFAULT_REVIEW_MONTHS,
    show_default=True,
    type=click.IntRange(min=1),
    help="Warn about modules not reviewed against the law for longer than this.",
)
@click.option(
    "--as-of", "as_of", metavar="DD/MM/YYYY", help="Check as on this day (default: today)."
)
def content_check(
    paths: tuple[Path, ...],
    strict: bool,
    registries: tuple[Path, ...],
    review_months: int,
    as_of: str | None,
) -> None:
    """Check course folders and GIFT banks (default: the shipped ones): `file:line: reason` per
    problem and per warning about stale law. Needs no instance, database or secret key.
    """
    today = parse_day(as_of) if as_of else date.today()
    if today is None:
        raise click.BadParameter(
            f"{as_of!r} is not a date written dd/mm/yyyy", param_hint="--as-of"
        )
    chosen = list(paths) or [data_dir("courses"), data_dir("quizzes")]
    report = staleness.check_content(chosen, list(registries), today, review_months)
    for problem in [*report.problems, *report.warnings]:
        click.echo(str(problem))
    counts = (
        f"{len(report.problems)} problem(s), {len(report.warnings)} warning(s) "
        f"in {report.courses} course(s) and {report.banks} bank(s)"
    )
    if report.problems or (strict and report.warnings):
        click.echo(f"{counts}.", err=True)
        sys.exit(1)
    click.echo(f"{counts}.")


@content_group.command("load")
@click.argument(
    "path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@with_appcontext
@in_default_language
def content_load(path: Path | None) -> None:
    """Load course folders (default: the shipped courses); unchanged courses are left alone."""
    from lms.courses import services as course_services

    path = path or data_dir("courses")
    problems = content_loader.check(path)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    for folder in content_loader.find_courses(path):
        result = course_services.load_source(content_loader.read_course(folder))
        click.echo(f"{result.slug}: {result.outcome} (v{result.version})")
    db.session.commit()


@content_group.command("export")
@click.argument("slug")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def content_export(slug: str, directory: Path) -> None:
    """Write course SLUG's newest published version to DIRECTORY/SLUG in the folder format."""
    from lms.courses import services as course_services

    course = course_services.find_course(slug)
    if course is None:
        raise click.ClickException(f"No course {slug!r}.")
    folder = course_services.export_course(course, directory / slug)
    click.echo(str(folder))
