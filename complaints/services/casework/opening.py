"""Cases the Ombudsman opens itself: a quick response (RCO) to an emergency, or an own-motion investigation."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import CaseKind, CaseStatus, Complaint, User
from complaints.services.casework import clocks
from complaints.services.casework.notifications import log_event
from complaints.services.casework.numbering import give_registration_number
from complaints.services.casework.permissions import OFFICER, SUPERVISOR
from complaints.services.core.errors import RuleError

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
    give_registration_number(case, today)
    case.status = CaseStatus.EXAMINATION
    log_event(case, "opened", by, kind=kind.value, registration_number=case.registration_number)
    if kind is CaseKind.QUICK_RESPONSE:
        clocks.start_clock(case, "quick_response", on=today)
    return case
