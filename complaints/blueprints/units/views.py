from flask import render_template
from flask_login import current_user

from complaints.access import require_role
from complaints.blueprints.units import bp
from complaints.services import directory


@bp.get("/unit-saya")
@require_role("unit_head")
def mine():
    units = current_user.units
    agreements = {unit.id: directory.current_agreement(unit.region) for unit in units}
    return render_template("units/mine.html", units=units, agreements=agreements)


@bp.get("/wilayah-saya")
@require_role("liaison")
def region():
    region = directory.get_region(current_user.region.code)
    return render_template("units/region.html", region=region, agreement=directory.current_agreement(region))
