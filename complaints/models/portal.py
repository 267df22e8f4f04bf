"""What service units send the Ombudsman through their portal, and what the portal sends them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.extensions import db
from complaints.models.people import User
from complaints.models.types import StrEnumType, UTCDateTime, one_of, utcnow


class SubmissionKind(enum.StrEnum):
    ANSWER = "answer"
    SUPPLEMENT = "supplement"
    ACTION_REPORT = "action_report"


class UnitSubmission(db.Model):
    """An answer to a clarification request, a supplement to it, or a report on a corrective action."""

    __tablename__ = "unit_submissions"
    __table_args__ = (one_of("kind", SubmissionKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("clarification_requests.id"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("corrective_actions.id"), index=True)
    kind: Mapped[SubmissionKind] = mapped_column(StrEnumType(SubmissionKind, 20))
    text: Mapped[str] = mapped_column(Text)
    #: For an action report: the day the action was carried out.
    done_on: Mapped[date | None] = mapped_column(Date)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submitted_by: Mapped[User] = relationship()


class DigestSent(db.Model):
    """One row per liaison and day: the daily digest goes out once, however often its task runs."""

    __tablename__ = "digests_sent"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    items: Mapped[int] = mapped_column(default=0)


class JointReview(db.Model):
    """The quarterly joint review of an agreement region: every unit's requests, overdue items and corrective
    actions, as PDF and XLSX files stored under random names."""

    __tablename__ = "joint_reviews"
    __table_args__ = (UniqueConstraint("agreement_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    #: "2026-Q4"
    period: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    pdf_name: Mapped[str] = mapped_column(String(32))
    xlsx_name: Mapped[str] = mapped_column(String(32))
