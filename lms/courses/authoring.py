"""Trainer pages: write courses and modules, preview, attachments, drafts and publishing."""

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/author")
