"""Resolution figures per service unit and year, aggregated in SQL: cases, time to close, clarification answers on
time, corrective actions done on time, recommendations implemented, open overdue items, volume by suspected form of
maladministration and by subject area.

The unit portal computes them on the spot for its few units. The public compliance profile reads them from the
``unit_figures`` summary instead, which ``refresh_changed`` keeps current: every case event marks its unit stale in
its own transaction, and the refresh recomputes only the marked units (after each such commit, and every few minutes
by beat), so a profile page reads a few rows per unit whatever the number of complaints.

A report counts once the Ombudsman has registered it: a report not (yet) accepted is no finding about the unit."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, case, delete, event, extract, func, select
from sqlalchemy.orm import Session

from complaints.extensions import db
from complaints.models import (
    Actor,
    Addressee,
    CaseStatus,
    ClarificationRequest,
    Clock,
    ClockStatus,
    Complaint,
    CorrectiveAction,
    FinalReport,
    Office,
    Province,
    Recommendation,
    Region,
    ServiceUnit,
    StaleUnit,
    UnitFigures,
    Verdict,
)
from complaints.models.types import utcnow
from complaints.services.casework.clocks import OPEN_STATUSES
from complaints.services.core.after_commit import hand_over_after_commit
from complaints.services.places.working_days import office_today

#: The figures that add up across units and years (the counters below merge too).
COUNTED = (
    "cases",
    "closed",
    "requests",
    "answered_on_time",
    "actions",
    "actions_on_time",
    "recommendations",
    "recommendations_implemented",
    "overdue_open",
)


@dataclass(kw_only=True)
class Counts:
    cases: int = 0
    closed: int = 0
    requests: int = 0
    answered_on_time: int = 0
    actions: int = 0
    actions_on_time: int = 0
    recommendations: int = 0
    recommendations_implemented: int = 0
    overdue_open: int = 0
    #: {days from receipt to closure: cases}
    close_days: Counter = field(default_factory=Counter)
    #: {suspected form code ("" when none was given): cases}, {subject area code: cases}
    by_form: Counter = field(default_factory=Counter)
    by_area: Counter = field(default_factory=Counter)

    def add(self, other) -> None:
        """Add another unit's or year's figures (a ``Counts`` or a ``UnitFigures`` row)."""
        for name in COUNTED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.close_days.update(other.close_days)
        self.by_form.update(other.by_form)
        self.by_area.update(other.by_area)

    @property
    def open(self) -> int:
        return self.cases - self.closed


@dataclass
class UnitYear(Counts):
    unit_id: int
    unit_name: str
    year: int


def _decided(today):
    """A duty that can be judged: done, or its term has run out. One still within its term counts nowhere yet, so a
    request sent today does not lower a unit's share."""
    return Clock.met_on.is_not(None) | (Clock.due_on < today) | (Clock.status == ClockStatus.BREACHED)


def _on_time():
    return case((and_(Clock.met_on.is_not(None), Clock.met_on <= Clock.due_on), 1), else_=0)


class _UnitYears:
    """The rows being filled, one per unit and year, each made when a figure first needs it."""

    def __init__(self, names: dict[int, str]):
        self.names = names
        self.rows: dict[tuple[int, int], UnitYear] = {}

    def at(self, unit_id, year) -> UnitYear:
        key = (unit_id, int(year))
        if key not in self.rows:
            self.rows[key] = UnitYear(unit_id, self.names[unit_id], int(year))
        return self.rows[key]


