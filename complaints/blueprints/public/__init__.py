"""Public pages: anyone may use every route here (each says so with @public)."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from complaints.blueprints.public import views  # noqa: E402,F401
