"""Examination of a registered case: the examiner, clarification requests to the unit and their answers, summons,
other steps, and its ends: resolved by the unit, or the conclusion told to the reporter before the final report.
Each step passes ``permissions.guard`` first (a unit head answering through the portal excepted); the caller
commits."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from complaints.extensions import db
from complaints.i18n import format_long_date
from complaints.models import CaseStatus, ClarificationRequest, ClarificationStatus, Complaint, Role, User
from complaints.models.types import utcnow
from complaints.services.casework import clocks, history
from complaints.services.casework.closure import close_case
from complaints.services.casework.notifications import (
    actor_label,
    log_event,
    mail_text,
    notify_reporter,
    reporter_label,
)
from complaints.services.casework.permissions import OFFICER, SUPERVISOR, guard
from complaints.services.casework.reach import unit_recipients
from complaints.services.core import outbox
from complaints.services.core.errors import RuleError
from complaints.services.core.links import external_url

#: After the third ignored summons the Ombudsman may ask the police to bring the official (UU 37/2008 art. 31).
SUMMONS_BEFORE_POLICE = 3

EXAMINATION_STEPS = {
    "document_review": _l("Document review"),
    "field_check": _l("Field check"),
    "direct_clarification": _l("Direct clarification"),
    "conciliation": _l("Conciliation"),
    "mediation": _l("Mediation"),
}


def assign_examiner(case: Complaint, examiner: User, *, by: User) -> None:
    guard(case, "assign_examiner", by)
    if examiner.role not in {OFFICER, SUPERVISOR} or examiner.office_id != case.office_id or not examiner.active:
        raise RuleError(_l("Choose an active officer of this office."), "examiner_id")
    case.examiner = examiner
    case.status = CaseStatus.EXAMINATION
    log_event(case, "examiner_assigned", by, examiner_id=examiner.id, examiner=examiner.full_name)


def no_open_request(case: Complaint) -> None:
    """Raise RuleError while a clarification request to the unit awaits its answer or its due date."""
    open_request = db.session.scalar(
        select(ClarificationRequest.id).where(
            ClarificationRequest.complaint_id == case.id, ClarificationRequest.status == ClarificationStatus.OPEN
        )
    )
    if open_request is not None:
        raise RuleError(_l("A clarification request is still open; wait for its answer or its due date."))


def request_clarification(case: Complaint, questions: str, *, by: User) -> ClarificationRequest:
    """A written clarification request to the unit (answer due in 14 days, or the agreement's terms); a second one
    may follow when the first goes unanswered."""
    guard(case, "request_clarification", by)
    if not questions.strip():
        raise RuleError(_l("Write the questions for the unit."), "questions")
    no_open_request(case)
    rounds = db.session.scalar(
        select(func.count()).select_from(ClarificationRequest).where(ClarificationRequest.complaint_id == case.id)
    )
    if rounds >= 2:
        raise RuleError(_l("Two written requests have been sent; the next step is a summons."))
    _quick_response_answered(case)
    return send_clarification(case, questions, rounds + 1, by=by)


def send_clarification(case: Complaint, questions: str, round_: int, *, by: User | None) -> ClarificationRequest:
    """Send request ``round_`` to the unit, unchecked: ``by`` is None when the clock sweep sends the second one."""
    clock = clocks.start_clock(case, "clarification")
    request = ClarificationRequest(
        complaint_id=case.id, unit_id=case.unit_id, round=round_, questions=questions, clock=clock, sent_by=by
    )
    db.session.add(request)
    db.session.flush()
    log_event(case, "clarification_requested", by, round=round_, request_id=request.id, due_on=clock.due_on.isoformat())
    for address in unit_recipients(case):
        outbox.queue_email(
            to=address,
            subject=_("Clarification request %(round)d on case %(reg)s", round=round_, reg=case.registration_number),
            body=mail_text(
                "clarification_request",
                link=external_url("units.clarification", request_id=request.id),
                unit=case.unit.name,
                reg=case.registration_number,
                reporter=reporter_label(case),
                questions=questions,
                date=format_long_date(clock.due_on),
                basis=clock.legal_basis,
                office=case.office.name,
            ),
            kind="clarification_request",
            complaint=case,
        )
    return request


def record_clarification_answer(request: ClarificationRequest, answer: str, *, by: User) -> None:
    """The unit's answer (through its portal, or a letter the officer records): meets the clarification clock."""
    case = request.complaint
    if by.role is Role.UNIT_HEAD:
        if request.unit_id not in {unit.id for unit in by.units}:
            raise RuleError(_l("This request is addressed to another unit."))
        if case.status is not CaseStatus.EXAMINATION:
            raise RuleError(_l("The examination of this case is over."))
    else:
        guard(case, "record_clarification_answer", by)
    if request.status is not ClarificationStatus.OPEN:
        raise RuleError(_l("This request has already been answered or has run out."))
    if not answer.strip():
        raise RuleError(_l("Write the answer."), "answer")
    request.status = ClarificationStatus.ANSWERED
    request.answer = answer
    request.answered_at = utcnow()
    request.answered_by_id = by.id
    clocks.meet_clock(request.clock)
    history.record_event(
        case,
        "clarification_answered",
        actor=by,
        actor_label=f"{by.full_name} ({case.unit.name})" if by.role is Role.UNIT_HEAD else actor_label(by),
        payload={"round": request.round, "request_id": request.id},
    )


def record_summons(case: Complaint, note: str, *, by: User) -> None:
    guard(case, "record_summons", by)
    case.summons_count += 1
    log_event(
        case,
        "summons_recorded",
        by,
        number=case.summons_count,
        note=note,
        police_assistance_possible=case.summons_count >= SUMMONS_BEFORE_POLICE,
    )


def _quick_response_answered(case: Complaint) -> None:
    """A quick response's short clock is met by the officer's first action on it."""
    clock = clocks.running_clock(case, "quick_response", include_breached=True)
    if clock is not None:
        clocks.meet_clock(clock)


def record_step(case: Complaint, step: str, note: str, *, by: User) -> None:
    guard(case, "record_step", by)
    if step not in EXAMINATION_STEPS:
        raise RuleError(_l("Choose the kind of step."), "step")
    if not note.strip():
        raise RuleError(_l("Describe what was done and found."), "note")
    _quick_response_answered(case)
    log_event(case, "examination_step", by, step=step, note=note)


def resolved_by_unit(case: Complaint, note: str, *, by: User) -> None:
    guard(case, "resolved_by_unit", by)
    close_case(case, "sudah_diselesaikan_instansi", note, by=by, stages={"examination"})


def send_notice(case: Complaint, conclusion: str, *, by: User) -> None:
    """Tell the reporter the conclusion before the final report: 14 days to respond (PO 48/2020 art. 25(5))."""
    guard(case, "send_notice", by)
    if not conclusion.strip():
        raise RuleError(_l("Write the conclusion for the reporter."), "conclusion")
    if case.reporter is None:
        raise RuleError(_l("An own-motion case has no reporter to notify; issue the final report."))
    no_open_request(case)
    case.status = CaseStatus.PRE_REPORT_NOTICE
    clock = clocks.start_clock(case, "pre_report_response")
    log_event(case, "notice_sent", by, public=True, conclusion=conclusion, due_on=clock.due_on.isoformat())
    notify_reporter(
        case,
        _("Report %(number)s: the Ombudsman's conclusion", number=case.tracking_number),
        "pre_report_notice",
        number=case.tracking_number,
        conclusion=conclusion,
        date=format_long_date(clock.due_on),
        url=external_url("reports.track"),
        office=case.office.name,
    )


def reopen_examination(case: Complaint, reason: str, *, by: User) -> None:
    guard(case, "reopen_examination", by)
    clock = clocks.running_clock(case, "pre_report_response", include_breached=True)
    if clock is not None:
        clocks.meet_clock(clock)
    case.status = CaseStatus.EXAMINATION
    log_event(case, "examination_reopened", by, public=True, reason=reason)