def unit_figures(unit_ids: Iterable[int], today=None) -> list[UnitYear]:
    """Every figure of the given units, per year: of receipt for cases (and their open overdue items), of sending
    for clarification requests, of the final report for corrective actions, of issue for recommendations. Requests
    and actions count once decided (done, or overdue); recommendations once their outcome is recorded."""
    unit_ids = list(unit_ids)
    if not unit_ids:
        return []
    if today is None:  # each unit's figures as of today in its own province
        by_zone = defaultdict(list)
        for unit_id, zone in db.session.execute(
            select(ServiceUnit.id, Province.timezone)
            .join(ServiceUnit.region)
            .join(Region.province)
            .where(ServiceUnit.id.in_(unit_ids))
        ):
            by_zone[zone].append(unit_id)
        rows = [r for zone, ids in by_zone.items() for r in unit_figures(ids, office_today(zone))]
        return sorted(rows, key=lambda r: (r.unit_name, -r.year))
    names = dict(db.session.execute(select(ServiceUnit.id, ServiceUnit.name).where(ServiceUnit.id.in_(unit_ids))).all())
    years = _UnitYears(names)
    _count_cases(years, unit_ids)
    _count_overdue(years, unit_ids, today)
    _count_requests(years, unit_ids, today)
    _count_actions(years, unit_ids, today)
    _count_recommendations(years, unit_ids)
    return sorted(years.rows.values(), key=lambda r: (r.unit_name, -r.year))


def _count_cases(years: _UnitYears, unit_ids: list[int]) -> None:
    """Registered cases by year of receipt: closed or not, by suspected form and subject area, days to close."""
    received = extract("year", Complaint.received_at)
    registered = and_(Complaint.unit_id.in_(unit_ids), Complaint.registration_number.is_not(None))
    for unit_id, year, total, closed in db.session.execute(
        select(
            Complaint.unit_id,
            received,
            func.count(),
            func.sum(case((Complaint.status == CaseStatus.CLOSED, 1), else_=0)),
        )
        .where(registered)
        .group_by(Complaint.unit_id, received)
    ):
        r = years.at(unit_id, year)
        r.cases, r.closed = total, closed or 0
    for column, attribute in ((Complaint.suspected_form_code, "by_form"), (Complaint.substance_area_code, "by_area")):
        for unit_id, year, code, total in db.session.execute(
            select(Complaint.unit_id, received, column, func.count())
            .where(registered)
            .group_by(Complaint.unit_id, received, column)
        ):
            getattr(years.at(unit_id, year), attribute)[code or ""] += total
    # Days from receipt to closure, in the office's calendar: one row per closed case, read only on a refresh.
    for unit_id, received_at, closed_at, zone in db.session.execute(
        select(Complaint.unit_id, Complaint.received_at, Complaint.closed_at, Province.timezone)
        .join(Office, Office.id == Complaint.office_id)
        .join(Province, Province.id == Office.province_id)
        .where(registered, Complaint.status == CaseStatus.CLOSED)
    ):
        days = (office_today(zone, now=closed_at) - office_today(zone, now=received_at)).days
        years.at(unit_id, received_at.year).close_days[str(days)] += 1


def _count_overdue(years: _UnitYears, unit_ids: list[int], today) -> None:
    """Items the unit (or its superior) must act on whose term has run out, by the case's year of receipt."""
    received = extract("year", Complaint.received_at)
    for unit_id, year, overdue in db.session.execute(
        select(Complaint.unit_id, received, func.count())
        .select_from(Clock)
        .join(Complaint, Complaint.id == Clock.complaint_id)
        .where(
            Complaint.unit_id.in_(unit_ids),
            Clock.who_must_act.in_([Actor.SERVICE_UNIT, Actor.SUPERIOR]),
            Clock.status.in_(OPEN_STATUSES),
            Clock.due_on < today,
        )
        .group_by(Complaint.unit_id, received)
    ):
        years.at(unit_id, year).overdue_open = overdue


def _count_requests(years: _UnitYears, unit_ids: list[int], today) -> None:
    sent = extract("year", ClarificationRequest.sent_at)
    for unit_id, year, total, on_time in db.session.execute(
        select(ClarificationRequest.unit_id, sent, func.count(), func.sum(_on_time()))
        .join(Clock, Clock.id == ClarificationRequest.clock_id)
        .where(ClarificationRequest.unit_id.in_(unit_ids), _decided(today))
        .group_by(ClarificationRequest.unit_id, sent)
    ):
        r = years.at(unit_id, year)
        r.requests, r.answered_on_time = total, on_time or 0


