"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2, in JSON and XML: the discovery
document, the services (subject areas) and their definitions, filing a report with a client application's api_key,
and the public view of reports. The rules are in complaints/services/intake/open311.py, the JSON and XML shapes in
``shapes``."""

from flask import Blueprint

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

from complaints.blueprints.open311 import views  # noqa: E402,F401
