"""What a reporter sees of their case: a simpler public status, the next legal date and who must act, and the
public events of its history (never internal notes)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from complaints.extensions import db
from complaints.models import (
    Actor,
    CaseEvent,
    CaseStatus,
    Clock,
    Complaint,
    FinalReport,
    ReportAccess,
    ReporterIdentity,
    User,
)
from complaints.models.types import utcnow
from complaints.services.accounts.sessions import digest, new_secret
from complaints.services.casework import clocks
from complaints.services.intake.filing import access_key_matches, format_tracking_number, normalise_code


class PublicStatus(enum.StrEnum):
    UNDER_VERIFICATION = "under_verification"
    WAITING_FOR_DOCUMENTS = "waiting_for_documents"
    UNDER_EXAMINATION = "under_examination"
    WAITING_FOR_RESPONSE = "waiting_for_response"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


PUBLIC_STATUS = {
    CaseStatus.RECEIVED: PublicStatus.UNDER_VERIFICATION,
    CaseStatus.VERIFICATION: PublicStatus.UNDER_VERIFICATION,
    CaseStatus.DOCUMENTS_REQUESTED: PublicStatus.WAITING_FOR_DOCUMENTS,
    CaseStatus.REGISTERED: PublicStatus.UNDER_EXAMINATION,
    CaseStatus.EXAMINATION: PublicStatus.UNDER_EXAMINATION,
    CaseStatus.PRE_REPORT_NOTICE: PublicStatus.WAITING_FOR_RESPONSE,
    CaseStatus.CORRECTIVE_MONITORING: PublicStatus.FOLLOW_UP,
    CaseStatus.RESOLUTION: PublicStatus.FOLLOW_UP,
    CaseStatus.RECOMMENDATION: PublicStatus.FOLLOW_UP,
    CaseStatus.CLOSED: PublicStatus.CLOSED,
}


def public_status(complaint: Complaint) -> PublicStatus:
    return PUBLIC_STATUS[complaint.status]


@dataclass(frozen=True)
class NextDate:
    due_on: date
    who_must_act: Actor
    clock_kind: str
    legal_basis: str


@dataclass(frozen=True)
class TrackingView:
    complaint: Complaint
    status: PublicStatus
    next_date: NextDate | None
    events: list[CaseEvent]
    #: The reporter may still answer the notice before the final report.
    notice_open: bool
    final_report: FinalReport | None


def tracking_view(complaint: Complaint) -> TrackingView:
    clock: Clock | None = None if complaint.is_closed else clocks.next_running_clock(complaint)
    next_date = NextDate(clock.due_on, clock.who_must_act, clock.kind, clock.legal_basis) if clock is not None else None
    events = list(
        db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.complaint_id == complaint.id, CaseEvent.public.is_(True))
            .order_by(CaseEvent.seq)
        )
    )
    notice_open = clocks.running_clock(complaint, "pre_report_response") is not None
    final_report = db.session.scalar(select(FinalReport).where(FinalReport.complaint_id == complaint.id))
    return TrackingView(complaint, public_status(complaint), next_date, events, notice_open, final_report)


def find_by_number(number: str) -> Complaint | None:
    code = normalise_code(number)
    if len(code) != 8:
        return None
    return db.session.scalar(
        select(Complaint)
        .where(Complaint.tracking_number == format_tracking_number(code))
        .options(selectinload(Complaint.reporter), selectinload(Complaint.attachments))
    )


def unlock(number: str, key: str) -> Complaint | None:
    """The complaint whose number and access key both match, else None (the same None for either mistake)."""
    complaint = find_by_number(number)
    if complaint is None or not access_key_matches(complaint, key):
        return None
    return complaint


def grant_access(complaint: Complaint) -> str:
    """The reporter proved the access key (or just filed): a secret for this browser's cookie that opens the report
    until it is closed on this device or ``REPORT_ACCESS_HOURS`` pass. Only its hash is stored. Flushes."""
    secret = new_secret()
    db.session.add(ReportAccess(complaint_id=complaint.id, secret_hash=digest(secret)))
    db.session.flush()
    return secret


def _open_accesses(secrets: list[str]):
    oldest = utcnow() - timedelta(hours=current_app.config["REPORT_ACCESS_HOURS"])
    return (
        ReportAccess.secret_hash.in_([digest(secret) for secret in secrets if len(secret) <= 100]),
        ReportAccess.ended_at.is_(None),
        ReportAccess.created_at > oldest,
    )


def opened_reports(secrets: list[str]) -> set[int]:
    """The complaints that these access secrets (one browser's) still open."""
    if not secrets:
        return set()
    return set(db.session.scalars(select(ReportAccess.complaint_id).where(*_open_accesses(secrets))))


def close_access(secrets: list[str], complaint: Complaint | None = None) -> None:
    """End the accesses these secrets hold (to one complaint, or all): no copy of the cookie opens it again."""
    if not secrets:
        return
    query = update(ReportAccess).where(*_open_accesses(secrets))
    if complaint is not None:
        query = query.where(ReportAccess.complaint_id == complaint.id)
    db.session.execute(query.values(ended_at=utcnow()))


def complaints_of(user: User) -> list[Complaint]:
    return list(
        db.session.scalars(
            select(Complaint)
            .where(Complaint.reporter_user_id == user.id)
            .order_by(Complaint.received_at.desc())
            .options(selectinload(Complaint.unit), selectinload(Complaint.region))
        )
    )


def link_complaints_to(user: User) -> int:
    """Attach the complaints filed with the user's (verified) e-mail to their account; returns how many."""
    ids = db.session.scalars(
        select(Complaint.id)
        .join(ReporterIdentity, ReporterIdentity.complaint_id == Complaint.id)
        .where(ReporterIdentity.email == user.email, Complaint.reporter_user_id.is_(None))
    ).all()
    for complaint in db.session.scalars(select(Complaint).where(Complaint.id.in_(ids))):
        complaint.reporter_user_id = user.id
    db.session.flush()
    return len(ids)
