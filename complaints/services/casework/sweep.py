"""The clock sweep: one reminder before each due date, and exactly one escalation per breach.

Two passes, each reading only what is left to do: running clocks due within the reminder window and not yet reminded
(index ``ix_clocks_status_reminded_at_due_on``), then running clocks past their due date (``ix_clocks_status_due_on``;
a breach leaves "running" as it is escalated). Each pass goes through its clocks in batches, in due-date order, until
none remain or the time budget (``CLOCK_SWEEP_SECONDS``) is spent, and what is left is the next sweep's: however many
fall due together, every one is reached, and a sweep's cost grows with what is due, not with all clocks. Reminders
come first: they are cheap, and one that waits past its due date is worth nothing, while a breach escalated a sweep
later is still escalated.

Every step claims its clock with a conditional UPDATE (``... WHERE reminded_at IS NULL`` / ``... WHERE status =
'running'``) and commits it with what it sends and records: run it twice, in two workers at once, or kill its worker
half-way (the step in flight is rolled back), and each reminder and escalation still happens once. A step that fails
is rolled back, logged and left for the next sweep; the others go on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, or_, select, tuple_, update
from sqlalchemy.exc import DBAPIError

from complaints.extensions import db
from complaints.i18n import format_long_date
from complaints.labels import CLOCK_LABELS
from complaints.models import (
    Actor,
    CaseStatus,
    ClarificationRequest,
    ClarificationStatus,
    Clock,
    ClockStatus,
    Complaint,
    CorrectiveAction,
    Office,
    Province,
    Verdict,
)
from complaints.models.types import utcnow
from complaints.services.casework import clocks, history
from complaints.services.casework.closure import close_case
from complaints.services.casework.examination import send_clarification
from complaints.services.casework.monitoring import escalate_to_resolution
from complaints.services.casework.notifications import office_recipients, office_supervisors
from complaints.services.casework.reach import unit_recipients
from complaints.services.core import outbox
from complaints.services.core.links import external_url
from complaints.services.places.working_days import office_today


@dataclass
class SweepReport:
    reminders: list[int] = field(default_factory=list)
    escalations: list[int] = field(default_factory=list)
    #: Clocks whose step failed (logged); the next sweep tries them again.
    failed: list[int] = field(default_factory=list)
    #: The time budget ran out with clocks left: the next sweep goes on with them.
    unfinished: bool = False

    def __str__(self) -> str:
        summary = f"{len(self.reminders)} reminders, {len(self.escalations)} escalations"
        if self.failed:
            summary = f"{len(self.failed)} failed (see the log); {summary}"
        if self.unfinished:
            summary = f"time budget spent, the next sweep goes on; {summary}"
        return summary


@dataclass
class _Pass:
    """One pass of the sweep: which clocks it reads, and how it claims and handles each."""

    which: ColumnElement[bool]
    claim: Callable[[int], bool]
    act: Callable[[int], None]
    done: list[int]


def sweep(today: date | None = None, batch: int = 500, budget: float | None = None) -> SweepReport:
    """Remind and escalate every clock that needs it, ``batch`` clocks per read, for at most ``budget`` seconds
    (default ``CLOCK_SWEEP_SECONDS``). ``today`` replaces every office's own date (tests)."""
    report = SweepReport()
    # A clock runs in its case's office's calendar: "today" is the office's own.
    todays = {zone: today or office_today(zone) for zone in db.session.scalars(select(Province.timezone).distinct())}
    if not todays:
        return report
    ahead = timedelta(days=current_app.config["CLOCK_REMINDER_DAYS"])
    deadline = time.monotonic() + (current_app.config["CLOCK_SWEEP_SECONDS"] if budget is None else budget)
    unreminded = and_(
        Clock.reminded_at.is_(None),
        _in_each_office(todays, lambda first, last: Clock.due_on.between(first, last + ahead)),
    )
    overdue = _in_each_office(todays, lambda first, last: Clock.due_on < last)
    for step in (
        _Pass(unreminded, _claim_reminder, _remind, report.reminders),
        _Pass(overdue, _claim_breach, _escalate, report.escalations),
    ):
        if not _work_through(step, batch, deadline, report):
            report.unfinished = True
            break
    return report


