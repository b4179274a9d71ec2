"""Organizer pages: open and run classes, enrol officials, rosters and their exports."""

from flask import Blueprint

bp = Blueprint("classes", __name__, url_prefix="/classes")
