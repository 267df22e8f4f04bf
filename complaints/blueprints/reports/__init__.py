"""Citizens' reports: filing and following (public, guarded by the access key or the reporter's own account),
and the citizen's list of reports (citizen role)."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from complaints.blueprints.reports import views  # noqa: E402,F401