def _in_each_office(
    todays: dict[str, date], window: Callable[[date, date], ColumnElement[bool]]
) -> ColumnElement[bool]:
    """``window`` from each time zone's today, given as the first and last of the days it covers. With several zones,
    their span bounds the index range and each zone's own window follows; with one, its window alone (a range stated
    twice makes SQLite's planner pick the wrong index)."""
    if len(todays) == 1:
        (day,) = todays.values()
        return window(day, day)
    return and_(
        window(min(todays.values()), max(todays.values())),
        or_(*(and_(Province.timezone == zone, window(day, day)) for zone, day in todays.items())),
    )


def _work_through(step: _Pass, batch: int, deadline: float, report: SweepReport) -> bool:
    """Every clock the pass selects, in (due_on, id) order: False if the time ran out first. Reading on from the last
    clock seen (not from the start) passes over a clock whose step failed instead of reading it again."""
    after = None
    while True:
        query = (
            select(Clock.due_on, Clock.id)
            .join(Complaint, Complaint.id == Clock.complaint_id)
            .join(Office, Office.id == Complaint.office_id)
            .join(Province, Province.id == Office.province_id)
            .where(Clock.status == ClockStatus.RUNNING, step.which)
            .order_by(Clock.due_on, Clock.id)
            .limit(batch)
        )
        if after is not None:
            query = query.where(tuple_(Clock.due_on, Clock.id) > tuple_(*after))
        rows = db.session.execute(query).all()
        db.session.rollback()
        for _due_on, clock_id in rows:
            if time.monotonic() >= deadline:
                return False
            _take_step(step, clock_id, report)
        if len(rows) < batch:
            return True
        after = tuple(rows[-1])


def _take_step(step: _Pass, clock_id: int, report: SweepReport) -> None:
    try:
        if step.claim(clock_id):
            step.act(clock_id)  # commits the claim with what it sends and records
            step.done.append(clock_id)
    except DBAPIError as exc:
        if exc.connection_invalidated:  # the database is gone: the whole sweep stops here, beat tries again
            raise
        _give_up(clock_id, report)
    except Exception:  # noqa: BLE001 (one clock's fault must not hold up the others; logged below)
        _give_up(clock_id, report)


def _give_up(clock_id: int, report: SweepReport) -> None:
    db.session.rollback()
    current_app.logger.exception("Sweep: clock %s left for the next sweep", clock_id)
    report.failed.append(clock_id)


