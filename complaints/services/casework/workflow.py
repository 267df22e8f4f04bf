"""The statutory workflow of a case, from verification to closure (DESIGN §2; UU 37/2008; PO 26/2017 as amended by
PO 48/2020, and PO 58/2023).

Every change goes through ``perform``'s guard: the action must be allowed for the user's role, in the case's
status, and in the user's office; examination steps belong to the case's examiner (or a supervisor). A refused
change raises ``RuleError`` and changes nothing. Each change writes a history event and queues its notifications
in the same transaction; the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from complaints.extensions import db
from complaints.i18n import format_long_date
from complaints.models import (
    Addressee,
    CaseKind,
    CaseStatus,
    ClarificationRequest,
    ClarificationStatus,
    ClockStatus,
    ClosureReason,
    Complaint,
    Conclusion,
    CorrectiveAction,
    FinalReport,
    MaladministrationForm,
    Office,
    Recommendation,
    RegistrationCounter,
    Role,
    User,
    Verdict,
)
from complaints.models.types import utcnow
from complaints.services.casework import clocks, history
from complaints.services.core import outbox
from complaints.services.core.errors import RuleError
from complaints.services.core.links import external_url

S = CaseStatus
OFFICER, SUPERVISOR = Role.OFFICER, Role.SUPERVISOR
BEFORE_REGISTRATION = frozenset({S.RECEIVED, S.VERIFICATION, S.DOCUMENTS_REQUESTED})


@dataclass(frozen=True)
class Action:
    """Who may do what, from which statuses."""

    label: str
    from_statuses: frozenset[CaseStatus]
    roles: frozenset[Role]
    #: Examination work belongs to the case's examiner; supervisors may always act.
    examiner_only: bool = False


ACTIONS: dict[str, Action] = {
    "begin_verification": Action(_l("Begin verification"), frozenset({S.RECEIVED}), frozenset({OFFICER, SUPERVISOR})),
    "record_checks": Action(
        _l("Record the verification checks"), frozenset({S.RECEIVED, S.VERIFICATION}), frozenset({OFFICER, SUPERVISOR})
    ),
    "request_documents": Action(
        _l("Ask the reporter for documents"), frozenset({S.RECEIVED, S.VERIFICATION}), frozenset({OFFICER, SUPERVISOR})
    ),
    "register": Action(_l("Register the report"), frozenset({S.RECEIVED, S.VERIFICATION}), frozenset({SUPERVISOR})),
    "reject": Action(_l("Reject the report"), BEFORE_REGISTRATION, frozenset({SUPERVISOR})),
    "transfer": Action(_l("Transfer to another office"), BEFORE_REGISTRATION, frozenset({SUPERVISOR})),
    "assign_examiner": Action(
        _l("Assign an examiner"), frozenset({S.REGISTERED, S.EXAMINATION}), frozenset({SUPERVISOR})
    ),
    "request_clarification": Action(
        _l("Send a clarification request"), frozenset({S.EXAMINATION}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "record_clarification_answer": Action(
        _l("Record the unit's answer"), frozenset({S.EXAMINATION}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "record_summons": Action(
        _l("Record a summons"), frozenset({S.EXAMINATION}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "record_step": Action(
        _l("Record an examination step"), frozenset({S.EXAMINATION}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "resolved_by_unit": Action(_l("Close: resolved by the unit"), frozenset({S.EXAMINATION}), frozenset({SUPERVISOR})),
    "send_notice": Action(
        _l("Notify the reporter of the conclusion"), frozenset({S.EXAMINATION}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "reopen_examination": Action(
        _l("Reopen the examination"), frozenset({S.PRE_REPORT_NOTICE}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "issue_final_report": Action(
        _l("Issue the final report"), frozenset({S.PRE_REPORT_NOTICE, S.EXAMINATION}), frozenset({SUPERVISOR})
    ),
    "record_verdict": Action(
        _l("Judge a corrective action"), frozenset({S.CORRECTIVE_MONITORING}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "close_after_monitoring": Action(
        _l("Close: corrective actions implemented"), frozenset({S.CORRECTIVE_MONITORING}), frozenset({SUPERVISOR})
    ),
    "escalate_to_resolution": Action(
        _l("Move to resolution"), frozenset({S.CORRECTIVE_MONITORING}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "issue_recommendation": Action(_l("Issue a recommendation"), frozenset({S.RESOLUTION}), frozenset({SUPERVISOR})),
    "record_recommendation_outcome": Action(
        _l("Record the recommendation's outcome"), frozenset({S.RECOMMENDATION}), frozenset({SUPERVISOR})
    ),
}


def allowed(case: Complaint, action: str, user: User) -> bool:
    try:
        guard(case, action, user)
    except RuleError:
        return False
    return True


def guard(case: Complaint, action: str, user: User) -> Action:
    """Raise RuleError unless ``user`` may take ``action`` on ``case`` now."""
    rule = ACTIONS[action]
    if user.role not in rule.roles:
        raise RuleError(_l("Your role may not do this: %(action)s.", action=rule.label))
    if user.office_id != case.office_id:
        raise RuleError(_l("This case belongs to another office."))
    if case.status not in rule.from_statuses:
        raise RuleError(_l("Not possible while the case is at this stage: %(action)s.", action=rule.label))
    if rule.examiner_only and user.role is OFFICER and case.examiner_id != user.id:
        raise RuleError(_l("Only the case's examiner or a supervisor may do this."))
    return rule


def actor_label(user: User) -> str:
    return f"{user.full_name} (Ombudsman)"


def _event(case: Complaint, type_: str, user: User | None, *, public: bool = False, **payload) -> None:
    history.record_event(
        case, type_, actor=user, actor_label=actor_label(user) if user else _("System"), public=public, payload=payload
    )


def reporter_label(case: Complaint) -> str:
    """How the reporter is named to anyone outside the Ombudsman."""
    if case.reporter is None:
        if case.kind is CaseKind.QUICK_RESPONSE:
            return _("Quick response of the Ombudsman")
        return _("Own-motion investigation (no reporter)")
    return "Pelapor (dirahasiakan)" if case.confidential else case.reporter.full_name


def notify_reporter(case: Complaint, subject: str, body: str, kind: str) -> None:
    if case.reporter is None:
        return
    outbox.queue_email(to=case.reporter.email, subject=subject, body=body, kind=kind, complaint=case)


def office_recipients(case: Complaint) -> list[str]:
    """Who at the Ombudsman hears of the case: its examiner, else the office's supervisors."""
    if case.examiner is not None and case.examiner.active:
        return [case.examiner.email]
    return list(
        db.session.scalars(
            select(User.email).where(User.office_id == case.office_id, User.role == Role.SUPERVISOR, User.active)
        )
    )


