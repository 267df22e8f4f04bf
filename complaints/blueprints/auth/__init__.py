"""Signing in, out and up. Login and registration are public (and rate-limited); logout needs a session."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from complaints.blueprints.auth import views  # noqa: E402,F401
