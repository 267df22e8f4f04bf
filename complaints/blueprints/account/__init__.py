"""The signed-in user's own account: any signed-in user (@signed_in), and only their own data."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/akun")

from complaints.blueprints.account import views  # noqa: E402,F401
