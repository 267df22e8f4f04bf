from flask import abort, render_template
from flask_login import current_user

from complaints.access import require_role
from complaints.blueprints.office import bp
from complaints.pages import private_download
from complaints.security import int_arg
from complaints.services.places import directory, working_days
from complaints.services.portal import data_exchange

STAFF = ("officer", "supervisor", "admin")


@bp.get("")
@require_role(*STAFF)
def overview():
    office = current_user.office
    today = working_days.office_today(office.timezone)
    regions = directory.office_regions(office)
    return render_template("office/overview.html", office=office, regions=regions, today=today)


@bp.get("/kalender")
@require_role(*STAFF)
def calendar_view():
    today = working_days.office_today(current_user.office.timezone)
    year = int_arg("tahun") or today.year
    if not 2015 <= year <= today.year + 2:  # bounded: from the first assessment year to the next decrees
        year = today.year
    return render_template(
        "office/calendar.html", year=year, days=working_days.days_off(year), today=today, this_year=today.year
    )


@bp.get("/wilayah/<region_code>/pertukaran-data.csv")
@require_role(*STAFF)
def exchange_csv(region_code: str):
    """A region's cases and their stages, for the agreement's data exchange (no reporter in it)."""
    region = data_exchange.office_region(current_user, region_code) or abort(404)
    return private_download(
        data_exchange.layout_csv(region, "region"), mimetype="text/csv", name=data_exchange.filename(region, "region")
    )


@bp.get("/wilayah/<region_code>/pertukaran-data-lapor.csv")
@require_role(*STAFF)
def exchange_lapor_csv(region_code: str):
    """The same, in the column layout of the SP4N-LAPOR! export."""
    region = data_exchange.office_region(current_user, region_code) or abort(404)
    return private_download(
        data_exchange.layout_csv(region, "lapor"), mimetype="text/csv", name=data_exchange.filename(region, "lapor")
    )
