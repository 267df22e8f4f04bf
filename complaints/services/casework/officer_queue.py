"""The officers' queue: an office's cases filtered, sorted by the next due date, paginated, with counts in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, exists, func, or_, select

from complaints.extensions import db
from complaints.models import CaseStatus, Clock, ClockStatus, Complaint, FinalReport, Office, final_report_forms
from complaints.services.casework import reach


@dataclass
class QueueFilters:
    status: str | None = None
    region_id: int | None = None
    unit_id: int | None = None
    examiner_id: int | None = None
    form_code: str | None = None
    area_code: str | None = None
    due_within_days: int | None = None
    overdue: bool = False
    include_closed: bool = False


#: Clocks still waiting on someone: running, or breached and not yet done (a breach stays overdue until met).
WAITING = (ClockStatus.RUNNING, ClockStatus.BREACHED)


def _next_due():
    return (
        select(Clock.complaint_id, func.min(Clock.due_on).label("next_due"))
        .where(Clock.status.in_(WAITING))
        .group_by(Clock.complaint_id)
        .subquery()
    )


def _overdue(today: date):
    """Waiting past its date: running and due before today, or already breached and not yet done."""
    return exists().where(
        Clock.complaint_id == Complaint.id,
        or_(Clock.status == ClockStatus.BREACHED, and_(Clock.status == ClockStatus.RUNNING, Clock.due_on < today)),
    )


def queue_query(office: Office, filters: QueueFilters, today: date):
    return case_query(reach.office_scope(office), filters, today)


def case_query(scope, filters: QueueFilters, today: date):
    """The cases within ``scope`` (an SQL condition on complaints: an office, a set of units) that match the
    filters, earliest legal date first."""
    next_due = _next_due()
    query = select(Complaint).outerjoin(next_due, next_due.c.complaint_id == Complaint.id).where(scope)
    if filters.status in {s.value for s in CaseStatus}:
        query = query.where(Complaint.status == CaseStatus(filters.status))
    elif not filters.include_closed:
        query = query.where(Complaint.status != CaseStatus.CLOSED)
    if filters.region_id:
        query = query.where(Complaint.region_id == filters.region_id)
    if filters.unit_id:
        query = query.where(Complaint.unit_id == filters.unit_id)
    if filters.examiner_id:
        query = query.where(Complaint.examiner_id == filters.examiner_id)
    if filters.area_code:
        query = query.where(Complaint.substance_area_code == filters.area_code)
    if filters.form_code:
        found = exists().where(
            FinalReport.complaint_id == Complaint.id,
            final_report_forms.c.final_report_id == FinalReport.id,
            final_report_forms.c.form_code == filters.form_code,
        )
        query = query.where(or_(Complaint.suspected_form_code == filters.form_code, found))
    if filters.overdue:
        query = query.where(_overdue(today))
    if filters.due_within_days is not None:
        query = query.where(next_due.c.next_due <= today + timedelta(days=filters.due_within_days))
    # Earliest legal date first; cases with no running clock last, oldest first.
    return query.order_by(next_due.c.next_due.is_(None), next_due.c.next_due, Complaint.received_at, Complaint.id)


def next_due_dates(case_ids: list[int]) -> dict[int, tuple[date, str, str]]:
    """For each case, its first running clock: (due date, kind, who must act)."""
    rows = db.session.execute(
        select(Clock.complaint_id, Clock.due_on, Clock.kind, Clock.who_must_act)
        .where(Clock.complaint_id.in_(case_ids), Clock.status.in_(WAITING))
        .order_by(Clock.complaint_id, Clock.due_on)
    ).all()
    result: dict[int, tuple[date, str, str]] = {}
    for complaint_id, due_on, kind, who in rows:
        result.setdefault(complaint_id, (due_on, kind, who))
    return result


def status_counts(office: Office) -> dict[str, int]:
    rows = db.session.execute(
        select(Complaint.status, func.count()).where(reach.office_scope(office)).group_by(Complaint.status)
    ).all()
    return {status.value if hasattr(status, "value") else status: count for status, count in rows}


def overdue_count(office: Office, today: date) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Complaint).where(reach.office_scope(office), _overdue(today))
    )