def _count_actions(years: _UnitYears, unit_ids: list[int], today) -> None:
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
        .where(
            Complaint.unit_id.in_(unit_ids),
            CorrectiveAction.addressee == Addressee.UNIT,
            CorrectiveAction.verdict.is_not(None) | _decided(today),
        )
        .group_by(Complaint.unit_id, issued)
    ):
        r = years.at(unit_id, year)
        r.actions, r.actions_on_time = total, on_time or 0


def _count_recommendations(years: _UnitYears, unit_ids: list[int]) -> None:
    recommended = extract("year", Recommendation.issued_on)
    # Fully implemented only; those still without an outcome are not judged yet.
    implemented = case((Recommendation.outcome == Verdict.IMPLEMENTED, 1), else_=0)
    for unit_id, year, total, done in db.session.execute(
        select(Complaint.unit_id, recommended, func.count(), func.sum(implemented))
        .join(Complaint, Complaint.id == Recommendation.complaint_id)
        .where(Complaint.unit_id.in_(unit_ids), Recommendation.outcome.is_not(None))
        .group_by(Complaint.unit_id, recommended)
    ):
        r = years.at(unit_id, year)
        r.recommendations, r.recommendations_implemented = total, done or 0


# --- the summary the public pages read ------------------------------------------------------------------------


def refresh_units(unit_ids: Iterable[int], today=None) -> int:
    """Recompute the summary rows of these units (all their years). Flushes; the caller commits."""
    unit_ids = sorted(set(unit_ids))
    if not unit_ids:
        return 0
    regions = dict(
        db.session.execute(select(ServiceUnit.id, ServiceUnit.region_id).where(ServiceUnit.id.in_(unit_ids))).all()
    )
    db.session.execute(delete(UnitFigures).where(UnitFigures.unit_id.in_(unit_ids)))
    now = utcnow()
    for figures in unit_figures(unit_ids, today):
        db.session.add(
            UnitFigures(
                unit_id=figures.unit_id,
                region_id=regions[figures.unit_id],
                year=figures.year,
                close_days=dict(figures.close_days),
                by_form=dict(figures.by_form),
                by_area=dict(figures.by_area),
                refreshed_at=now,
                **{name: getattr(figures, name) for name in COUNTED},
            )
        )
    db.session.flush()
    return len(unit_ids)


def refresh_changed(*, everything: bool = False, today=None) -> int:
    """Recompute the units that case events marked stale (or every unit with cases), and clear their marks; the
    caller commits. Returns the number of units recomputed. On PostgreSQL the marks are locked, so a second refresh
    waits and then finds them gone."""
    query = select(StaleUnit.id, StaleUnit.unit_id)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    marks = db.session.execute(query).all()
    if everything:
        unit_ids = db.session.scalars(select(Complaint.unit_id).distinct()).all()
    else:
        unit_ids = {unit_id for _id, unit_id in marks}
    count = refresh_units(unit_ids, today)
    if marks:
        db.session.execute(delete(StaleUnit).where(StaleUnit.id.in_([mark_id for mark_id, _unit in marks])))
    db.session.flush()
    return count


_STALE = "figures_stale_units"


def mark_stale(unit_id: int) -> None:
    """Called by history.record_event: the unit is marked in this transaction (once), and once it commits a refresh
    is handed to a worker (if the broker is down, beat's periodic run catches up)."""
    marked = db.session.info.setdefault(_STALE, set())
    if unit_id not in marked:
        marked.add(unit_id)
        db.session.add(StaleUnit(unit_id=unit_id))
        hand_over_after_commit("complaints.figures.refresh")


def _forget_marks(session: Session, previous_transaction=None) -> None:
    """After a commit, or a rollback of the whole transaction (not a savepoint), the next transaction marks afresh."""
    if previous_transaction is None or previous_transaction.parent is None:
        session.info.pop(_STALE, None)


def init_stale_marks() -> None:
    if not event.contains(Session, "after_commit", _forget_marks):
        event.listen(Session, "after_commit", _forget_marks)
        event.listen(Session, "after_soft_rollback", _forget_marks)
