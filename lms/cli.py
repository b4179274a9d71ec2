"""The `lms` console script of the standalone app: the host group's commands (`lms.commands`)
plus `lms demo` and `lms serve`.
"""

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, ScriptInfo
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_migrate import upgrade as migrate_upgrade
from sqlalchemy import text

from lms import config, db
from lms.app import create_app
from lms.cli_failures import OneLineFailures, failure_line
from lms.commands import lms_group
from lms.gunicorn_conf import HOOKS


class LMSCommandLine(OneLineFailures, AppGroup):
    """The standalone `lms` command: the LMS's commands only, each failing in one line. Flask's
    generic options and commands (--app, run, shell, routes...) stay under `flask --app lms`;
    listing the commands builds no app, so `lms --help` needs no instance or secret key.
    """

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        # What FlaskGroup gives its commands: `with_appcontext` builds the app from this.
        extra.setdefault("obj", ScriptInfo(create_app=create_app, set_debug_flag=False))
        return super().make_context(info_name, args, parent=parent, **extra)


#: Runs `lms worker` in a child process (the console script may not be on the PATH).
WORKER_COMMAND = "from lms.cli import main; main()"

#: A TCP port; gunicorn would otherwise fail on 99999 after it has started.
PORT = click.IntRange(1, 65535)


#: gunicorn's control socket file, kept in the instance folder it serves.
CONTROL_SOCKET = "gunicorn.ctl"
#: Longest Unix socket path the kernel takes (sun_path is 108 bytes on Linux, with its NUL).
SOCKET_PATH_MAX = 107


def control_socket_settings(instance: Path) -> dict:
    """gunicorn's control socket (`gunicornc`) in the instance folder, never the shared default
    in the home folder that every instance on the machine would fight over; off where the folder
    is missing or its path is too long for a socket.
    """
    socket = instance / CONTROL_SOCKET
    if instance.is_dir() and len(str(socket).encode()) <= SOCKET_PATH_MAX:
        return {"control_socket": str(socket)}
    return {"control_socket_disable": True}


def serve_app(host: str, port: int, workers: int, job_worker: bool = True) -> None:
    """Serve the standalone app with gunicorn (each worker builds its own app), and beside it
    an `lms worker` for the background jobs when `job_worker` (started once gunicorn is ready,
    stopped when it exits)."""
    from gunicorn.app.base import BaseApplication

    consumers: list[subprocess.Popen] = []
    instance = Path(Flask("lms", instance_path=config.instance_path()).instance_path)

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
            for name, value in {**HOOKS, **control_socket_settings(instance)}.items():
                self.cfg.set(name, value)

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


def build_cli() -> LMSCommandLine:
    """The standalone `lms` command: the shared `lms` group's commands plus demo and serve."""
    group = LMSCommandLine(
        "lms",
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
