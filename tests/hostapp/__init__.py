"""A host portal for tests: its own Flask-SQLAlchemy, LoginManager, User model, log-in page and
layout, mounting the LMS under /training (run: `flask --app tests.hostapp lms db upgrade`).
"""

import os

from flask import Flask, redirect, render_template_string, request, url_for
from flask_login import LoginManager, UserMixin, login_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lms import LMS


class HostBase(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=HostBase)
login_manager = LoginManager()
training = LMS()


class PortalUser(UserMixin, db.Model):
    __tablename__ = "portal_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str]


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(PortalUser, int(user_id))


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="host-secret",
        SQLALCHEMY_DATABASE_URI=os.environ.get("HOST_DATABASE_URL", "sqlite://"),
        LMS_LAYOUT_TEMPLATE="portal_layout.html",
        LMS_PASSWORD_METHOD="pbkdf2:sha256:1000",
    )
    if test_config:
        app.config.update(test_config)
    db.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "portal_login"

    @app.route("/portal/login", methods=["GET", "POST"])
    def portal_login():
        if request.method == "POST":
            user = db.session.scalar(
                db.select(PortalUser).where(PortalUser.email == request.form["email"])
            )
            login_user(user)
            return redirect(request.args.get("next") or "/")
        return render_template_string("<p>Portal log-in page</p>")

    @app.route("/")
    def portal_home():
        return "Portal home " + url_for("lms.main.home")

    training.init_app(app, url_prefix="/training")
    return app
