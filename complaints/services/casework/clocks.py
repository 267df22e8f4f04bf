"""Legal clocks on cases: started from the rule set's data, paused while someone else must act, met or breached.

The days and their legal basis come from ``ClockRule`` rows (complaints/seed/procedure_clocks.csv); an active
agreement (MoU) with agreed terms overrides the days for its region's units. Dates are local to the office.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Clock, ClockRule, ClockStatus, Complaint, DayType
from complaints.models.types import utcnow
from complaints.services.places.working_days import add_days, days_between, office_today

OLD_RULE_SET = "PO26-2017+PO48-2020"
NEW_RULE_SET = "PO58-2023"


class ClockError(LookupError):
    pass


def rule_set_on(day: date) -> str:
    """The procedural rule set in force on ``day`` (the switch-over date is a setting)."""
    switch = date.fromisoformat(current_app.config["RULE_SET_SWITCH_DATE"])
    return NEW_RULE_SET if day >= switch else OLD_RULE_SET


def rule_for(rule_set: str, clock: str) -> ClockRule:
    rule = db.session.scalar(select(ClockRule).where(ClockRule.rule_set == rule_set, ClockRule.clock == clock))
    if rule is None or rule.days is None:
        raise ClockError(f"no timed clock {clock!r} in rule set {rule_set!r}")
    return rule


def case_today(complaint: Complaint) -> date:
    return office_today(complaint.office.timezone)


def case_today_for(office) -> date:
    return office_today(office.timezone)


def start_clock(complaint: Complaint, kind: str, *, on: date | None = None) -> Clock:
    """Start ``kind`` on the case from ``on`` (today in the office by default), with the agreed terms if any."""
    rule = rule_for(complaint.rule_set, kind)
    start = on or case_today(complaint)
    days, day_type, agreement = rule.days, rule.day_type, None
    active = complaint.region.active_agreement(start)
    if active and active.clock_terms and kind in active.clock_terms:
        term = active.clock_terms[kind]
        days, day_type, agreement = int(term["days"]), DayType(term["day_type"]), active
    clock = Clock(
        complaint=complaint,
        kind=kind,
        rule_set=rule.rule_set,
        who_must_act=rule.who_must_act,
        days=days,
        day_type=day_type,
        collective_leave_is_day_off=rule.collective_leave_is_day_off,
        legal_basis=rule.legal_basis
        + (f"; jangka waktu menurut kesepakatan tanggal {agreement.signed_on.isoformat()}" if agreement else ""),
        agreement_id=agreement.id if agreement else None,
        start_on=start,
        due_on=add_days(start, days, day_type, collective_leave_is_day_off=rule.collective_leave_is_day_off),
    )
    db.session.add(clock)
    db.session.flush()
    return clock


def running_clock(complaint: Complaint, kind: str, *, include_breached: bool = False) -> Clock | None:
    statuses = OPEN_STATUSES if include_breached else (ClockStatus.RUNNING, ClockStatus.PAUSED)
    return db.session.scalar(
        select(Clock)
        .where(Clock.complaint_id == complaint.id, Clock.kind == kind, Clock.status.in_(statuses))
        .order_by(Clock.id.desc())
        .limit(1)
    )


def pause_clock(clock: Clock, on: date) -> None:
    """Stop counting (the case waits on someone else); the days left are kept for when it resumes."""
    if clock.status is not ClockStatus.RUNNING:
        return
    clock.remaining_days = days_between(
        on, clock.due_on, clock.day_type, collective_leave_is_day_off=clock.collective_leave_is_day_off
    )
    clock.paused_on = on
    clock.status = ClockStatus.PAUSED


def resume_clock(clock: Clock, on: date) -> None:
    if clock.status is not ClockStatus.PAUSED:
        return
    clock.due_on = max(
        add_days(
            on, clock.remaining_days, clock.day_type, collective_leave_is_day_off=clock.collective_leave_is_day_off
        ),
        clock.start_on,
    )
    clock.status = ClockStatus.RUNNING
    clock.paused_on = None
    clock.remaining_days = None


def meet_clock(clock: Clock) -> None:
    """The duty is done; a breached clock becomes met too (late: its breached_at stays for the statistics)."""
    if clock.status in {ClockStatus.RUNNING, ClockStatus.PAUSED, ClockStatus.BREACHED}:
        clock.status = ClockStatus.MET
        clock.met_at = utcnow()
        clock.met_on = case_today(clock.complaint)
        clock.paused_on = None
        clock.remaining_days = None


OPEN_STATUSES = (ClockStatus.RUNNING, ClockStatus.PAUSED, ClockStatus.BREACHED)


def cancel_clock(clock: Clock) -> None:
    if clock.status in OPEN_STATUSES:
        clock.status = ClockStatus.CANCELLED
        clock.paused_on = None
        clock.remaining_days = None


def cancel_open_clocks(complaint: Complaint) -> None:
    for clock in db.session.scalars(
        select(Clock).where(Clock.complaint_id == complaint.id, Clock.status.in_(OPEN_STATUSES))
    ):
        clock.status = ClockStatus.CANCELLED
        clock.paused_on = None
        clock.remaining_days = None


def next_running_clock(complaint: Complaint) -> Clock | None:
    """The running clock that falls due first: the next legal date and who must act."""
    return db.session.scalar(
        select(Clock)
        .where(Clock.complaint_id == complaint.id, Clock.status == ClockStatus.RUNNING)
        .order_by(Clock.due_on, Clock.id)
        .limit(1)
    )
