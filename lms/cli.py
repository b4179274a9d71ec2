"""The `lms` console script of the standalone app: the host group's commands (`lms.commands`)
plus `lms demo` and `lms serve`.
"""

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_migrate import upgrade as migrate_upgrade
from sqlalchemy import text

from lms import config, db
from lms.app import create_app
from lms.cli_failures import OneLineFailures, failure_line
from lms.commands import lms_group


class LMSCommandLine(OneLineFailures, FlaskGroup):
    """The standalone `lms` command: its commands fail in one line, not a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        # Flask builds the app to list its commands and prints the traceback if it cannot.
        try:
            ctx.ensure_object(ScriptInfo).load_app()
        except Exception as error:
            click.echo(failure_line(error), err=True)
            return sorted(self.commands)
        return super().list_commands(ctx)


#: Runs `lms worker` in a child process (the console script may not be on the PATH).
WORKER_COMMAND = "from lms.cli import main; main()"

#: A TCP port; gunicorn would otherwise fail on 99999 after it has started.
PORT = click.IntRange(1, 65535)


def serve_app(host: str, port: int, workers: int, job_worker: bool = True) -> None:
    """Serve the standalone app with gunicorn (each worker builds its own app), and beside it
    an `lms worker` for the background jobs when `job_worker` (started once gunicorn is ready,
    stopped when it exits)."""
    from gunicorn.app.base import BaseApplication

    consumers: list[subprocess.Popen] = []

    def start_consumer(server) -> None:
        if job_worker:
            consumers.append(subprocess.Popen([sys.executable, "-c", WORKER_COMMAND, "worker"]))

    def stop_consumer(server) -> None:
        for consumer in consumers:
            consumer.terminate()
            consumer.wait(timeout=30)

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("when_ready", start_consumer)
            self.cfg.set("on_exit", stop_consumer)

        def load(self):
            return create_app()

    Server().run()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=PORT)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--job-worker/--no-job-worker",
    default=None,
    help="Start `lms worker` beside the web workers (default: yes, unless LMS_REDIS_URL is set).",
)
def serve(host: str, port: int, workers: int, job_worker: bool | None) -> None:
    """Serve an existing instance with gunicorn (production WSGI server)."""
    app = create_app()
    # Refuse to start (one line, exit 1) rather than serve 503s from a database that is not there.
    with app.app_context():
        db.session.execute(text("SELECT 1"))
    if job_worker is None:
        job_worker = not app.config.get("LMS_REDIS_URL")
    serve_app(host, port, workers, job_worker)


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Prepare the demo, do not serve it.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=PORT)
def demo(no_serve: bool, host: str, port: int) -> None:
    """Create the database and demo data, print the demo log-ins, and serve the site."""
    from lms import demo as demo_data
    from lms.demo.api import seed_api_token

    instance = Path(Flask("lms", instance_path=config.instance_path()).instance_path)
    config.create_secret_key_file(instance)
    app = create_app()
    with app.app_context(), force_locale(app.config["LMS_DEFAULT_LOCALE"]):
        migrate_upgrade(directory=app.extensions["lms"].migrations_dir)
        passwords = demo_data.seed(app.config.get("LMS_PUBLIC_URL") or f"http://{host}:{port}")
        api_token = seed_api_token()
        db.session.commit()
        click.echo(_("Instance folder: %(p)s", p=app.instance_path))
        if passwords:
            click.echo(_("Demo log-ins (shown only this once):"))
            for username, password in passwords.items():
                click.echo(f"  {username:<10} {password}")
        else:
            click.echo(_("The demo data already exists; passwords are unchanged."))
        if api_token:
            click.echo(
                _(
                    "Demo API token for the qualification-records system (shown only this "
                    "once; every scope, the whole unit tree), e.g. curl -H "
                    '"Authorization: Bearer <token>" http://%(h)s:%(p)d/api/v1/certificates:',
                    h=host,
                    p=port,
                )
            )
            click.echo(f"  {api_token}")
        for line in demo_data.summary():
            click.echo(line)
    if not no_serve:
        click.echo(_("Serving on http://%(h)s:%(p)d", h=host, p=port))
        serve_app(host, port, workers=2, job_worker=not app.config.get("LMS_REDIS_URL"))


def build_cli() -> FlaskGroup:
    """The standalone `lms` command: the shared `lms` group's commands plus demo and serve."""
    group = LMSCommandLine(
        create_app=create_app,
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