def notify_office(case: Complaint, what: str, kind: str) -> None:
    for address in office_recipients(case):
        outbox.queue_email(
            to=address,
            subject=_("Case %(number)s: %(what)s", number=case.registration_number or case.tracking_number, what=what),
            body=_(
                "%(what)s\n\nCase %(number)s, %(unit)s.\n%(link)s",
                what=what,
                number=case.registration_number or case.tracking_number,
                unit=case.unit.name,
                link=external_url("cases.show", case_id=case.id),
            ),
            kind=kind,
            complaint=case,
        )


def unit_recipients(case: Complaint) -> list[str]:
    """The unit's heads, and under an active agreement the region's liaisons."""
    addresses = [head.email for head in case.unit.heads if head.active]
    if case.region.active_agreement(clocks.case_today(case)) is not None:
        # The same rule as the portal: every active liaison of the region, while its agreement is active.
        addresses += list(
            db.session.scalars(
                select(User.email).where(User.role == Role.LIAISON, User.region_id == case.region_id, User.active)
            )
        )
    return sorted(set(addresses))


# --- verification ----------------------------------------------------------------------------------------------

#: Formal requirements (UU 37/2008 art. 24(1)) and material ones (art. 36(1)): code → label.
FORMAL_CHECKS = {
    "identity": _l("Identity of the reporter complete, with a copy of the ID card"),
    "account": _l("Clear account of what happened"),
    "prior_complaint": _l("Complained first to the unit or its superior"),
    "within_two_years": _l("Event no older than two years"),
    "expectation": _l("What the reporter wants is stated"),
}
MATERIAL_CHECKS = {
    "within_remit": _l("Within the Ombudsman's remit"),
    "not_in_court": _l("Not before a court"),
    "not_handled_elsewhere": _l("Not already handled by another body"),
    "unit_had_reasonable_time": _l("The unit has had a reasonable time to resolve it"),
}


