"""Portal of the regions: unit heads see their units (unit_head), liaisons their region (liaison)."""

from flask import Blueprint

bp = Blueprint("units", __name__)

from complaints.blueprints.units import views  # noqa: E402,F401
