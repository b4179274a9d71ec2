"""The `certificates` blueprint; `views`, `template_views` and `learner_views` add its routes."""

from flask import Blueprint

bp = Blueprint("certificates", __name__, url_prefix="/certificates")
