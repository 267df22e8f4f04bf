from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from complaints.access import require_role
from complaints.blueprints.admin import bp
from complaints.blueprints.admin.forms import (
    AgreementForm,
    ApiClientForm,
    AssessmentImportForm,
    BandForm,
    HolidayOverrideForm,
    ReachForm,
    StaffUserForm,
    UnitForm,
)
from complaints.extensions import db
from complaints.models import (
    Agreement,
    ApiClient,
    Assessment,
    AssessmentBand,
    HolidayOverride,
    Office,
    Region,
    Role,
    ServiceUnit,
    User,
)
from complaints.pages import INVALID, committing, form_status
from complaints.security import int_arg, page_number
from complaints.services.accounts import api_tokens, two_factor
from complaints.services.accounts.users import AccountError, create_staff_user, set_active, set_reach
from complaints.services.compliance import classification
from complaints.services.compliance.assessment_import import import_assessments
from complaints.services.compliance.classification import classify
from complaints.services.places import working_days
from complaints.services.places.directory import PlacesError, save_unit, update_agreement

PER_PAGE = 25


def _chosen_scope(form):
    office = db.session.get(Office, form.office_id.data) if form.office_id.data else None
    region = db.session.get(Region, form.region_id.data) if form.region_id.data else None
    units = list(db.session.scalars(select(ServiceUnit).where(ServiceUnit.id.in_(form.unit_ids.data or []))))
    return office, region, units


# --- accounts -------------------------------------------------------------------------------------------------


@bp.get("/pengguna")
@require_role("admin")
def users():
    role = request.args.get("peran", "")
    search = request.args.get("q", "").strip()[:100]
    query = select(User).order_by(User.role, User.email)
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    if search:
        needle = search.lower()
        query = query.where(
            or_(
                User.email.contains(needle, autoescape=True),
                func.lower(User.full_name).contains(needle, autoescape=True),
            )
        )
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("admin/users.html", page=page, role=role, search=search, roles=list(Role))


