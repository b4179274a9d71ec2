"""A learner studying in a class: class page, module pages, completion and resume."""

from flask import Blueprint

bp = Blueprint("learn", __name__, url_prefix="/learn")
