"""The `lms` command line: `lms demo|serve` for the standalone app, and the `lms` group that a
host portal also gets (`flask --app HOST lms db upgrade`).
"""

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, ScriptInfo, with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_migrate import downgrade as migrate_downgrade
from flask_migrate import upgrade as migrate_upgrade
from sqlalchemy import select, text

from lms import config, db
from lms.accounts import importing, services
from lms.accounts.models import Account, LearnerProfile, Role, RoleGrant
from lms.classes.cli import classes_group, enrol_group
from lms.cli_failures import OneLineFailures, failure_line
from lms.content import loader as content_loader
from lms.i18n import in_default_language
from lms.quizzes.cli import quiz_group
from lms.resources import data_dir
from lms.tabular import writing
from lms.tabular.writing import Column, Table
from lms.text import name_sort_key


class LMSGroup(OneLineFailures, AppGroup):
    """The `lms` group a host portal mounts: its commands fail in one line, not a traceback."""


class LMSCommandLine(OneLineFailures, FlaskGroup):
    """The standalone `lms` command, failing the same way."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        # Flask builds the app to list its commands and prints the traceback if it cannot.
        try:
            ctx.ensure_object(ScriptInfo).load_app()
        except Exception as error:
            click.echo(failure_line(error), err=True)
            return sorted(self.commands)
        return super().list_commands(ctx)


lms_group = LMSGroup("lms", help="Training LMS commands.")
db_group = AppGroup("db", help="Create and upgrade the LMS tables (lms_* only).")
users_group = AppGroup("users", help="Standalone accounts and learner profiles.")
content_group = AppGroup("content", help="Course content folders: check, load, export.")
lms_group.add_command(db_group)
lms_group.add_command(users_group)
lms_group.add_command(content_group)
lms_group.add_command(classes_group)
lms_group.add_command(enrol_group)
lms_group.add_command(quiz_group)


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


@content_group.command("check")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
def content_check(path: Path) -> None:
    """Check a course folder (or a folder of courses); print `file:line: reason` per problem."""
    problems = content_loader.check(path)
    for problem in problems:
        click.echo(str(problem))
    courses = content_loader.find_courses(path)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {len(courses)} course(s).", err=True)
        sys.exit(1)
    click.echo(f"{len(courses)} course(s), no problems.")


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


# --- standalone-only commands ----------------------------------------------------------------


def _standalone_app() -> Flask:
    from lms.app import create_app

    return create_app()


#: A TCP port; gunicorn would otherwise fail on 99999 after it has started.
PORT = click.IntRange(1, 65535)


def serve_app(host: str, port: int, workers: int) -> None:
    """Serve the standalone app with gunicorn (each worker builds its own app)."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")

        def load(self):
            return _standalone_app()

    Server().run()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=PORT)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Serve an existing instance with gunicorn (production WSGI server)."""
    app = _standalone_app()
    # Refuse to start (one line, exit 1) rather than serve 503s from a database that is not there.
    with app.app_context():
        db.session.execute(text("SELECT 1"))
    serve_app(host, port, workers)


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Prepare the demo, do not serve it.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=PORT)
def demo(no_serve: bool, host: str, port: int) -> None:
    """Create the database and demo data, print the demo log-ins, and serve the site."""
    from lms import demo as demo_data

    instance = Path(Flask("lms", instance_path=config.instance_path()).instance_path)
    config.create_secret_key_file(instance)
    app = _standalone_app()
    with app.app_context(), force_locale(app.config["LMS_DEFAULT_LOCALE"]):
        migrate_upgrade(directory=app.extensions["lms"].migrations_dir)
        passwords = demo_data.seed()
        db.session.commit()
        click.echo(_("Instance folder: %(p)s", p=app.instance_path))
        if passwords:
            click.echo(_("Demo log-ins (shown only this once):"))
            for username, password in passwords.items():
                click.echo(f"  {username:<10} {password}")
        else:
            click.echo(_("The demo data already exists; passwords are unchanged."))
        for line in demo_data.summary():
            click.echo(line)
    if not no_serve:
        click.echo(_("Serving on http://%(h)s:%(p)d", h=host, p=port))
        serve_app(host, port, workers=2)


def build_cli() -> FlaskGroup:
    """The standalone `lms` command: the shared `lms` group's commands plus demo and serve."""
    group = LMSCommandLine(
        create_app=_standalone_app,
        add_version_option=False,
        help="Training LMS for civil servants' administrative-reform skills.",
    )
    for name, command in lms_group.commands.items():
        group.add_command(command, name)
    group.add_command(demo)
    group.add_command(serve)
    return group


def main() -> None:
    """Entry point of the `lms` console script."""
    try:
        build_cli().main(prog_name="lms")
    except config.ConfigError as error:
        # Outside any command (Flask building the app to list the commands, say).
        click.echo(failure_line(error), err=True)
        sys.exit(1)
