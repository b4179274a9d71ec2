"""Learner-facing course pages: the catalog and a course's description."""

from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses")
