"""Compliance profiles: the province's dashboard, a region's profile, their exports and the PDF report. Public
figures only; every route is @public."""

from flask import Blueprint

bp = Blueprint("compliance", __name__)

from complaints.blueprints.compliance import views  # noqa: E402,F401
