from flask import render_template, request
from flask_login import current_user

from complaints.access import require_role
from complaints.blueprints.office import bp
from complaints.services import calendar, directory

STAFF = ("officer", "supervisor", "admin")


@bp.get("")
@require_role(*STAFF)
def overview():
    office = current_user.office
    today = calendar.office_today(office.timezone)
    regions = directory.office_regions(office)
    return render_template("office/overview.html", office=office, regions=regions, today=today)


@bp.get("/kalender")
@require_role(*STAFF)
def calendar_view():
    today = calendar.office_today(current_user.office.timezone)
    year = request.args.get("tahun", type=int) or today.year
    if not 2015 <= year <= today.year + 2:  # bounded: from the first assessment year to the next decrees
        year = today.year
    return render_template(
        "office/calendar.html", year=year, days=calendar.days_off(year), today=today, this_year=today.year
    )
