"""Verification of a report: the checks, documents asked of the reporter, then registration, rejection or transfer
to another office. Each step passes ``permissions.guard`` first; the caller commits."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from complaints.i18n import format_long_date
from complaints.models import CaseStatus, Complaint, Office, User
from complaints.services.casework import clocks
from complaints.services.casework.closure import close_case
from complaints.services.casework.notifications import log_event, notify_reporter
from complaints.services.casework.numbering import give_registration_number
from complaints.services.casework.permissions import guard
from complaints.services.core.errors import RuleError
from complaints.services.core.links import external_url

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

#: Only the reporter withdraws a report; staff never close one with that reason.
WITHDRAWN = "dicabut_pelapor"


def begin_verification(case: Complaint, *, by: User) -> None:
    guard(case, "begin_verification", by)
    case.status = CaseStatus.VERIFICATION
    log_event(case, "verification_started", by, public=False)


def record_checks(case: Complaint, checks: dict[str, bool], *, by: User) -> None:
    guard(case, "record_checks", by)
    known = set(FORMAL_CHECKS) | set(MATERIAL_CHECKS)
    case.verification_checks = {code: bool(checks.get(code)) for code in sorted(known)}
    if case.status is CaseStatus.RECEIVED:
        case.status = CaseStatus.VERIFICATION
    log_event(case, "checks_recorded", by, checks=case.verification_checks)


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
    case.status = CaseStatus.DOCUMENTS_REQUESTED
    log_event(case, "documents_requested", by, public=True, missing=missing, due_on=completion.due_on.isoformat())
    notify_reporter(
        case,
        _("Report %(number)s: documents needed", number=case.tracking_number),
        "documents_requested",
        number=case.tracking_number,
        missing=missing,
        date=format_long_date(completion.due_on),
        url=external_url("reports.track"),
        office=case.office.name,
    )


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
    give_registration_number(case, today)
    case.status = CaseStatus.REGISTERED
    log_event(case, "registered", by, public=True, registration_number=case.registration_number)
    notify_reporter(
        case,
        _("Report %(number)s has been registered", number=case.tracking_number),
        "case_registered",
        number=case.tracking_number,
        reg=case.registration_number,
        url=external_url("reports.track"),
        office=case.office.name,
    )


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
    case.status = CaseStatus.RECEIVED
    clocks.start_clock(case, "verification")
    log_event(case, "transferred", by, public=True, from_office=from_office.code, to_office=to_office.code, note=note)
    notify_reporter(
        case,
        _("Report %(number)s has been transferred", number=case.tracking_number),
        "case_transferred",
        number=case.tracking_number,
        source=from_office.name,
        target=to_office.name,
        note=note,
    )