def begin_verification(case: Complaint, *, by: User) -> None:
    guard(case, "begin_verification", by)
    case.status = S.VERIFICATION
    _event(case, "verification_started", by, public=False)


def record_checks(case: Complaint, checks: dict[str, bool], *, by: User) -> None:
    guard(case, "record_checks", by)
    known = set(FORMAL_CHECKS) | set(MATERIAL_CHECKS)
    case.verification_checks = {code: bool(checks.get(code)) for code in sorted(known)}
    if case.status is S.RECEIVED:
        case.status = S.VERIFICATION
    _event(case, "checks_recorded", by, checks=case.verification_checks)


def request_documents(case: Complaint, missing: str, *, by: User) -> None:
    """Tell the reporter what is missing: 30 days (UU 37/2008 art. 25; the completion clock), during which the
    Ombudsman's own verification clock waits."""
    guard(case, "request_documents", by)
    if not missing.strip():
        raise RuleError(_l("Say which documents are missing."), "missing")
    if case.reporter is None:
        raise RuleError(_l("This case has no reporter to ask."))
    today = clocks.case_today(case)
    verification = clocks.running_clock(case, "verification")
    if verification is not None:
        clocks.pause_clock(verification, today)
    completion = clocks.start_clock(case, "completion", on=today)
    case.status = S.DOCUMENTS_REQUESTED
    _event(case, "documents_requested", by, public=True, missing=missing, due_on=completion.due_on.isoformat())
    notify_reporter(
        case,
        _("Report %(number)s: documents needed", number=case.tracking_number),
        _(
            "To verify report %(number)s the Ombudsman needs:\n\n%(missing)s\n\n"
            "Please supply them by %(date)s at %(url)s (tracking number and access key). After that date the "
            "report is closed.\n\n%(office)s",
            number=case.tracking_number,
            missing=missing,
            date=format_long_date(completion.due_on),
            url=external_url("reports.track"),
            office=case.office.name,
        ),
        "documents_requested",
    )


ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def next_registration_number(office: Office, on: date, series: str) -> str:
    """``<sequence>/<series>/<month in Roman numerals>/<year>/<office code>``, numbered per office, year and series.
    The counter row is locked while the number is taken, so two registrations never get the same one."""
    query = select(RegistrationCounter).where(
        RegistrationCounter.office_id == office.id,
        RegistrationCounter.year == on.year,
        RegistrationCounter.series == series,
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    counter = db.session.scalar(query)
    if counter is None:
        counter = RegistrationCounter(office=office, year=on.year, series=series, last_number=0)
        db.session.add(counter)
    counter.last_number += 1
    db.session.flush()
    return f"{counter.last_number:04d}/{series}/{ROMAN_MONTHS[on.month - 1]}/{on.year}/{office.code}"


def _registration_series(case: Complaint) -> str:
    return current_app.config["REGISTRATION_SERIES"][case.kind.value]


def _register(case: Complaint, today: date) -> None:
    case.registration_number = next_registration_number(case.office, today, _registration_series(case))
    case.registered_at = utcnow()
    # A case keeps the rule set in force on the day it was registered.
    case.rule_set = clocks.rule_set_on(today)


def register(case: Complaint, *, by: User) -> None:
    """The office (rapat perwakilan) accepts the report: it gets its registration number."""
    guard(case, "register", by)
    checks = {**FORMAL_CHECKS, **MATERIAL_CHECKS}
    missing = [str(label) for code, label in checks.items() if not case.verification_checks.get(code)]
    if missing:
        raise RuleError(_l("The formal requirements are not all met: %(items)s.", items="; ".join(missing)))
    today = clocks.case_today(case)
    verification = clocks.running_clock(case, "verification", include_breached=True)
    if verification is not None:
        clocks.meet_clock(verification)
    _register(case, today)
    case.status = S.REGISTERED
    _event(case, "registered", by, public=True, registration_number=case.registration_number)
    notify_reporter(
        case,
        _("Report %(number)s has been registered", number=case.tracking_number),
        _(
            "The Ombudsman has accepted report %(number)s for examination under registration number %(reg)s. "
            "You can follow it at %(url)s.\n\n%(office)s",
            number=case.tracking_number,
            reg=case.registration_number,
            url=external_url("reports.track"),
            office=case.office.name,
        ),
        "case_registered",
    )


def close_case(case: Complaint, reason_code: str, note: str, *, by: User | None, stages: Iterable[str]) -> None:
    """Close with a reason valid at this stage, stop every clock, tell the reporter (the closing notice)."""
    reason = db.session.get(ClosureReason, reason_code)
    if reason is None or reason.stage not in {*stages, "any"}:
        raise RuleError(_l("Choose a closure reason that fits this stage."), "reason")
    clocks.cancel_open_clocks(case)
    case.status = S.CLOSED
    case.closed_at = utcnow()
    case.closure_reason_code = reason.code
    case.closure_note = note or None
    _event(case, "closed", by, public=True, reason=reason.code, note=note)
    notify_reporter(
        case,
        _("Report %(number)s has been closed", number=case.tracking_number),
        _(
            "The Ombudsman has closed report %(number)s.\n\nReason: %(reason)s\n%(note)s\n\n"
            "You can see the outcome and rate how your report was handled at %(url)s.\n\n%(office)s",
            number=case.tracking_number,
            reason=reason.label_id,
            note=note or "",
            url=external_url("reports.track"),
            office=case.office.name,
        ),
        "case_closed",
    )


#: Only the reporter withdraws a report; staff never close one with that reason.
WITHDRAWN = "dicabut_pelapor"


def reject(case: Complaint, reason_code: str, note: str, *, by: User) -> None:
    guard(case, "reject", by)
    if reason_code == WITHDRAWN:
        raise RuleError(_l("Choose a closure reason that fits this stage."), "reason")
    close_case(case, reason_code, note, by=by, stages={"verification"})


def transfer(case: Complaint, to_office: Office, note: str, *, by: User) -> None:
    """Hand the report to another office (it then verifies it afresh)."""
    guard(case, "transfer", by)
    if to_office.id == case.office_id:
        raise RuleError(_l("Choose another office."), "office_id")
    from_office = case.office
    case.office = to_office
    case.examiner_id = None
    # The receiving office verifies afresh, on its own clock.
    for kind in ("verification", "completion"):
        old = clocks.running_clock(case, kind, include_breached=True)
        if old is not None:
            clocks.cancel_clock(old)
    case.status = S.RECEIVED
    clocks.start_clock(case, "verification")
    _event(case, "transferred", by, public=True, from_office=from_office.code, to_office=to_office.code, note=note)
    notify_reporter(
        case,
        _("Report %(number)s has been transferred", number=case.tracking_number),
        _(
            "Report %(number)s has been transferred from %(source)s to %(target)s, which will handle it from now on."
            "\n\n%(note)s",
            number=case.tracking_number,
            source=from_office.name,
            target=to_office.name,
            note=note,
        ),
        "case_transferred",
    )


# --- examination -----------------------------------------------------------------------------------------------


def assign_examiner(case: Complaint, examiner: User, *, by: User) -> None:
    guard(case, "assign_examiner", by)
    if examiner.role not in {OFFICER, SUPERVISOR} or examiner.office_id != case.office_id or not examiner.active:
        raise RuleError(_l("Choose an active officer of this office."), "examiner_id")
    case.examiner = examiner
    case.status = S.EXAMINATION
    _event(case, "examiner_assigned", by, examiner_id=examiner.id, examiner=examiner.full_name)


def request_clarification(case: Complaint, questions: str, *, by: User) -> ClarificationRequest:
    """A written clarification request to the unit (answer due in 14 days, or the agreement's terms); a second one
    may follow when the first goes unanswered."""
    guard(case, "request_clarification", by)
    if not questions.strip():
        raise RuleError(_l("Write the questions for the unit."), "questions")
    open_request = db.session.scalar(
        select(ClarificationRequest).where(
            ClarificationRequest.complaint_id == case.id, ClarificationRequest.status == ClarificationStatus.OPEN
        )
    )
    if open_request is not None:
        raise RuleError(_l("A clarification request is still open; wait for its answer or its due date."))
    rounds = db.session.scalar(
        select(func.count()).select_from(ClarificationRequest).where(ClarificationRequest.complaint_id == case.id)
    )
    if rounds >= 2:
        raise RuleError(_l("Two written requests have been sent; the next step is a summons."))
    _quick_response_answered(case)
    return _send_clarification(case, questions, rounds + 1, by=by)


def _send_clarification(case: Complaint, questions: str, round_: int, *, by: User | None) -> ClarificationRequest:
    clock = clocks.start_clock(case, "clarification")
    request = ClarificationRequest(
        complaint_id=case.id, unit_id=case.unit_id, round=round_, questions=questions, clock=clock, sent_by=by
    )
    db.session.add(request)
    db.session.flush()
    _event(case, "clarification_requested", by, round=round_, request_id=request.id, due_on=clock.due_on.isoformat())
    for address in unit_recipients(case):
        outbox.queue_email(
            to=address,
            subject=_("Clarification request %(round)d on case %(reg)s", round=round_, reg=case.registration_number),
            body=_(
                "The Ombudsman asks %(unit)s for clarification on case %(reg)s (reporter: %(reporter)s).\n\n"
                "%(questions)s\n\nPlease answer by %(date)s (%(basis)s) in the portal: %(link)s\n\n%(office)s",
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
        if case.status is not S.EXAMINATION:
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


#: After the third ignored summons the Ombudsman may ask the police to bring the official (UU 37/2008 art. 31).
SUMMONS_BEFORE_POLICE = 3


def record_summons(case: Complaint, note: str, *, by: User) -> None:
    guard(case, "record_summons", by)
    case.summons_count += 1
    _event(
        case,
        "summons_recorded",
        by,
        number=case.summons_count,
        note=note,
        police_assistance_possible=case.summons_count >= SUMMONS_BEFORE_POLICE,
    )


EXAMINATION_STEPS = {
    "document_review": _l("Document review"),
    "field_check": _l("Field check"),
    "direct_clarification": _l("Direct clarification"),
    "conciliation": _l("Conciliation"),
    "mediation": _l("Mediation"),
}


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
    _event(case, "examination_step", by, step=step, note=note)


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
    _no_open_request(case)
    case.status = S.PRE_REPORT_NOTICE
    clock = clocks.start_clock(case, "pre_report_response")
    _event(case, "notice_sent", by, public=True, conclusion=conclusion, due_on=clock.due_on.isoformat())
    notify_reporter(
        case,
        _("Report %(number)s: the Ombudsman's conclusion", number=case.tracking_number),
        _(
            "Before issuing the final report on report %(number)s, the Ombudsman tells you its conclusion:\n\n"
            "%(conclusion)s\n\nYou may respond, with new evidence if you have any, by %(date)s at %(url)s.\n\n"
            "%(office)s",
            number=case.tracking_number,
            conclusion=conclusion,
            date=format_long_date(clock.due_on),
            url=external_url("reports.track"),
            office=case.office.name,
        ),
        "pre_report_notice",
    )


def _no_open_request(case: Complaint) -> None:
    open_request = db.session.scalar(
        select(ClarificationRequest.id).where(
            ClarificationRequest.complaint_id == case.id, ClarificationRequest.status == ClarificationStatus.OPEN
        )
    )
    if open_request is not None:
        raise RuleError(_l("A clarification request is still open; wait for its answer or its due date."))


def reopen_examination(case: Complaint, reason: str, *, by: User) -> None:
    guard(case, "reopen_examination", by)
    clock = clocks.running_clock(case, "pre_report_response", include_breached=True)
    if clock is not None:
        clocks.meet_clock(clock)
    case.status = S.EXAMINATION
    _event(case, "examination_reopened", by, public=True, reason=reason)


@dataclass(frozen=True)
class PlannedAction:
    addressee: str
    addressee_name: str
    description: str


def final_report_title(case: Complaint) -> str:
    return "LHP" if case.rule_set == clocks.NEW_RULE_SET else "LAHP"


def issue_final_report(
    case: Complaint,
    *,
    conclusion: str,
    summary: str,
    form_codes: Iterable[str] = (),
    actions: Iterable[PlannedAction] = (),
    by: User,
) -> FinalReport:
    """The final report. Maladministration found: the forms found and the corrective actions, each with its
    30-day clock (30 working days under PO 58/2023 art. 54); otherwise the case closes."""
    guard(case, "issue_final_report", by)
    if case.status is S.EXAMINATION and case.reporter is not None:
        raise RuleError(_l("Notify the reporter of the conclusion first (14 days to respond)."))
    conclusion = Conclusion(conclusion)
    form_codes, actions = list(dict.fromkeys(form_codes)), list(actions)
    if not summary.strip():
        raise RuleError(_l("Write the summary of the final report."), "summary")
    forms = list(db.session.scalars(select(MaladministrationForm).where(MaladministrationForm.code.in_(form_codes))))
    if conclusion is Conclusion.FOUND:
        if not forms or len(forms) != len(form_codes):
            raise RuleError(_l("Name the forms of maladministration found."), "forms")
        if not actions:
            raise RuleError(_l("List at least one corrective action."), "actions")
    elif forms or actions:
        raise RuleError(_l("Forms and corrective actions belong only to a finding of maladministration."), "forms")
    _no_open_request(case)
    notice_clock = clocks.running_clock(case, "pre_report_response")
    if notice_clock is not None and notice_clock.due_on >= clocks.case_today(case):
        raise RuleError(
            _l(
                "The reporter may respond until %(date)s (14 days after the notice); the final report comes after.",
                date=format_long_date(notice_clock.due_on),
            )
        )
    breached = clocks.running_clock(case, "pre_report_response", include_breached=True)
    if breached is not None:
        clocks.meet_clock(breached)
    report = FinalReport(
        complaint_id=case.id,
        title=final_report_title(case),
        conclusion=conclusion,
        summary=summary,
        issued_on=clocks.case_today(case),
        issued_by_id=by.id,
        forms=forms,
    )
    db.session.add(report)
    db.session.flush()
    _event(case, "final_report_issued", by, public=True, title=report.title, conclusion=conclusion.value)
    if conclusion is not Conclusion.FOUND:
        reason = "tidak_ditemukan_maladministrasi" if conclusion is Conclusion.NOT_FOUND else "pemeriksaan_dihentikan"
        close_case(case, reason, summary, by=by, stages={"examination"})
        return report
    for planned in actions:
        addressee = Addressee(planned.addressee)
        if not planned.description.strip() or not planned.addressee_name.strip():
            raise RuleError(_l("Each corrective action needs its addressee and what must be done."), "actions")
        clock = clocks.start_clock(case, "corrective_action")
        db.session.add(
            CorrectiveAction(
                final_report=report,
                complaint_id=case.id,
                addressee=addressee,
                addressee_name=planned.addressee_name,
                description=planned.description,
                clock=clock,
            )
        )
    case.status = S.CORRECTIVE_MONITORING
    db.session.flush()
    listed = "\n".join(
        f"- {a.description} ({a.addressee_name}; {format_long_date(a.clock.due_on)})" for a in report.actions
    )
    for address in unit_recipients(case):
        outbox.queue_email(
            to=address,
            subject=_(
                "%(title)s on case %(reg)s: corrective actions", title=report.title, reg=case.registration_number
            ),
            body=_(
                "The Ombudsman has found maladministration in case %(reg)s concerning %(unit)s and asks for the "
                "corrective actions listed in the %(title)s, to be carried out and reported by their due dates:"
                "\n\n%(actions)s\n\nReport on them in the portal: %(link)s\n\n%(office)s",
                actions=listed,
                link=external_url("units.mine"),
                reg=case.registration_number,
                unit=case.unit.name,
                title=report.title,
                office=case.office.name,
            ),
            kind="final_report",
            complaint=case,
        )
    return report


# --- monitoring, resolution, recommendation --------------------------------------------------------------------


def record_verdict(action: CorrectiveAction, verdict: str, reason: str, *, by: User) -> None:
    case = db.session.get(Complaint, action.complaint_id)
    guard(case, "record_verdict", by)
    verdict = Verdict(verdict)
    if not reason.strip():
        raise RuleError(_l("Give the reason for the verdict."), "reason")
    if action.verdict is Verdict.IMPLEMENTED:
        raise RuleError(_l("This action has already been judged implemented."))
    action.verdict, action.verdict_reason, action.verdict_at, action.verdict_by_id = verdict, reason, utcnow(), by.id
    if verdict is Verdict.IMPLEMENTED:
        clocks.meet_clock(action.clock)
    _event(case, "action_judged", by, action_id=action.id, verdict=verdict.value, reason=reason)


def close_after_monitoring(case: Complaint, note: str, *, by: User) -> None:
    guard(case, "close_after_monitoring", by)
    actions = db.session.scalars(select(CorrectiveAction).where(CorrectiveAction.complaint_id == case.id)).all()
    if not actions or any(a.verdict is not Verdict.IMPLEMENTED for a in actions):
        raise RuleError(_l("Every corrective action must be judged implemented first."))
    close_case(case, "selesai_tindakan_korektif", note, by=by, stages={"monitoring"})


def escalate_to_resolution(case: Complaint, reason: str, *, by: User | None) -> None:
    """Corrective actions not done (in time): the case goes to resolution and monitoring."""
    if by is not None:
        guard(case, "escalate_to_resolution", by)
        actions = db.session.scalars(select(CorrectiveAction).where(CorrectiveAction.complaint_id == case.id)).all()
        judged_short = any(a.verdict in {Verdict.PARTLY, Verdict.NOT_IMPLEMENTED} for a in actions)
        lapsed = any(a.clock.status is ClockStatus.BREACHED for a in actions)
        if not (judged_short or lapsed):
            raise RuleError(
                _l("Resolution follows a corrective action judged not (fully) implemented, or one whose term ran out.")
            )
    elif case.status is not S.CORRECTIVE_MONITORING:
        return
    for action in db.session.scalars(select(CorrectiveAction).where(CorrectiveAction.complaint_id == case.id)):
        if action.verdict is not Verdict.IMPLEMENTED:
            clocks.cancel_clock(action.clock)
    case.status = S.RESOLUTION
    _event(case, "moved_to_resolution", by, public=True, reason=reason)


def issue_recommendation(case: Complaint, text: str, addressed_to: str, *, by: User) -> Recommendation:
    """A recommendation to the unit's superior, who must report its implementation within 60 days (UU 37/2008 art.
    38(2)); the Ombudsman monitors it for 60 working days."""
    guard(case, "issue_recommendation", by)
    if not text.strip() or not addressed_to.strip():
        raise RuleError(_l("Write the recommendation and to whom it is addressed."), "text")
    recommendation = Recommendation(
        complaint_id=case.id,
        addressed_to=addressed_to,
        text=text,
        issued_on=clocks.case_today(case),
        issued_by_id=by.id,
    )
    db.session.add(recommendation)
    clocks.start_clock(case, "recommendation_report")
    clocks.start_clock(case, "recommendation_monitoring")
    case.status = S.RECOMMENDATION
    _event(case, "recommendation_issued", by, public=True, addressed_to=addressed_to)
    return recommendation


def record_recommendation_outcome(case: Complaint, outcome: str, note: str, *, by: User) -> None:
    guard(case, "record_recommendation_outcome", by)
    outcome = Verdict(outcome)
    recommendation = db.session.scalar(select(Recommendation).where(Recommendation.complaint_id == case.id))
    recommendation.outcome, recommendation.outcome_note, recommendation.outcome_at = outcome, note, utcnow()
    _event(case, "recommendation_outcome", by, public=True, outcome=outcome.value)
    reason = "tidak_melaksanakan_rekomendasi" if outcome is Verdict.NOT_IMPLEMENTED else "selesai_rekomendasi"
    close_case(case, reason, note, by=by, stages={"recommendation"})


# --- cases the Ombudsman opens itself --------------------------------------------------------------------------

OPENING_ROLES = frozenset({OFFICER, SUPERVISOR})


def open_case(
    kind: CaseKind,
    *,
    unit_id: int,
    event_date: date,
    account: str,
    substance_area_code: str,
    by: User,
    submission_key: str | None = None,
) -> Complaint:
    """A quick response (RCO) to an emergency, or an own-motion investigation: opened by an officer, registered at
    once and examined by the officer who opened it. Neither has a reporter's identity on file."""
    from complaints.models import ServiceUnit
    from complaints.services.intake.filing import hash_access_key, new_access_key, new_tracking_number

    if by.role not in OPENING_ROLES or by.office_id is None:
        raise RuleError(_l("Only Ombudsman officers open cases themselves."))
    if submission_key:
        earlier = db.session.scalar(select(Complaint).where(Complaint.submission_key == submission_key))
        if earlier is not None:
            return earlier  # the same form sent again
    if kind is CaseKind.REPORT:
        raise RuleError(_l("Reports are filed by the public."))
    unit = db.session.get(ServiceUnit, unit_id)
    if unit is None or unit.region.province_id != by.office.province_id:
        raise RuleError(_l("Choose a service unit covered by your office."), "unit_id")
    if not account.strip():
        raise RuleError(_l("Describe the situation."), "account")
    today = clocks.case_today_for(by.office)
    if event_date > today:
        raise RuleError(_l("The date cannot be in the future."), "event_date")
    case = Complaint(
        kind=kind,
        submission_key=submission_key,
        tracking_number=new_tracking_number(),
        access_key_hash=hash_access_key(new_access_key()),  # nobody outside holds a key to these cases
        rule_set=clocks.rule_set_on(today),
        office=by.office,
        region=unit.region,
        unit=unit,
        event_date=event_date,
        chronology=account,
        complained_to_unit=False,
        expectation="",
        substance_area_code=substance_area_code,
        examiner=by,
    )
    db.session.add(case)
    db.session.flush()
    _register(case, today)
    case.status = S.EXAMINATION
    _event(case, "opened", by, kind=kind.value, registration_number=case.registration_number)
    if kind is CaseKind.QUICK_RESPONSE:
        clocks.start_clock(case, "quick_response", on=today)
    return case
