from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from complaints.access import require_role
from complaints.blueprints.cases import bp
from complaints.blueprints.cases import forms as f
from complaints.extensions import db
from complaints.models import (
    CaseEvent,
    CaseKind,
    ClarificationRequest,
    Clock,
    Complaint,
    CorrectiveAction,
    FinalReport,
    IdentityChannel,
    IdentityShown,
    Office,
    Recommendation,
    UnitSubmission,
    User,
)
from complaints.pages import INVALID, committing, form_status, private_download, private_file
from complaints.security import database_id, page_number
from complaints.services.casework import (
    examination,
    final_report,
    monitoring,
    officer_queue,
    opening,
    permissions,
    reach,
    verification,
)
from complaints.services.casework.letters import clarification_letter_pdf
from complaints.services.core import uploads
from complaints.services.core.errors import RuleError
from complaints.services.places.working_days import office_today
from complaints.services.privacy import identity_views

STAFF = ("officer", "supervisor")
PER_PAGE = 25


def _case_or_404(case_id: int, *, lock: bool = False) -> Complaint:
    return reach.case_in_reach(current_user, case_id, lock=lock) or abort(404)


# --- the queue -------------------------------------------------------------------------------------------------


@bp.get("")
@require_role(*STAFF)
def index():
    office = current_user.office
    today = office_today(office.timezone)
    form = f.QueueFilterForm(request.args, office=office)
    form.validate()
    filters = officer_queue.QueueFilters(
        status=form.status.data or None,
        region_id=form.region_id.data if not form.region_id.errors else None,
        unit_id=form.unit_id.data if not form.unit_id.errors else None,
        examiner_id=form.examiner_id.data if not form.examiner_id.errors else None,
        form_code=form.form_code.data if not form.form_code.errors else None,
        area_code=form.area_code.data if not form.area_code.errors else None,
        due_within_days=form.due_within.data if not form.due_within.errors else None,
        overdue=bool(form.overdue.data),
    )
    page = db.paginate(
        officer_queue.queue_query(office, filters, today).options(
            selectinload(Complaint.unit), selectinload(Complaint.examiner)
        ),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "cases/queue.html",
        form=form,
        page=page,
        next_due=officer_queue.next_due_dates([c.id for c in page.items]),
        counts=officer_queue.status_counts(office),
        overdue=officer_queue.overdue_count(office, today),
        today=today,
    )


# --- a case ----------------------------------------------------------------------------------------------------


def _action_forms(case: Complaint) -> dict:
    """A form for each action this user may take now."""
    forms = {}
    other_offices = db.session.scalar(select(func.count()).select_from(Office).where(Office.id != case.office_id))
    for name in permissions.ACTIONS:
        if name == "transfer" and not other_offices:
            continue  # nowhere to transfer to
        if permissions.allowed(case, name, current_user):
            forms[name] = ACTION_FORMS[name][0](formdata=None, prefix=name, case=case)
    if "record_checks" in forms:
        for code, value in case.verification_checks.items():
            if code in forms["record_checks"]:
                forms["record_checks"][code].data = value
    return forms


def _render_case(case: Complaint, forms: dict | None = None, status: int = 200):
    action_forms = _action_forms(case)
    action_forms.update(forms or {})
    details = {
        "clocks": db.session.scalars(select(Clock).where(Clock.complaint_id == case.id).order_by(Clock.id)).all(),
        "requests": db.session.scalars(
            select(ClarificationRequest)
            .where(ClarificationRequest.complaint_id == case.id)
            .order_by(ClarificationRequest.round)
        ).all(),
        "final_report": db.session.scalar(select(FinalReport).where(FinalReport.complaint_id == case.id)),
        "corrective_actions": db.session.scalars(
            select(CorrectiveAction).where(CorrectiveAction.complaint_id == case.id).order_by(CorrectiveAction.id)
        ).all(),
        "recommendation": db.session.scalar(select(Recommendation).where(Recommendation.complaint_id == case.id)),
        "submissions": db.session.scalars(
            select(UnitSubmission).where(UnitSubmission.complaint_id == case.id).order_by(UnitSubmission.id)
        ).all(),
        "events": db.session.scalars(
            select(CaseEvent).where(CaseEvent.complaint_id == case.id).order_by(CaseEvent.seq)
        ).all(),
    }
    page = (
        render_template(
            "cases/case.html",
            case=case,
            forms=action_forms,
            actions=permissions.ACTIONS,
            formal_checks=verification.FORMAL_CHECKS,
            material_checks=verification.MATERIAL_CHECKS,
            steps=examination.EXAMINATION_STEPS,
            today=office_today(case.office.timezone),
            **details,
        ),
        status,
    )
    # Who was shown the reporter's identity is recorded in the same transaction as the page (UU 27/2022).
    identity_views.record_if_shown(current_user, case, IdentityShown.IDENTITY, IdentityChannel.PAGE)
    db.session.commit()
    return page


