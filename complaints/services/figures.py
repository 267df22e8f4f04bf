"""Resolution figures per service unit and year, aggregated in SQL: cases, clarification answers on time,
corrective actions done on time, recommendations implemented. The unit portal shows them; the compliance profile
is to use the same functions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, case, extract, func, select

from complaints.extensions import db
from complaints.models import (
    Addressee,
    CaseStatus,
    ClarificationRequest,
    Clock,
    Complaint,
    CorrectiveAction,
    FinalReport,
    Recommendation,
    ServiceUnit,
    Verdict,
)


@dataclass
class UnitYear:
    unit_id: int
    unit_name: str
    year: int
    cases: int = 0
    closed: int = 0
    requests: int = 0
    answered_on_time: int = 0
    actions: int = 0
    actions_on_time: int = 0
    recommendations: int = 0
    recommendations_implemented: int = 0

    @property
    def open(self) -> int:
        return self.cases - self.closed


def _on_time():
    return case((and_(Clock.met_on.is_not(None), Clock.met_on <= Clock.due_on), 1), else_=0)


def unit_figures(unit_ids: Iterable[int]) -> list[UnitYear]:
    unit_ids = list(unit_ids)
    if not unit_ids:
        return []
    names = dict(db.session.execute(select(ServiceUnit.id, ServiceUnit.name).where(ServiceUnit.id.in_(unit_ids))).all())
    rows: dict[tuple[int, int], UnitYear] = {}

    def row(unit_id, year) -> UnitYear:
        key = (unit_id, int(year))
        if key not in rows:
            rows[key] = UnitYear(unit_id, names[unit_id], int(year))
        return rows[key]

    received = extract("year", Complaint.received_at)
    for unit_id, year, total, closed in db.session.execute(
        select(
            Complaint.unit_id,
            received,
            func.count(),
            func.sum(case((Complaint.status == CaseStatus.CLOSED, 1), else_=0)),
        )
        # Registered cases only: a report the Ombudsman has not accepted is no finding about the unit.
        .where(Complaint.unit_id.in_(unit_ids), Complaint.registration_number.is_not(None))
        .group_by(Complaint.unit_id, received)
    ):
        r = row(unit_id, year)
        r.cases, r.closed = total, closed or 0
    sent = extract("year", ClarificationRequest.sent_at)
    for unit_id, year, total, on_time in db.session.execute(
        select(ClarificationRequest.unit_id, sent, func.count(), func.sum(_on_time()))
        .join(Clock, Clock.id == ClarificationRequest.clock_id)
        .where(ClarificationRequest.unit_id.in_(unit_ids))
        .group_by(ClarificationRequest.unit_id, sent)
    ):
        r = row(unit_id, year)
        r.requests, r.answered_on_time = total, on_time or 0
    issued = extract("year", FinalReport.issued_on)
    implemented_on_time = case(
        (and_(CorrectiveAction.verdict == Verdict.IMPLEMENTED, Clock.met_on <= Clock.due_on), 1), else_=0
    )
    for unit_id, year, total, on_time in db.session.execute(
        select(Complaint.unit_id, issued, func.count(), func.sum(implemented_on_time))
        .select_from(CorrectiveAction)
        .join(FinalReport, FinalReport.id == CorrectiveAction.final_report_id)
        .join(Complaint, Complaint.id == CorrectiveAction.complaint_id)
        .join(Clock, Clock.id == CorrectiveAction.clock_id)
        .where(Complaint.unit_id.in_(unit_ids), CorrectiveAction.addressee == Addressee.UNIT)
        .group_by(Complaint.unit_id, issued)
    ):
        r = row(unit_id, year)
        r.actions, r.actions_on_time = total, on_time or 0
    recommended = extract("year", Recommendation.issued_on)
    implemented = case((Recommendation.outcome.in_([Verdict.IMPLEMENTED, Verdict.PARTLY]), 1), else_=0)
    for unit_id, year, total, done in db.session.execute(
        select(Complaint.unit_id, recommended, func.count(), func.sum(implemented))
        .join(Complaint, Complaint.id == Recommendation.complaint_id)
        .where(Complaint.unit_id.in_(unit_ids))
        .group_by(Complaint.unit_id, recommended)
    ):
        r = row(unit_id, year)
        r.recommendations, r.recommendations_implemented = total, done or 0
    return sorted(rows.values(), key=lambda r: (r.unit_name, -r.year))