def _claim_breach(clock_id: int) -> bool:
    result = db.session.execute(
        update(Clock)
        .where(Clock.id == clock_id, Clock.status == ClockStatus.RUNNING, Clock.escalation_level == 0)
        .values(status=ClockStatus.BREACHED, breached_at=utcnow(), escalation_level=1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        return False
    return True


def _claim_reminder(clock_id: int) -> bool:
    result = db.session.execute(
        update(Clock)
        .where(Clock.id == clock_id, Clock.status == ClockStatus.RUNNING, Clock.reminded_at.is_(None))
        .values(reminded_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        return False
    return True


def _recipients(clock: Clock, case: Complaint) -> list[str]:
    if clock.who_must_act is Actor.REPORTER:
        return [case.reporter.email] if case.reporter else []
    if clock.who_must_act in {Actor.SERVICE_UNIT, Actor.SUPERIOR}:
        return unit_recipients(case)
    return office_recipients(case)


def _remind(clock_id: int) -> None:
    clock = db.session.get(Clock, clock_id)
    case = clock.complaint
    for address in _recipients(clock, case):
        outbox.queue_email(
            to=address,
            subject=_(
                "Reminder: case %(number)s is due on %(date)s",
                number=_case_number(case),
                date=format_long_date(clock.due_on),
            ),
            body=_(
                "A deadline on case %(number)s falls on %(date)s: %(kind)s (%(basis)s).\n\n%(url)s\n\n%(office)s",
                number=_case_number(case),
                kind=str(CLOCK_LABELS.get(clock.kind, clock.kind)),
                date=format_long_date(clock.due_on),
                basis=clock.legal_basis,
                url=external_url("reports.track")
                if clock.who_must_act is Actor.REPORTER
                else external_url("cases.show", case_id=case.id)
                if clock.who_must_act is Actor.OMBUDSMAN
                else "",
                office=case.office.name,
            ),
            kind="clock_reminder",
            complaint=case,
        )
    history.record_event(
        case, "reminder_sent", actor_label=_("System"), payload={"clock": clock.kind, "clock_id": clock.id}
    )
    db.session.commit()


def _case_number(case: Complaint) -> str:
    return case.registration_number or case.tracking_number


def _alert_supervisors(case: Complaint, what: str) -> None:
    for address in office_supervisors(case):
        outbox.queue_email(
            to=address,
            subject=_("Overdue: case %(number)s", number=_case_number(case)),
            body=f"{what}\n\n{case.office.name}",
            kind="supervisor_alert",
            complaint=case,
        )


def _escalate(clock_id: int) -> None:
    """What the rules say happens when this clock runs out (procedure_clocks.csv, column on_breach)."""
    clock = db.session.get(Clock, clock_id)
    case = clock.complaint
    history.record_event(
        case,
        "deadline_missed",
        actor_label=_("System"),
        payload={"clock": clock.kind, "clock_id": clock.id, "due_on": clock.due_on.isoformat()},
    )
    on_breach = _ON_BREACH.get(clock.kind, _alert_deadline_passed)
    on_breach(clock, case)
    db.session.commit()


def _close_incomplete_report(clock: Clock, case: Complaint) -> None:
    """The reporter did not complete the report in time: it closes (UU 37/2008 art. 25)."""
    if case.status is not CaseStatus.DOCUMENTS_REQUESTED:
        _alert_deadline_passed(clock, case)
        return
    close_case(
        case,
        "syarat_formil_tidak_lengkap",
        _("The missing documents were not supplied in time."),
        by=None,
        stages={"verification"},
    )


def _chase_clarification(clock: Clock, case: Complaint) -> None:
    """An unanswered first request is followed by a second; an unanswered second, by a summons."""
    request = db.session.scalar(select(ClarificationRequest).where(ClarificationRequest.clock_id == clock.id))
    if request is None or request.status is not ClarificationStatus.OPEN:
        return
    request.status = ClarificationStatus.UNANSWERED
    if case.status is not CaseStatus.EXAMINATION:
        return  # the examination has moved on; nothing to chase
    if request.round == 1:
        send_clarification(case, request.questions, 2, by=None)
        return
    _alert_supervisors(
        case,
        _(
            "The second clarification request on case %(number)s went unanswered: the next step is a "
            "summons (UU 37/2008 art. 31).",
            number=_case_number(case),
        ),
    )


def _corrective_actions_lapsed(clock: Clock, case: Complaint) -> None:
    if case.status is not CaseStatus.CORRECTIVE_MONITORING:
        _alert_deadline_passed(clock, case)
        return
    if clock.rule_set == clocks.OLD_RULE_SET and not _had_second_period(case):
        # Old practice: one further 30-day monitoring period before resolution, for every action not yet done.
        for action in db.session.scalars(select(CorrectiveAction).where(CorrectiveAction.complaint_id == case.id)):
            if action.verdict is Verdict.IMPLEMENTED:
                continue
            clocks.cancel_clock(action.clock)
            action.clock = clocks.start_clock(case, "corrective_action")
        history.record_event(case, "second_monitoring_period", actor_label=_("System"), payload={})
    else:
        escalate_to_resolution(case, _("Corrective actions not carried out in time."), by=None)


def _alert_deadline_passed(clock: Clock, case: Complaint) -> None:
    """Any other clock, or one whose case has moved on: the office's supervisors are told."""
    _alert_supervisors(
        case,
        _(
            "A deadline on case %(number)s has passed: %(kind)s, due %(date)s.",
            number=_case_number(case),
            kind=str(CLOCK_LABELS.get(clock.kind, clock.kind)),
            date=format_long_date(clock.due_on),
        ),
    )


#: The clocks whose breach sets something in motion; the others only alert the supervisors.
_ON_BREACH = {
    "completion": _close_incomplete_report,
    "clarification": _chase_clarification,
    "corrective_action": _corrective_actions_lapsed,
}


def _had_second_period(case: Complaint) -> bool:
    from complaints.models import CaseEvent

    return (
        db.session.scalar(
            select(CaseEvent.id).where(CaseEvent.complaint_id == case.id, CaseEvent.type == "second_monitoring_period")
        )
        is not None
    )
