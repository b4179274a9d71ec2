"""The admin's pages for the API: tokens (list, create — shown once —, revoke) and webhook
endpoints (list, create — secret shown once —, delete) with their delivery logs, each within
the admin's own unit subtrees. A token or endpoint on the whole tree belongs to the admins of
a top unit.
"""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms import db
from lms.accounts import services as accounts
from lms.accounts.models import Role, Unit
from lms.accounts.permissions import scope_units
from lms.api import tokens
from lms.api.forms import ActionForm, TokenForm, WebhookForm
from lms.api.models import ApiToken, WebhookDelivery, WebhookEndpoint
from lms.api.webhooks import endpoints
from lms.api.webhooks.targets import TargetError
from lms.forms import select_choices, unit_label
from lms.routing import parse_id
from lms.security import access

bp = Blueprint("api_admin", __name__, url_prefix="/admin/api")

ADMIN = Role.ADMIN
#: The unit choice meaning "the whole tree".
WHOLE_TREE = "*"


def _actor() -> str:
    return str(current_user.get_id())


def _covers(unit: Unit | None) -> bool:
    """True when the admin's scope holds `unit` (None, the whole tree: admins of a top unit)."""
    tops = scope_units(ADMIN)
    if unit is None:
        return any(top.parent_id is None for top in tops)
    return any(top.contains(unit) for top in tops)


def _unit_choices():
    tops = scope_units(ADMIN)
    pairs = []
    if any(top.parent_id is None for top in tops):
        pairs.append((WHOLE_TREE, _("The whole unit tree")))
    pairs += [(str(u.id), unit_label(u)) for u in accounts.unit_tree(tops) if not u.retired]
    return select_choices(pairs)


def _chosen_unit(value: str) -> Unit | None:
    """The unit picked in a form (None for the whole tree), checked against the admin's scope."""
    if value == WHOLE_TREE:
        unit = None
    else:
        unit_id = parse_id(value)
        unit = db.session.get(Unit, unit_id) if unit_id else None
        if unit is None:
            abort(400)
    if not _covers(unit):
        abort(403)
    return unit


def _token_or_404(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    if not _covers(token.unit):
        abort(403)
    return token


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        abort(404)
    if not _covers(endpoint.unit):
        abort(403)
    return endpoint


# --- tokens --------------------------------------------------------------------------------------


@bp.route("/tokens")
@access("role", ADMIN)
def tokens_page():
    items = tokens.tokens_in_scope(scope_units(ADMIN))
    return render_template("lms/api/tokens.html", tokens=items, action_form=ActionForm())


@bp.route("/tokens/new", methods=["GET", "POST"])
@access("role", ADMIN)
def new_token():
    form = TokenForm()
    form.unit_id.choices = _unit_choices()
    if form.validate_on_submit():
        unit = _chosen_unit(form.unit_id.data)
        try:
            created = tokens.create(form.name.data, form.scopes.data, unit, actor_id=_actor())
        except tokens.TokenError as error:
            form.name.errors.append(str(error))
        else:
            # Shown in this answer only (never stored, never put in a redirect or the session).
            return render_template(
                "lms/api/token_created.html", token=created.token, secret=created.secret
            )
    status = 422 if form.errors else 200
    return render_template("lms/api/token_new.html", form=form), status


@bp.route("/tokens/<lms_id:token_id>/revoke", methods=["POST"])
@access("role", ADMIN)
def revoke_token(token_id: int):
    token = _token_or_404(token_id)
    if ActionForm().validate_on_submit():
        try:
            tokens.revoke(token, actor_id=_actor())
        except tokens.TokenError as error:
            flash(str(error), "error")
        else:
            flash(_("Token “%(n)s” is revoked.", n=token.name), "success")
    return redirect(url_for(".tokens_page"))


# --- webhooks ------------------------------------------------------------------------------------


@bp.route("/webhooks")
@access("role", ADMIN)
def webhooks_page():
    items = endpoints.endpoints_in_scopes(scope_units(ADMIN))
    return render_template("lms/api/webhooks.html", endpoints=items)


@bp.route("/webhooks/new", methods=["GET", "POST"])
@access("role", ADMIN)
def new_webhook():
    form = WebhookForm()
    form.unit_id.choices = _unit_choices()
    if form.validate_on_submit():
        unit = _chosen_unit(form.unit_id.data)
        try:
            created = endpoints.create_endpoint(
                form.url.data,
                form.events.data,
                unit,
                form.description.data or "",
                actor_id=_actor(),
            )
        except TargetError as error:
            form.url.errors.append(str(error))
        except endpoints.WebhookError as error:
            form.description.errors.append(str(error))
        else:
            return render_template(
                "lms/api/webhook_created.html", endpoint=created.endpoint, secret=created.secret
            )
    status = 422 if form.errors else 200
    return render_template("lms/api/webhook_new.html", form=form), status


@bp.route("/webhooks/<lms_id:endpoint_id>")
@access("role", ADMIN)
def webhook_page(endpoint_id: int):
    endpoint = _endpoint_or_404(endpoint_id)
    return render_template(
        "lms/api/webhook.html",
        endpoint=endpoint,
        deliveries=endpoints.deliveries_of(endpoint.id),
        action_form=ActionForm(),
    )


@bp.route("/webhooks/<lms_id:endpoint_id>/delete", methods=["POST"])
@access("role", ADMIN)
def delete_webhook(endpoint_id: int):
    endpoint = _endpoint_or_404(endpoint_id)
    if ActionForm().validate_on_submit():
        try:
            endpoints.delete_endpoint(endpoint, actor_id=_actor())
        except endpoints.WebhookError as error:
            flash(str(error), "error")
        else:
            flash(_("The webhook endpoint is deleted; its log stays."), "success")
    return redirect(url_for(".webhook_page", endpoint_id=endpoint.id))


@bp.route("/deliveries/<lms_id:delivery_id>/send-again", methods=["POST"])
@access("role", ADMIN)
def send_again(delivery_id: int):
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        abort(404)
    endpoint = _endpoint_or_404(delivery.endpoint_id)
    if ActionForm().validate_on_submit():
        try:
            endpoints.send_again(delivery, actor_id=_actor())
        except endpoints.WebhookError as error:
            flash(str(error), "error")
        else:
            flash(_("The delivery will be sent again in a moment."), "success")
    return redirect(url_for(".webhook_page", endpoint_id=endpoint.id))