@bp.get("/<int:case_id>")
@require_role(*STAFF)
def show(case_id: int):
    return _render_case(_case_or_404(case_id))


def _planned_actions(form: f.FinalReportForm) -> list[final_report.PlannedAction]:
    planned = []
    for n in range(1, f.ACTION_ROWS + 1):
        description = form[f"action{n}_description"].data
        if description and description.strip():
            planned.append(
                final_report.PlannedAction(
                    addressee=form[f"action{n}_addressee"].data,
                    addressee_name=form[f"action{n}_name"].data or "",
                    description=description,
                )
            )
    return planned


def _request_of(case: Complaint, form) -> ClarificationRequest:
    item = db.session.get(ClarificationRequest, database_id(form.request_id.data) or 0)
    if item is None or item.complaint_id != case.id:
        raise RuleError(_("Unknown clarification request."))
    return item


def _action_of(case: Complaint, form) -> CorrectiveAction:
    item = db.session.get(CorrectiveAction, database_id(form.action_id.data) or 0)
    if item is None or item.complaint_id != case.id:
        raise RuleError(_("Unknown corrective action."))
    return item


# Each action: its form, and how to call the service with it.
ACTION_FORMS = {
    "begin_verification": (f.ConfirmForm, lambda c, form, u: verification.begin_verification(c, by=u)),
    "record_checks": (
        f.ChecksForm,
        lambda c, form, u: verification.record_checks(
            c, {code: form[code].data for code in {**verification.FORMAL_CHECKS, **verification.MATERIAL_CHECKS}}, by=u
        ),
    ),
    "request_documents": (
        f.DocumentsRequestForm,
        lambda c, form, u: verification.request_documents(c, form.missing.data, by=u),
    ),
    "register": (f.ConfirmForm, lambda c, form, u: verification.register(c, by=u)),
    "reject": (f.RejectForm, lambda c, form, u: verification.reject(c, form.reason.data, form.note.data, by=u)),
    "transfer": (
        f.TransferForm,
        lambda c, form, u: verification.transfer(c, db.session.get(Office, form.office_id.data), form.note.data, by=u),
    ),
    "assign_examiner": (
        f.AssignForm,
        lambda c, form, u: examination.assign_examiner(c, db.session.get(User, form.examiner_id.data), by=u),
    ),
    "request_clarification": (
        f.ClarificationForm,
        lambda c, form, u: examination.request_clarification(c, form.questions.data, by=u),
    ),
    "record_clarification_answer": (
        f.AnswerForm,
        lambda c, form, u: examination.record_clarification_answer(_request_of(c, form), form.answer.data, by=u),
    ),
    "record_summons": (f.SummonsForm, lambda c, form, u: examination.record_summons(c, form.note.data, by=u)),
    "record_step": (f.StepForm, lambda c, form, u: examination.record_step(c, form.step.data, form.note.data, by=u)),
    "resolved_by_unit": (f.NoteForm, lambda c, form, u: examination.resolved_by_unit(c, form.note.data, by=u)),
    "send_notice": (f.NoticeForm, lambda c, form, u: examination.send_notice(c, form.conclusion.data, by=u)),
    "reopen_examination": (f.ReopenForm, lambda c, form, u: examination.reopen_examination(c, form.note.data, by=u)),
    "issue_final_report": (
        f.FinalReportForm,
        lambda c, form, u: final_report.issue_final_report(
            c,
            conclusion=form.conclusion.data,
            summary=form.summary.data,
            form_codes=form.forms.data or [],
            actions=_planned_actions(form),
            by=u,
        ),
    ),
    "record_verdict": (
        f.VerdictForm,
        lambda c, form, u: monitoring.record_verdict(_action_of(c, form), form.verdict.data, form.reason.data, by=u),
    ),
    "close_after_monitoring": (
        f.NoteForm,
        lambda c, form, u: monitoring.close_after_monitoring(c, form.note.data, by=u),
    ),
    "escalate_to_resolution": (
        f.NoteForm,
        lambda c, form, u: monitoring.escalate_to_resolution(c, form.note.data, by=u),
    ),
    "issue_recommendation": (
        f.RecommendationForm,
        lambda c, form, u: monitoring.issue_recommendation(c, form.text.data, form.addressed_to.data, by=u),
    ),
    "record_recommendation_outcome": (
        f.OutcomeForm,
        lambda c, form, u: monitoring.record_recommendation_outcome(c, form.outcome.data, form.note.data, by=u),
    ),
}


