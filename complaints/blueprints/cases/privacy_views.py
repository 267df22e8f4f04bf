"""The record of who was shown a reporter's identity, for the office's supervisors: per case, and office-wide with
filters. Read only: there is no route that changes it."""

from flask import abort, render_template, request
from flask_login import current_user

from complaints.access import require_role
from complaints.blueprints.cases import bp
from complaints.blueprints.cases import forms as f
from complaints.security import page_number
from complaints.services.casework import reach
from complaints.services.privacy import identity_views

PER_PAGE = 50


def _page(query) -> identity_views.ViewPage:
    return identity_views.page_of(query, page_number(), PER_PAGE)


@bp.get("/<int:case_id>/riwayat-identitas")
@require_role("supervisor")
def identity_log(case_id: int):
    case = reach.case_in_reach(current_user, case_id) or abort(404)
    return render_template("cases/identity_log.html", case=case, page=_page(identity_views.case_views(case)))


@bp.get("/akses-identitas")
@require_role("supervisor")
def identity_views_index():
    office = current_user.office
    form = f.IdentityViewFilterForm(request.args, viewers=identity_views.office_viewers(office))
    valid = form.validate()
    filters = identity_views.ViewFilters(
        start=form.start.data if not form.start.errors else None,
        end=form.end.data if not form.end.errors else None,
        user_id=form.user_id.data if form.user_id.data and not form.user_id.errors else None,
        case_number=form.case.data if not form.case.errors else None,
    )
    page = _page(identity_views.office_views(office, filters))
    return render_template("cases/identity_views.html", form=form, page=page), 200 if valid else 400
