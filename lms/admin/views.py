"""Admin pages: people (accounts, profiles, role grants) and the unit tree, within the admin's
own subtrees.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms import SelectChoice

from lms import db
from lms.accounts import services
from lms.accounts.models import GRANTABLE_ROLES, Account, LearnerProfile, Role, RoleGrant, Unit
from lms.accounts.permissions import (
    can_grant,
    can_manage_person,
    get_manageable_person_or_404,
    get_profile_or_404,
    get_unit_or_404,
    in_scope_clause,
    scope_units,
)
from lms.admin.forms import ConfirmForm, GrantForm, NewAccountForm, ProfileAdminForm, UnitForm
from lms.forms import select_choices, unit_label
from lms.records.services import training_record
from lms.routing import parse_id, query_int
from lms.security import access
from lms.state import state

bp = Blueprint("admin", __name__, url_prefix="/admin")

ADMIN = Role.ADMIN


def _unit_pairs(blank: str | None) -> list[tuple[str, str]]:
    """(id, indented name) of the admin's units that can still take people."""
    units = services.unit_tree(scope_units(ADMIN))
    pairs = [("", blank)] if blank is not None else []
    return pairs + [(str(u.id), unit_label(u)) for u in units if not u.retired]


def _unit_choices(blank: str | None) -> list[SelectChoice]:
    return select_choices(_unit_pairs(blank))


def _chosen_unit(value: str) -> Unit | None:
    if not value:
        return None
    unit_id = parse_id(value)
    return get_unit_or_404(unit_id, need=ADMIN) if unit_id else abort(400)


@bp.route("/")
@access("role", ADMIN)
def index():
    return redirect(url_for(".people"))


@bp.route("/people")
@access("role", ADMIN)
def people():
    unit_id = query_int("unit")
    unit = get_unit_or_404(unit_id, need=ADMIN) if unit_id else None
    page = services.people_in_scope(
        in_scope_clause(LearnerProfile.unit_id, ADMIN),
        search=request.args.get("q", ""),
        unit=unit,
        page=query_int("page", 1),
    )
    accounts = services.accounts_by_user_id([p.user_id for p in page.people])
    return render_template(
        "lms/admin/people.html",
        page=page,
        accounts=accounts,
        units=_unit_pairs(_("All my units")),
        standalone=state().standalone,
    )


@bp.route("/people/new", methods=["GET", "POST"])
@access("role", ADMIN)
def new_person():
    """Create a standalone account (a host portal creates its users itself)."""
    if not state().standalone:
        abort(404)
    form = NewAccountForm()
    form.unit_id.choices = _unit_choices(_("— no unit —"))
    if form.validate_on_submit():
        unit = _chosen_unit(form.unit_id.data)
        refusal = _grant_refusal(form.role.data, unit)
        if refusal:
            form.role.errors.append(refusal)
        else:
            return _create_person(form, unit)
    status = 422 if form.errors else 200
    return render_template("lms/admin/new_person.html", form=form), status


def _create_person(form: NewAccountForm, unit: Unit | None):
    password = form.password.data or services.generate_password()
    try:
        account = services.create_person(
            services.NewPerson(
                username=form.username.data,
                full_name=form.full_name.data,
                password=password,
                role=form.role.data,
                unit=unit,
                official_code=form.official_code.data,
                date_of_birth=form.date_of_birth.data,
                position=form.position.data,
                rank=form.rank.data,
                education_level=form.education_level.data,
                email=form.email.data,
                must_change_password=True,
            )
        )
    except services.ServiceError as error:
        form.username.errors.append(str(error))
        return render_template("lms/admin/new_person.html", form=form), 422
    flash(
        _(
            "Account %(u)s created. Initial password: %(p)s — give it to the person; "
            "they must change it at first log-in.",
            u=account.username,
            p=password,
        ),
        "success",
    )
    return redirect(url_for(".person", user_id=str(account.id)))


def _grant_refusal(role: str, unit: Unit | None) -> str:
    """Why the admin may not give `role` on `unit` ("" when they may): only a role they could
    manage afterwards, so never admin on their own top unit."""
    if role in GRANTABLE_ROLES and unit is not None and not can_grant(role, unit):
        return _(
            "Only an administrator above %(u)s can make someone its administrator.", u=unit.name
        )
    return ""


