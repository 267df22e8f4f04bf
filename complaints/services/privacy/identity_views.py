"""Who was shown a reporter's identity: one row per page, API answer or download that showed it to staff, added in
the transaction of that answer (the view commits it), and read by the office's supervisors.

Recorded: the case page (name, NIK, birth, contacts, address), the API's case answer with ``reporter_identity``
(name and contacts; the NIK is in no API answer), and the download of an ID card or power of attorney. Not recorded:
lists and letters, which show at most the name of a reporter who did not ask for confidentiality, the name that the
service unit is shown too; nor what the reporter sees of their own report. Nobody outside the Ombudsman is ever shown
an identity (``reach.sees_identity``), so nothing of theirs is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from complaints.extensions import db
from complaints.models import (
    Attachment,
    AttachmentKind,
    Complaint,
    IdentityChannel,
    IdentityShown,
    IdentityView,
    Office,
    Role,
    User,
)
from complaints.services.casework import reach

#: The identity documents, and what downloading one shows.
DOCUMENTS = {
    AttachmentKind.ID_CARD: IdentityShown.ID_CARD,
    AttachmentKind.POWER_OF_ATTORNEY: IdentityShown.POWER_OF_ATTORNEY,
}


def identity_on_file(case: Complaint) -> bool:
    """The case has a reporter whose identity has not been anonymised (own-motion cases have none)."""
    return case.reporter is not None and case.reporter.anonymised_at is None


def shows_identity(user: User, case: Complaint) -> bool:
    """Whether an answer about ``case`` to ``user`` carries the reporter's identity."""
    return reach.sees_identity(user) and identity_on_file(case)


def record(user: User, case: Complaint, shown: IdentityShown, channel: IdentityChannel) -> None:
    """One row, inserted by the caller's commit (the answer that shows the identity)."""
    db.session.add(
        IdentityView(user_id=user.id, complaint_id=case.id, office_id=case.office_id, shown=shown, channel=channel)
    )


def record_if_shown(user: User, case: Complaint, shown: IdentityShown, channel: IdentityChannel) -> bool:
    if not shows_identity(user, case):
        return False
    record(user, case, shown, channel)
    return True


def record_document(user: User, attachment: Attachment) -> bool:
    """A download: recorded when the file is an identity document."""
    shown = DOCUMENTS.get(attachment.kind)
    if shown is None or not reach.sees_identity(user):
        return False
    record(user, attachment.complaint, shown, IdentityChannel.DOWNLOAD)
    return True


# --- reading the record (supervisors) -----------------------------------------------------------------------------


@dataclass
class ViewFilters:
    start: date | None = None
    end: date | None = None
    user_id: int | None = None
    #: A tracking or registration number, exactly.
    case_number: str | None = None


@dataclass
class ViewPage:
    """A page of the record, newest first. No total: counting a year of views would cost more than the page."""

    items: list[IdentityView]
    number: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.number > 1


def _day_start(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(timezone))


def office_views(office: Office, filters: ViewFilters):
    """Every showing to the office's staff, of the cases the office held then (its own record, whatever became of
    the case later); dates are the office's days."""
    query = select(IdentityView).where(IdentityView.office_id == office.id)
    if filters.start is not None:
        query = query.where(IdentityView.viewed_at >= _day_start(filters.start, office.timezone))
    if filters.end is not None:
        query = query.where(IdentityView.viewed_at < _day_start(filters.end + timedelta(days=1), office.timezone))
    if filters.user_id is not None:
        query = query.where(IdentityView.user_id == filters.user_id)
    if filters.case_number:
        number = filters.case_number.strip().upper()
        cases = select(Complaint.id).where(
            or_(Complaint.tracking_number == number, Complaint.registration_number == number)
        )
        query = query.where(IdentityView.complaint_id.in_(cases))
    return query


def case_views(case: Complaint):
    """Every showing of the case's reporter, by whichever office held it."""
    return select(IdentityView).where(IdentityView.complaint_id == case.id)


def page_of(query, number: int, per_page: int) -> ViewPage:
    """Page ``number`` of ``query``, newest first, read with one row more than the page to know whether another
    follows."""
    rows = list(
        db.session.scalars(
            query.options(joinedload(IdentityView.user), joinedload(IdentityView.complaint))
            .order_by(IdentityView.viewed_at.desc(), IdentityView.id.desc())
            .limit(per_page + 1)
            .offset((number - 1) * per_page)
        )
    )
    return ViewPage(rows[:per_page], number, len(rows) > per_page)


def office_viewers(office: Office) -> list[User]:
    """Whom the office's list can be filtered by: its staff who may be shown identities, former ones included."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.office_id == office.id, User.role.in_([Role.OFFICER, Role.SUPERVISOR]))
            .order_by(User.full_name, User.id)
        )
    )
