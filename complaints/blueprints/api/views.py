from flask import abort, current_app, g, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from complaints.access import public, token_required
from complaints.blueprints.api import bp, representations
from complaints.blueprints.api.openapi import openapi_document
from complaints.extensions import csrf, db, limiter
from complaints.models import IdentityChannel, IdentityShown, Region, ServiceUnit
from complaints.services.accounts.api_tokens import TOKEN_ROLES
from complaints.services.compliance import region_profiles
from complaints.services.core.links import external_url
from complaints.services.places import directory
from complaints.services.places.working_days import office_today
from complaints.services.privacy import identity_views
from complaints.web import problem

csrf.exempt(bp)
EVERY_TOKEN = tuple(role.value for role in TOKEN_ROLES)
#: Cases are for those who work or follow them; an administrator manages accounts and places, not cases (as on the
#: pages, where /kasus is refused to administrators).
CASE_HOLDERS = ("officer", "supervisor", "unit_head", "liaison")


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


# Counted per address: a count per presented token could be dodged by sending a new made-up token each time.
limiter.limit(_api_limit)(bp)


@bp.after_request
def no_store(response):
    # Answers may hold reporters' identities (for Ombudsman staff): never kept by a browser or proxy cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(representations.BadQuery)
def bad_query(error: representations.BadQuery):
    return problem(400, _("The request could not be processed"), str(error))


def _page(items: list[dict], total: int, page: representations.Page):
    more = page.number * page.per_page < total
    args = {**request.args.to_dict(), "page": page.number + 1, "per_page": page.per_page}
    return jsonify(
        items=items,
        page=page.number,
        per_page=page.per_page,
        total=total,
        next=url_for(request.endpoint, **(request.view_args or {}), **args) if more else None,
    )


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(openapi_document(url_for("api.me", _external=False).removesuffix("/me")))


@bp.get("/")
@public
def docs():
    base = external_url("api.me").removesuffix("/me")  # the public address, not whatever Host the request claimed
    return render_template("api/docs.html", spec=openapi_document(base))


@bp.get("/me")
@token_required(*EVERY_TOKEN)
def me():
    user = g.api_user
    return jsonify(
        id=user.id,
        full_name=user.full_name,
        email=user.email,
        role=user.role.value,
        office=user.office.code if user.office else None,
        region=user.region.code if user.region else None,
        unit_ids=sorted(unit.id for unit in user.units),
    )


@bp.get("/cases")
@token_required(*CASE_HOLDERS)
def cases():
    page = representations.page_param(request.args)
    rows, total = representations.paginate(
        representations.cases_for(g.api_user, representations.case_filters(request.args)), page
    )
    return _page(representations.case_summaries(rows, g.api_user), total, page)


def _case_or_404(case_id: int):
    return representations.case_for(g.api_user, case_id) or abort(404)


@bp.get("/cases/<int:case_id>")
@token_required(*CASE_HOLDERS)
def case(case_id: int):
    item = _case_or_404(case_id)
    body = representations.case_detail(item, g.api_user)
    if body["reporter_identity"] is not None:  # who was shown it is recorded with the answer (UU 27/2022)
        identity_views.record(g.api_user, item, IdentityShown.CONTACTS, IdentityChannel.API)
        db.session.commit()
    return jsonify(body)


@bp.get("/cases/<int:case_id>/events")
@token_required(*CASE_HOLDERS)
def case_events(case_id: int):
    return jsonify(representations.case_events(_case_or_404(case_id), g.api_user))


@bp.get("/cases/<int:case_id>/clocks")
@token_required(*CASE_HOLDERS)
def case_clocks(case_id: int):
    return jsonify(representations.case_clocks(_case_or_404(case_id)))


def _region_param() -> Region | None:
    code = request.args.get("region")
    if not code:
        return None
    region = directory.get_region(code)
    if region is None:
        raise representations.BadQuery("region: unknown region code")
    return region


@bp.get("/units")
@token_required(*EVERY_TOKEN)
def units():
    page = representations.page_param(request.args)
    rows, total = representations.paginate(representations.units_query(_region_param()), page)
    return _page([representations.unit_dict(u) for u in rows], total, page)


@bp.get("/units/<int:unit_id>")
@token_required(*EVERY_TOKEN)
def unit(unit_id: int):
    return jsonify(representations.unit_dict(db.session.get(ServiceUnit, unit_id) or abort(404)))


@bp.get("/regions")
@token_required(*EVERY_TOKEN)
def regions():
    page = representations.page_param(request.args)
    rows, total = representations.paginate(representations.regions_query(), page)
    return _page([representations.region_dict(r, office_today(r.province.timezone)) for r in rows], total, page)


@bp.get("/regions/<code>")
@token_required(*EVERY_TOKEN)
def region(code: str):
    region = directory.get_region(code) or abort(404)
    return jsonify(representations.region_dict(region, office_today(region.province.timezone)))


@bp.get("/regions/<code>/profile")
@token_required(*EVERY_TOKEN)
def region_profile(code: str):
    region = directory.get_region(code) or abort(404)
    year = representations.int_param(request.args, "year", low=1990, high=2100)
    profile = region_profiles.region_profile(region, year)
    return jsonify(representations.profile_dict(profile, office_today(region.province.timezone)))


@bp.get("/assessments")
@token_required(*EVERY_TOKEN)
def assessments():
    page = representations.page_param(request.args)
    year = representations.int_param(request.args, "year", low=1990, high=2100)
    views = representations.assessments(year, _region_param())
    start = (page.number - 1) * page.per_page
    return _page([representations.assessment_dict(v) for v in views[start : start + page.per_page]], len(views), page)
