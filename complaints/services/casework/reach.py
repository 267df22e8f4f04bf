"""Who reaches a case: the one rule for the pages, the API, Open311, the data exchange and e-mail recipients.

- **Ombudsman staff** (officers, supervisors, administrators) reach their own office's cases. Which of them may use a
  page or token at all is the route's business (``@require_role``; administrators hold no case pages, and their API
  tokens are refused cases by ``accounts.api_tokens``).
- **Unit heads** reach the cases against their own units, and a **region's liaison** those against every unit of the
  region, but only while the region's agreement is active (``liaison_follows``). Either reaches a case only once it has
  been brought to the unit (``brought_to_the_unit``): a clarification request, or a corrective action for the unit.
  Before that (a report still being verified, say) nobody outside the Ombudsman sees anything of it.
- **The reporter** reaches their own report: through the linked citizen account, or by proving the access key in
  this session (``reporter_reaches``).
- **The public** (Open311) reaches reports from the public, never the office's quick responses or own-motion
  investigations, and no public list ever shows a confidential report (``public_scope``).

Lists use the SQL scopes (``case_scope``); one case is checked with ``reaches``, which runs the same scope, so a list
and a page can never disagree. Anyone else gets a 404, never a 403.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, false, or_, select
from sqlalchemy.orm import aliased

from complaints.extensions import db
from complaints.models import (
    OMBUDSMAN_ROLES,
    Addressee,
    Agreement,
    CaseKind,
    ClarificationRequest,
    Complaint,
    CorrectiveAction,
    Office,
    Region,
    Role,
    User,
)
from complaints.services.casework.clocks import case_today
from complaints.services.places.working_days import office_today


def liaison_follows(region: Region, today: date | None = None) -> bool:
    """A region's liaisons follow its units (inbox, reviews, data exchange, e-mails) only under an active agreement."""
    return region.active_agreement(today or office_today(region.province.timezone)) is not None


def followed_agreements(user: User, today: date | None = None) -> list[Agreement]:
    """The agreements whose joint reviews the user follows: a liaison, their region's while active; office staff,
    every agreement of the office's province."""
    if user.role is Role.LIAISON:
        if user.region is None:
            return []
        today = today or office_today(user.region.province.timezone)
        query = select(Agreement).where(Agreement.region_id == user.region_id)
        return [a for a in db.session.scalars(query.order_by(Agreement.signed_on)) if a.is_active(today)]
    if user.office is None:
        return []
    query = select(Agreement).join(Agreement.region).where(Region.province_id == user.office.province_id)
    return list(db.session.scalars(query.order_by(Agreement.signed_on)))


def unit_ids_in_reach(user: User, today: date | None = None) -> set[int]:
    """The units whose cases a unit head or liaison may be shown (once brought to the unit); empty for anyone else."""
    if user.role is Role.UNIT_HEAD:
        return {unit.id for unit in user.units}
    if user.role is Role.LIAISON and user.region is not None:
        return {unit.id for unit in user.region.units} if liaison_follows(user.region, today) else set()
    return set()


def brought_to_the_unit():
    """In SQL: a clarification request, or a corrective action for the unit, has been sent on the case."""
    request, action = aliased(ClarificationRequest), aliased(CorrectiveAction)
    return or_(
        exists(select(request.id).where(request.complaint_id == Complaint.id)).correlate(Complaint),
        exists(
            select(action.id).where(action.complaint_id == Complaint.id, action.addressee == Addressee.UNIT)
        ).correlate(Complaint),
    )


def office_scope(office: Office):
    """The cases an office's staff reach: the office's own (the officers' queue and its counts use it directly)."""
    return Complaint.office_id == office.id


def case_scope(user: User):
    """The cases ``user`` reaches, as a condition on ``Complaint`` for lists and single lookups alike."""
    if user.role in OMBUDSMAN_ROLES:
        return office_scope(user.office) if user.office is not None else false()
    units = unit_ids_in_reach(user)
    if not units:
        return false()
    return Complaint.unit_id.in_(units) & brought_to_the_unit()


def reaches(user: User, case: Complaint) -> bool:
    """The one-case check: the same SQL as the lists."""
    return bool(db.session.scalar(select(exists().where(Complaint.id == case.id, case_scope(user)))))


def case_in_reach(user: User, case_id: int, *, lock: bool = False) -> Complaint | None:
    """The case if ``user`` reaches it, else None (a 404). With ``lock`` its row is locked until commit (PostgreSQL),
    so that two clicks or two colleagues cannot take the same step twice."""
    query = select(Complaint).where(Complaint.id == case_id, case_scope(user))
    if lock and db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return db.session.scalar(query)


def sees_identity(user: User) -> bool:
    """Only the Ombudsman sees who reported (name, contacts, documents of identity)."""
    return user.role in OMBUDSMAN_ROLES


def reporter_reaches(case: Complaint, user: User | None, unlocked_ids: set[int]) -> bool:
    """The reporter is the linked citizen account, or whoever proved the access key in this session."""
    if case.id in unlocked_ids:
        return True
    return bool(user is not None and user.is_authenticated and case.reporter_user_id == user.id)


def public_scope(*, listed: bool):
    """What the public may read (Open311): reports from the public; in lists, never a confidential one (a unit and a
    date can point to the one person who had that dealing). Asked for by id, which only the reporter and the filing
    application know, any report answers."""
    scope = Complaint.kind == CaseKind.REPORT
    return scope & Complaint.confidential.is_(False) if listed else scope


def unit_recipients(case: Complaint, today: date | None = None) -> list[str]:
    """Who hears of a case's requests and findings outside the Ombudsman: the unit's active heads, and while the
    region's agreement is active (on the case's office day), the region's active liaisons."""
    addresses = [head.email for head in case.unit.heads if head.active]
    if liaison_follows(case.region, today or case_today(case)):
        addresses += list(
            db.session.scalars(
                select(User.email).where(User.role == Role.LIAISON, User.region_id == case.region_id, User.active)
            )
        )
    return sorted(set(addresses))
