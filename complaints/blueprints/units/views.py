from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from complaints.access import require_role
from complaints.blueprints.units import bp
from complaints.blueprints.units.forms import ActionReportForm, AnswerForm, ForwardForm
from complaints.extensions import db
from complaints.models import (
    ClarificationRequest,
    ClarificationStatus,
    Complaint,
    CorrectiveAction,
    JointReview,
    Role,
    User,
)
from complaints.pages import INVALID, committing, private_download, private_file
from complaints.services.casework import reach
from complaints.services.casework.letters import clarification_letter_pdf
from complaints.services.casework.notifications import reporter_label
from complaints.services.compliance import live_figures
from complaints.services.core import uploads
from complaints.services.core.links import external_url
from complaints.services.places import directory
from complaints.services.places.working_days import office_today
from complaints.services.portal import data_exchange, inbox, joint_reviews
from complaints.tasks import hand_over

PORTAL = ("unit_head", "liaison")


@bp.get("/unit-saya")
@require_role("unit_head")
def mine():
    units = current_user.units
    agreements = {unit.id: directory.current_agreement(unit.region) for unit in units}
    return render_template(
        "units/mine.html",
        units=units,
        agreements=agreements,
        items=inbox.inbox(current_user),
        today=office_today(current_user.timezone),
    )


@bp.get("/wilayah-saya")
@require_role("liaison")
def region():
    region = directory.get_region(current_user.region.code)
    return render_template(
        "units/region.html",
        region=region,
        agreement=directory.current_agreement(region),
        items=inbox.inbox(current_user),
        today=office_today(region.province.timezone),
    )


@bp.get("/wilayah-saya/pertukaran-data.csv")
@require_role("liaison")
def exchange_csv():
    """The region's cases and their stages, for the agreement's data exchange (no reporter in it)."""
    region = data_exchange.liaison_region(current_user) or abort(404)
    return private_download(
        data_exchange.layout_csv(region, "region"), mimetype="text/csv", name=data_exchange.filename(region, "region")
    )


@bp.get("/wilayah-saya/pertukaran-data-lapor.csv")
@require_role("liaison")
def exchange_lapor_csv():
    """The same, in the column layout of the SP4N-LAPOR! export."""
    region = data_exchange.liaison_region(current_user) or abort(404)
    return private_download(
        data_exchange.layout_csv(region, "lapor"), mimetype="text/csv", name=data_exchange.filename(region, "lapor")
    )


def _forward_form(prefix: str, case: Complaint) -> ForwardForm | None:
    if current_user.role is not Role.LIAISON:
        return None
    return ForwardForm(prefix=prefix, heads=inbox.heads_of(case))


def _lock(model, item_id: int) -> None:
    """Hold the row until commit: a double click answers once (the second sees the first's answer)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.scalar(select(model).where(model.id == item_id).with_for_update())


def _forward(case: Complaint, form: ForwardForm, title: str, target: str):
    """A liaison forwards the item shown on this page to a head of the case's unit."""
    to = db.session.get(User, form.to.data) or abort(400)
    return _perform(
        lambda: inbox.forward(case, title, external_url_of(target), to, form.note.data, by=current_user),
        _("Forwarded."),
        target,
    )


def external_url_of(path: str) -> str:
    """The absolute address of a path of this site, for e-mails."""
    return external_url("public.home").rstrip("/") + path


def _perform(action, done_message: str, target: str):
    with committing() as change:
        action()
    if not change.committed:
        return False
    flash(done_message, "success")
    return redirect(target)


# --- clarification requests ------------------------------------------------------------------------------------


@bp.route("/portal/permintaan/<int:request_id>", methods=["GET", "POST"])
@require_role(*PORTAL)
def clarification(request_id: int):
    if request.method == "POST":
        _lock(ClarificationRequest, request_id)
    item = inbox.request_in_reach(request_id, current_user) or abort(404)
    case = item.complaint
    answer_form = AnswerForm(prefix="answer") if current_user.role is Role.UNIT_HEAD else None
    if answer_form is not None and request.method == "GET":
        answer_form.mode.data = "answer" if item.status is ClarificationStatus.OPEN else "supplement"
    forward_form = _forward_form("forward", case)
    status = 200
    if request.method == "POST":
        target = url_for("units.clarification", request_id=item.id)
        if answer_form is not None:
            if answer_form.validate():
                # The page said whether this is the answer or a supplement: a second click on "answer" is refused,
                # not quietly stored as a supplement.
                perform = inbox.answer_request if answer_form.mode.data == "answer" else inbox.add_supplement
                done = _perform(
                    lambda: perform(item, answer_form.text.data, answer_form.checked, by=current_user),
                    _("Your answer has been sent to the Ombudsman."),
                    target,
                )
                if done:
                    return done
        elif forward_form is not None and forward_form.validate():
            done = _forward(case, forward_form, _("Clarification request %(round)d", round=item.round), target)
            if done:
                return done
        status = INVALID
        flash(_("Please correct the form."), "danger")
    return render_template(
        "units/request.html",
        item=item,
        case=case,
        reporter=reporter_label(case),
        answers=inbox.submissions_for(request_id=item.id),
        attachments=inbox.report_documents(case),
        answer_form=answer_form,
        forward_form=forward_form,
    ), status