@bp.post("/<int:case_id>/<action>")
@require_role(*STAFF)
def act(case_id: int, action: str):
    case = _case_or_404(case_id, lock=True)
    if action not in ACTION_FORMS:
        abort(404)
    form_class, perform = ACTION_FORMS[action]
    form = form_class(prefix=action, case=case)
    if form.validate_on_submit():
        try:
            with committing(form, flash_refusal=True) as change:
                perform(case, form, current_user)
        except IntegrityError:  # someone else took the same step at the same moment
            db.session.rollback()
            flash(_("The case was changed by someone else at the same moment. Check it and try again."), "warning")
            return redirect(url_for("cases.show", case_id=case_id)), 303
        if change.committed:
            flash(_("Done: %(action)s.", action=permissions.ACTIONS[action].label), "success")
            if db.session.get(Complaint, case_id).office_id != current_user.office_id:  # transferred away
                return redirect(url_for("cases.index"))
            return redirect(url_for("cases.show", case_id=case.id))
    db.session.rollback()
    return _render_case(db.session.get(Complaint, case_id), {action: form}, INVALID)


# --- documents -------------------------------------------------------------------------------------------------


@bp.get("/<int:case_id>/lampiran/<int:attachment_id>")
@require_role(*STAFF)
def attachment(case_id: int, attachment_id: int):
    case = _case_or_404(case_id)
    item = next((a for a in case.attachments if a.id == attachment_id), None) or abort(404)
    if identity_views.record_document(current_user, item):
        db.session.commit()
    return private_file(uploads.path_of(item), mimetype=item.content_type.value, name=item.original_name)


@bp.get("/<int:case_id>/klarifikasi/<int:request_id>.pdf")
@require_role(*STAFF)
def clarification_letter(case_id: int, request_id: int):
    case = _case_or_404(case_id)
    item = db.session.get(ClarificationRequest, request_id)
    if item is None or item.complaint_id != case.id:
        abort(404)
    return private_download(
        clarification_letter_pdf(item),
        mimetype="application/pdf",
        name=f"klarifikasi-{item.round}-{case.tracking_number}.pdf",
    )


# --- cases the Ombudsman opens ---------------------------------------------------------------------------------


@bp.route("/baru", methods=["GET", "POST"])
@require_role(*STAFF)
def new():
    form = f.NewCaseForm(office=current_user.office)
    if form.validate_on_submit():
        with committing(form) as change:
            case = opening.open_case(
                CaseKind(form.kind.data),
                unit_id=form.unit_id.data,
                event_date=form.event_date.data,
                account=form.account.data,
                substance_area_code=form.substance_area_code.data,
                by=current_user,
                submission_key=form.submission_key.data,
            )
        if change.committed:
            flash(_("Case %(number)s opened.", number=case.registration_number), "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/new.html", form=form), form_status()