@bp.route("/pengguna/baru", methods=["GET", "POST"])
@require_role("admin")
def new_user():
    form = StaffUserForm()
    if form.validate_on_submit():
        office, region, units = _chosen_scope(form)
        with committing(form, field="role", refusals=(AccountError,)) as change:
            user = create_staff_user(
                email=form.email.data,
                full_name=form.full_name.data,
                password=form.password.data,
                role=form.role.data,
                office=office,
                region=region,
                units=units,
            )
        if change.committed:
            flash(_("Account %(email)s created.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form), form_status()


@bp.route("/pengguna/<int:user_id>", methods=["GET", "POST"])
@require_role("admin")
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    current = {
        "office_id": user.office_id or 0,
        "region_id": user.region_id or 0,
        "unit_ids": [u.id for u in user.units],
        "active": user.active,
    }
    form = ReachForm() if request.method == "POST" else ReachForm(data=current)
    if form.validate_on_submit():
        office, region, units = _chosen_scope(form)
        with committing(form, field="active", refusals=(AccountError,)) as change:
            set_reach(user, office=office, region=region, units=units)
            set_active(user, form.active.data, by=current_user)
        if change.committed:
            flash(_("Account %(email)s saved.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", form=form, user=user), form_status()


@bp.post("/pengguna/<int:user_id>/dua-langkah/reset")
@require_role("admin")
def reset_two_factor(user_id: int):
    """A lost phone with no recovery code left: the owner sets two-step sign-in up again at the next sign-in."""
    user = db.session.get(User, user_id) or abort(404)
    with committing(refusals=(two_factor.TwoFactorError,)) as change:
        two_factor.reset(user, by=current_user)
    if change.committed:
        flash(
            _("Two-step sign-in of %(email)s is reset, and the account is signed out everywhere.", email=user.email),
            "success",
        )
    return redirect(url_for("admin.edit_user", user_id=user.id), code=303)


# --- service units --------------------------------------------------------------------------------------------


@bp.get("/unit")
@require_role("admin")
def units():
    region_code = request.args.get("wilayah", "")[:10]
    query = select(ServiceUnit).join(ServiceUnit.region).order_by(Region.code, ServiceUnit.id)
    if region_code:
        query = query.where(Region.code == region_code)
    page = db.paginate(
        query.options(selectinload(ServiceUnit.heads)), page=page_number(), per_page=PER_PAGE, error_out=False
    )
    regions = db.session.scalars(select(Region).order_by(Region.code)).all()
    return render_template("admin/units.html", page=page, regions=regions, region_code=region_code)


def _unit_form_page(unit: ServiceUnit | None):
    form = UnitForm(obj=unit)
    if unit is None and request.method == "GET":
        form.region_id.data = int_arg("region_id")
    if form.validate_on_submit():
        region = db.session.get(Region, form.region_id.data) or abort(400)
        with committing(form, field="name", refusals=(PlacesError,)) as change:
            unit = save_unit(
                unit,
                region=region,
                kind=form.kind.data,
                name=form.name.data,
                head_title=form.head_title.data,
                head_name=form.head_name.data,
                address=form.address.data,
                is_active=form.is_active.data,
            )
        if change.committed:
            flash(_("Service unit %(name)s saved.", name=unit.name), "success")
            return redirect(url_for("admin.units", wilayah=region.code))
    return render_template("admin/unit_form.html", form=form, unit=unit), form_status()


@bp.route("/unit/baru", methods=["GET", "POST"])
@require_role("admin")
def new_unit():
    return _unit_form_page(None)


@bp.route("/unit/<int:unit_id>", methods=["GET", "POST"])
@require_role("admin")
def edit_unit(unit_id: int):
    return _unit_form_page(db.session.get(ServiceUnit, unit_id) or abort(404))


# --- agreements -----------------------------------------------------------------------------------------------


@bp.get("/kesepakatan")
@require_role("admin")
def agreements():
    rows = db.session.scalars(
        select(Agreement)
        .join(Agreement.region)
        .order_by(Region.code, Agreement.signed_on)
        .options(selectinload(Agreement.liaisons))
    ).all()
    today = working_days.office_today(current_user.timezone)
    return render_template("admin/agreements.html", agreements=rows, today=today)


@bp.route("/kesepakatan/<int:agreement_id>", methods=["GET", "POST"])
@require_role("admin")
def edit_agreement(agreement_id: int):
    agreement = db.session.get(Agreement, agreement_id) or abort(404)
    candidates = db.session.scalars(
        select(User).where(User.role == Role.LIAISON, User.region_id == agreement.region_id).order_by(User.full_name)
    ).all()
    form = AgreementForm(obj=agreement if request.method == "GET" else None, candidates=candidates)
    if request.method == "GET":
        form.liaison_ids.data = [u.id for u in agreement.liaisons]
        form.fill_clock_terms(agreement.clock_terms)
    if form.validate_on_submit():
        chosen = [u for u in candidates if u.id in set(form.liaison_ids.data or [])]
        with committing(form, field="valid_to", refusals=(PlacesError,)) as change:
            update_agreement(
                agreement,
                valid_from=form.valid_from.data,
                valid_to=form.valid_to.data,
                clock_terms=form.clock_terms(),
                liaisons=chosen,
            )
        if change.committed:
            flash(_("Agreement with %(region)s saved.", region=agreement.region.name), "success")
            return redirect(url_for("admin.agreements"))
    return render_template("admin/agreement_form.html", form=form, agreement=agreement), form_status()


# --- holiday calendar -----------------------------------------------------------------------------------------


@bp.route("/hari-libur", methods=["GET", "POST"])
@require_role("admin")
def holidays():
    form = HolidayOverrideForm()
    if form.validate_on_submit():
        with committing(form, field="day", refusals=(working_days.CalendarError,)) as change:
            working_days.add_override(
                day=form.day.data,
                kind=form.kind.data,
                name=form.name.data,
                legal_basis=form.legal_basis.data,
                by_user_id=current_user.id,
            )
        if change.committed:
            flash(_("Calendar correction saved."), "success")
            return redirect(url_for("admin.holidays"))
    overrides = db.session.scalars(
        select(HolidayOverride).order_by(HolidayOverride.day.desc()).options(selectinload(HolidayOverride.created_by))
    ).all()
    return render_template("admin/holidays.html", form=form, overrides=overrides), form_status()


@bp.post("/hari-libur/<int:override_id>/hapus")
@require_role("admin")
def delete_holiday(override_id: int):
    override = db.session.get(HolidayOverride, override_id) or abort(404)
    working_days.remove_override(override)
    db.session.commit()
    flash(_("Calendar correction removed."), "success")
    return redirect(url_for("admin.holidays"))


# --- assessment results ----------------------------------------------------------------------------------------


@bp.route("/penilaian", methods=["GET", "POST"])
@require_role("admin")
def assessments():
    form = AssessmentImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        storage = form.table.data
        content = storage.stream.read(5 * 1024 * 1024 + 1)
        report = import_assessments(storage.filename or "", content[: 5 * 1024 * 1024])
        if report.ok and len(content) <= 5 * 1024 * 1024:
            db.session.commit()
            flash(
                _("%(added)d results added, %(updated)d updated.", added=report.added, updated=report.updated),
                "success",
            )
        else:
            db.session.rollback()
            status = INVALID
    elif request.method == "POST":
        status = INVALID
    rows = db.session.scalars(
        select(Assessment).join(Assessment.region).order_by(Assessment.year.desc(), Assessment.score.desc())
    ).all()
    computed = {a.id: classify(a.year, a.score) for a in rows}
    return render_template("admin/assessments.html", form=form, report=report, rows=rows, computed=computed), status


@bp.route("/penilaian/rentang", methods=["GET", "POST"])
@require_role("admin")
def bands():
    """The band tables of the years after the published methods (from 2025, PO 61/2025)."""
    form = BandForm()
    if form.validate_on_submit():
        with committing(form, field="year") as change:
            classification.add_band(
                form.year.data,
                category=form.category.data or None,
                lower=form.lower.data,
                upper=form.upper.data,
                opinion=form.opinion.data,
                zone=form.zone.data,
            )
        if change.committed:
            flash(_("Band added."), "success")
            return redirect(url_for("admin.bands"))
    listed = db.session.scalars(
        select(AssessmentBand)
        .where(AssessmentBand.year > classification.LAST_PUBLISHED_METHOD_YEAR)
        .order_by(AssessmentBand.year.desc(), AssessmentBand.lower.desc())
    ).all()
    return render_template("admin/bands.html", form=form, bands=listed), form_status()


@bp.post("/penilaian/rentang/<int:band_id>/hapus")
@require_role("admin")
def remove_band(band_id: int):
    band = db.session.get(AssessmentBand, band_id) or abort(404)
    with committing() as change:
        classification.remove_band(band)
    if change.committed:
        flash(_("Band removed."), "success")
    return redirect(url_for("admin.bands"), code=303)


# --- client applications (Open311) -----------------------------------------------------------------------------


def _clients_page(form: ApiClientForm, *, created: ApiClient | None = None, secret: str | None = None, status=200):
    clients = db.session.scalars(select(ApiClient).order_by(ApiClient.revoked_at.is_not(None), ApiClient.id.desc()))
    return render_template(
        "admin/clients.html", form=form, clients=clients.all(), created=created, secret=secret
    ), status


@bp.get("/integrasi")
@require_role("admin")
def clients():
    return _clients_page(ApiClientForm())


@bp.post("/integrasi")
@require_role("admin")
def create_client():
    form = ApiClientForm()
    if not form.validate_on_submit():
        return _clients_page(form, status=INVALID)
    with committing(form, field="name") as change:
        client, secret = api_tokens.create_client(form.name.data, form.contact_email.data, by=current_user)
    if not change.committed:
        return _clients_page(form, status=INVALID)
    # The key is shown on this response only: it is stored as a hash and can never be shown again.
    response, status = _clients_page(ApiClientForm(formdata=None), created=client, secret=secret)
    return response, status, {"Cache-Control": "no-store"}


@bp.post("/integrasi/<int:client_id>/cabut")
@require_role("admin")
def revoke_client(client_id: int):
    client = db.session.get(ApiClient, client_id) or abort(404)
    api_tokens.revoke_client(client)
    db.session.commit()
    flash(_("The key of %(name)s has been revoked: it no longer files reports.", name=client.name), "success")
    return redirect(url_for("admin.clients"), code=303)
