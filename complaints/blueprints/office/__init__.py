"""Ombudsman staff pages: officers, supervisors and administrators of an office (require_role on every view)."""

from flask import Blueprint

bp = Blueprint("office", __name__, url_prefix="/kantor")

from complaints.blueprints.office import views  # noqa: E402,F401