@bp.route("/people/<user_id>", methods=["GET", "POST"])
@access("role", ADMIN)
def person(user_id: str):
    """A person's account, profile and roles; read-only unless the admin may manage them."""
    profile = get_profile_or_404(user_id, need=ADMIN)
    manageable = can_manage_person(profile)
    if request.method == "POST" and not manageable:
        abort(403)
    form = ProfileAdminForm(obj=profile)
    form.unit_id.choices = _unit_choices(_("— no unit —"))
    if request.method == "GET":
        form.unit_id.data = str(profile.unit_id or "")
    if form.validate_on_submit():
        try:
            services.save_profile(
                profile.user_id,
                full_name=form.full_name.data,
                official_code=form.official_code.data,
                date_of_birth=form.date_of_birth.data,
                unit=_chosen_unit(form.unit_id.data),
                position=form.position.data,
                rank=form.rank.data,
                education_level=form.education_level.data,
                email=form.email.data,
            )
        except services.ServiceError as error:
            form.full_name.errors.append(str(error))
        else:
            flash(_("The profile was saved."), "success")
            return redirect(url_for(".person", user_id=user_id))
    grant_form = GrantForm()
    grant_form.unit_id.choices = _unit_choices(None)
    grants = db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == user_id))
    status = 422 if form.errors else 200
    return render_template(
        "lms/admin/person.html",
        profile=profile,
        form=form,
        grant_form=grant_form,
        grants=list(grants),
        account=_account(user_id),
        confirm=ConfirmForm(),
        manageable=manageable,
        record=training_record(profile),
    ), status


def _account(user_id: str) -> Account | None:
    if not state().standalone:
        return None
    return services.accounts_by_user_id([user_id]).get(user_id)


def _account_or_404(user_id: str) -> Account:
    get_manageable_person_or_404(user_id)
    account = _account(user_id)
    if account is None:
        abort(404)
    return account


@bp.route("/people/<user_id>/active", methods=["POST"])
@access("role", ADMIN)
def set_active(user_id: str):
    account = _account_or_404(user_id)
    active = request.form.get("active") == "1"
    services.set_active(account, active)
    flash(_("The account was enabled.") if active else _("The account was disabled."), "success")
    return redirect(url_for(".person", user_id=user_id))


@bp.route("/people/<user_id>/reset-password", methods=["POST"])
@access("role", ADMIN)
def reset_password(user_id: str):
    account = _account_or_404(user_id)
    password = services.reset_password(account)
    flash(
        _(
            "New password for %(u)s: %(p)s — they must change it at next log-in.",
            u=account.username,
            p=password,
        ),
        "success",
    )
    return redirect(url_for(".person", user_id=user_id))


@bp.route("/people/<user_id>/grants", methods=["POST"])
@access("role", ADMIN)
def add_grant(user_id: str):
    get_manageable_person_or_404(user_id)
    form = GrantForm()
    form.unit_id.choices = _unit_choices(None)
    if not form.validate_on_submit():
        abort(400)
    unit = _chosen_unit(form.unit_id.data)
    if unit is None:
        abort(400)
    refusal = _grant_refusal(form.role.data, unit)
    if refusal:
        flash(refusal, "error")
        return redirect(url_for(".person", user_id=user_id))
    try:
        services.grant_role(user_id, form.role.data, unit)
    except services.ServiceError:
        abort(400)
    flash(_("The role was granted."), "success")
    return redirect(url_for(".person", user_id=user_id))


@bp.route("/grants/<lms_id:grant_id>/revoke", methods=["POST"])
@access("role", ADMIN)
def revoke_grant(grant_id: int):
    grant = db.session.get(RoleGrant, grant_id)
    if grant is None:
        abort(404)
    get_manageable_person_or_404(grant.user_id)
    services.revoke_role(grant)
    flash(_("The role was removed."), "success")
    return redirect(url_for(".person", user_id=grant.user_id))


@bp.route("/units")
@access("role", ADMIN)
def units():
    return render_template("lms/admin/units.html", units=services.unit_tree(scope_units(ADMIN)))


@bp.route("/units/new", methods=["GET", "POST"])
@access("role", ADMIN)
def new_unit():
    form = UnitForm()
    form.parent_id.choices = _unit_choices(_("— top level —"))
    if request.method == "GET":
        form.parent_id.data = request.args.get("parent", "")
    if form.validate_on_submit():
        parent = _chosen_unit(form.parent_id.data)
        if parent is None and not any(top.parent_id is None for top in scope_units(ADMIN)):
            abort(403)
        try:
            unit = services.create_unit(form.code.data, form.name.data, form.kind.data, parent)
        except services.ServiceError as error:
            form.code.errors.append(str(error))
        else:
            flash(_("Unit %(c)s created.", c=unit.code), "success")
            return redirect(url_for(".units"))
    status = 422 if form.errors else 200
    return render_template("lms/admin/unit_form.html", form=form, unit=None), status


@bp.route("/units/<lms_id:unit_id>", methods=["GET", "POST"])
@access("role", ADMIN)
def edit_unit(unit_id: int):
    unit = get_unit_or_404(unit_id, need=ADMIN)
    form = UnitForm(obj=unit)
    # A unit keeps its code and its place in the tree: ids in old records point at it.
    del form.parent_id
    form.code.render_kw = {"readonly": True}
    if form.validate_on_submit():
        try:
            services.update_unit(unit, form.name.data, form.kind.data, form.retired.data)
        except services.ServiceError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("Unit %(c)s saved.", c=unit.code), "success")
            return redirect(url_for(".units"))
    status = 422 if form.errors else 200
    return render_template("lms/admin/unit_form.html", form=form, unit=unit), status
