"""Administration: accounts, service units, agreements and the holiday calendar. Administrators only."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from complaints.blueprints.admin import views  # noqa: E402,F401
