"""`lms api-token create|list|revoke` and `lms webhooks list|deliver`: the command line's side
of the API. It acts for the system (no unit scope applies); messages are in the default
language, and a new token is printed once, alone on the last line.
"""

import sys

import click
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _

from lms import db
from lms.accounts.services import find_unit
from lms.api import tokens
from lms.api.models import ApiToken, Scope
from lms.api.webhooks import delivery, endpoints
from lms.i18n import format_datetime, in_default_language
from lms.tabular import writing
from lms.tabular.writing import Column, Table

api_token_group = AppGroup("api-token", help="API tokens of outside systems.")
webhooks_group = AppGroup("webhooks", help="Webhook endpoints and their deliveries.")


@api_token_group.command("create")
@click.option("--name", required=True, help="Who uses it, e.g. “Hệ thống hồ sơ CBCCVC”.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice([scope.value for scope in Scope]),
    help="What it may do (repeat for several).",
)
@click.option("--unit", "unit_code", default="", help="Unit code (default: the whole tree).")
@with_appcontext
@in_default_language
def create_token(name: str, scopes: tuple[str, ...], unit_code: str) -> None:
    """Create a token; it is printed once, on the last line, and never stored."""
    unit = None
    if unit_code:
        unit = find_unit(unit_code)
        if unit is None:
            raise click.ClickException(_("Unknown unit %(c)s.", c=unit_code))
    try:
        created = tokens.create(name, list(scopes), unit)
    except tokens.TokenError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(
        _(
            "Token “%(n)s” created (id %(i)d; scopes %(s)s; units: %(u)s). Keep it now: it "
            "is shown only this once.",
            n=created.token.name,
            i=created.token.id,
            s=" ".join(created.token.scope_list),
            u=unit.code if unit else _("the whole tree"),
        )
    )
    click.echo(created.secret)


def _token_rows(items: list[ApiToken]) -> list[dict]:
    return [
        {
            "id": str(token.id),
            "name": token.name,
            "prefix": token.prefix + "…",
            "scopes": " ".join(token.scope_list),
            "unit": token.unit.code if token.unit else "*",
            "created": format_datetime(token.created_at),
            "last_used": format_datetime(token.last_used_at),
            "status": "active" if token.active else "revoked",
        }
        for token in items
    ]


TOKEN_COLUMNS = ("id", "name", "prefix", "scopes", "unit", "created", "last_used", "status")


@api_token_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table")
@with_appcontext
def list_tokens(fmt: str) -> None:
    """Every token (never its secret): id, name, first characters, scopes, unit, last use."""
    rows = _token_rows(tokens.all_tokens())
    if fmt == "csv":
        columns = tuple(Column(key, key) for key in TOKEN_COLUMNS)
        writing.write_csv(Table("api-tokens", columns, lambda: rows), sys.stdout)
        return
    for row in rows:
        click.echo("  ".join(row[key] or "-" for key in TOKEN_COLUMNS))


@api_token_group.command("revoke")
@click.argument("token")
@with_appcontext
@in_default_language
def revoke_token(token: str) -> None:
    """Revoke TOKEN (its id, or the name of an active token) at once."""
    found = tokens.find(token)
    if found is None:
        raise click.ClickException(_("No token %(t)s.", t=token))
    try:
        tokens.revoke(found)
    except tokens.TokenError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(_("Token “%(n)s” (id %(i)d) is revoked.", n=found.name, i=found.id))


@webhooks_group.command("list")
@with_appcontext
def list_webhooks() -> None:
    """Live webhook endpoints: id, unit, events, address."""
    for endpoint in endpoints.live_endpoints(None):
        unit = endpoint.unit.code if endpoint.unit else "*"
        click.echo(f"{endpoint.id}  {unit}  {endpoint.events}  {endpoint.url}")


@webhooks_group.command("deliver")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 10_000))
@with_appcontext
@in_default_language
def deliver(limit: int) -> None:
    """Send the webhook deliveries that are due (the background worker does this by itself;
    run it from cron where no worker runs)."""
    report = delivery.deliver_due(limit=limit)
    click.echo(
        _(
            "Delivered: %(d)d; to retry later: %(r)d; given up: %(f)d.",
            d=report.delivered,
            r=report.retrying,
            f=report.failed,
        )
    )
