"""The Ombudsman's casework: officers and supervisors of an office (require_role on every view); a case of another
office answers 404."""

from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/kasus")

from complaints.blueprints.cases import privacy_views, views  # noqa: E402,F401
