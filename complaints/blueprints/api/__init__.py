"""The JSON API under /api/v1: personal tokens only (never the session cookie), so it is exempt from CSRF."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from complaints.blueprints.api import views  # noqa: E402,F401
