"""Log-in pages of the standalone host, and each person's own profile (both modes)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from lms import db
from lms.accounts import services
from lms.accounts import sessions as login_sessions
from lms.accounts.forms import LoginForm, PasswordForm, ProfileForm
from lms.accounts.models import ACCOUNT_SESSION_KEY
from lms.accounts.sessions import LOGIN_SESSION_KEY, loads_profile
from lms.errors import render_error
from lms.security import LOGIN, PUBLIC, access, local_redirect_target

#: Pages every mode has.
bp = Blueprint("accounts", __name__)
#: Log-in, log-out and password pages: only when the LMS is its own host.
standalone_bp = Blueprint("auth", __name__)


@bp.route("/profile", methods=["GET", "POST"])
@access(LOGIN)
@loads_profile
def profile():
    """A person reads their profile and corrects their own details."""
    person = services.ensure_profile(current_user)
    form = ProfileForm(obj=person)
    if form.validate_on_submit():
        try:
            services.save_profile(
                person.user_id,
                full_name=form.full_name.data,
                date_of_birth=form.date_of_birth.data,
                position=form.position.data,
                rank=form.rank.data,
                education_level=form.education_level.data,
                email=form.email.data,
            )
        except services.ServiceError as error:
            form.full_name.errors.append(str(error))
        else:
            flash(_("Your profile was saved."), "success")
            return redirect(url_for(".profile"))
    status = 422 if form.errors else 200
    return render_template("lms/accounts/profile.html", form=form, profile=person), status


@standalone_bp.route("/login", methods=["GET", "POST"])
@access(PUBLIC)
def login():
    """Log in; the same message for an unknown user and a wrong password."""
    if current_user.is_authenticated:
        return redirect(url_for("lms.main.home"))
    form = LoginForm()
    throttle = current_app.extensions["lms"].throttle
    if form.validate_on_submit():
        username = form.username.data
        if not throttle.attempt(username):
            return render_error(429)
        account = services.authenticate(username, form.password.data)
        if account is None:
            form.password.errors.append(_("Wrong username or password."))
        else:
            throttle.succeeded(username)
            session.clear()
            login_user(account)
            session[ACCOUNT_SESSION_KEY] = account.session_version
            session[LOGIN_SESSION_KEY] = login_sessions.start(account.id, request.user_agent.string)
            db.session.commit()
            if account.must_change_password:
                flash(_("Choose a new password before you go on."), "info")
                return redirect(url_for(".password"))
            return redirect(
                local_redirect_target(request.args.get("next"), url_for("lms.main.home"))
            )
    status = 422 if form.errors else 200
    return render_template("lms/accounts/login.html", form=form), status


def _end_this_session() -> None:
    """Log out of this browser, keeping only its choice of language."""
    language = session.get("lms_locale")
    logout_user()
    session.clear()
    if language:
        session["lms_locale"] = language


@standalone_bp.route("/logout", methods=["POST"])
@access(LOGIN)
def logout():
    """End this log-in on the server too: a copy of the cookie no longer works."""
    login_sessions.end(session.get(LOGIN_SESSION_KEY))
    _end_this_session()
    flash(_("You have logged out."), "info")
    return redirect(url_for(".login"))


@standalone_bp.route("/logout-everywhere", methods=["POST"])
@access(LOGIN)
def logout_everywhere():
    """End every log-in of the account: this browser, the phone, a forgotten office computer."""
    login_sessions.end_all(int(current_user.get_id()))
    _end_this_session()
    flash(_("You have logged out on every device."), "info")
    return redirect(url_for(".login"))


@standalone_bp.route("/password", methods=["GET", "POST"])
@access(LOGIN)
def password():
    """Change one's own password; every other session of the account ends."""
    account = current_user._get_current_object()
    if not hasattr(account, "password_hash"):
        abort(404)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(account, form.current.data, form.new.data)
        except services.ServiceError as error:
            form.current.errors.append(str(error))
        else:
            session[ACCOUNT_SESSION_KEY] = account.session_version
            login_sessions.end_all(account.id, keep=session.get(LOGIN_SESSION_KEY))
            flash(_("Your password was changed. Other sessions were logged out."), "success")
            return redirect(url_for("lms.main.home"))
    status = 422 if form.errors else 200
    return render_template("lms/accounts/password.html", form=form), status