@bp.get("/portal/permintaan/<int:request_id>/surat.pdf")
@require_role(*PORTAL)
def clarification_letter(request_id: int):
    item = inbox.request_in_reach(request_id, current_user) or abort(404)
    return private_download(
        clarification_letter_pdf(item), mimetype="application/pdf", name=f"klarifikasi-{item.round}.pdf"
    )


# --- corrective actions ----------------------------------------------------------------------------------------


@bp.route("/portal/tindakan/<int:action_id>", methods=["GET", "POST"])
@require_role(*PORTAL)
def corrective_action(action_id: int):
    if request.method == "POST":
        _lock(CorrectiveAction, action_id)
    item = inbox.action_in_reach(action_id, current_user) or abort(404)
    case = db.session.get(Complaint, item.complaint_id)
    report_form = ActionReportForm(prefix="report") if current_user.role is Role.UNIT_HEAD else None
    forward_form = _forward_form("forward", case)
    status = 200
    if request.method == "POST":
        target = url_for("units.corrective_action", action_id=item.id)
        if report_form is not None:
            if report_form.validate():
                done = _perform(
                    lambda: inbox.report_action(
                        item, report_form.text.data, report_form.done_on.data, report_form.checked, by=current_user
                    ),
                    _("Your report has been sent to the Ombudsman."),
                    target,
                )
                if done:
                    return done
        elif forward_form is not None and forward_form.validate():
            done = _forward(case, forward_form, _("Corrective action"), target)
            if done:
                return done
        status = INVALID
        flash(_("Please correct the form."), "danger")
    return render_template(
        "units/action.html",
        item=item,
        case=case,
        reporter=reporter_label(case),
        reports=inbox.submissions_for(action_id=item.id),
        report_form=report_form,
        forward_form=forward_form,
    ), status


@bp.get("/portal/kasus/<int:case_id>/lampiran/<int:attachment_id>")
@require_role(*PORTAL)
def attachment(case_id: int, attachment_id: int):
    case = db.session.get(Complaint, case_id)
    if case is None or not reach.reaches(current_user, case):
        abort(404)
    item = next((a for a in inbox.visible_attachments(case) if a.id == attachment_id), None) or abort(404)
    return private_file(uploads.path_of(item), mimetype=item.content_type.value, name=inbox.shown_name(item))


# --- the unit's own record -------------------------------------------------------------------------------------


@bp.get("/portal/rekap")
@require_role(*PORTAL)
def record():
    unit_ids = sorted(reach.unit_ids_in_reach(current_user))
    return render_template("units/record.html", rows=live_figures.unit_figures(unit_ids))


# --- joint reviews under an agreement --------------------------------------------------------------------------

REVIEWERS = ("liaison", "supervisor", "admin")


@bp.get("/portal/tinjauan")
@require_role(*REVIEWERS)
def reviews_index():
    agreements = reach.followed_agreements(current_user)
    listed = db.session.scalars(
        select(JointReview)
        .where(JointReview.agreement_id.in_([a.id for a in agreements]))
        .order_by(JointReview.period.desc(), JointReview.id.desc())
    ).all()
    today = office_today(current_user.timezone)
    return render_template(
        "units/reviews.html",
        agreements=[a for a in agreements if a.is_active(today)],
        reviews=listed,
        period=joint_reviews.quarter_of(today),
        by_agreement={a.id: a for a in agreements},
    )


@bp.post("/portal/tinjauan/<int:agreement_id>")
@require_role(*REVIEWERS)
def review_now(agreement_id: int):
    agreement = next((a for a in reach.followed_agreements(current_user) if a.id == agreement_id), None) or abort(404)
    period = joint_reviews.quarter_of(office_today(agreement.region.province.timezone))
    if hand_over("complaints.portal.review", agreement.id, period):
        flash(_("The review is being prepared; it appears in the list when it is ready."), "info")
    else:  # the broker is down: say so rather than fail the page
        flash(_("The review cannot be prepared right now. Please try again in a few minutes."), "warning")
    return redirect(url_for("units.reviews_index"))


@bp.get("/portal/tinjauan/file/<int:review_id>.<kind>")
@require_role(*REVIEWERS)
def review_file(review_id: int, kind: str):
    review = db.session.get(JointReview, review_id)
    if (
        review is None
        or kind not in {"pdf", "xlsx"}
        or review.agreement_id not in {a.id for a in reach.followed_agreements(current_user)}
    ):
        abort(404)
    mimetype = (
        "application/pdf" if kind == "pdf" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return send_file(
        joint_reviews.review_path(review, kind),
        mimetype=mimetype,
        as_attachment=True,
        download_name=f"tinjauan-bersama-{review.period}.{kind}",
    )
