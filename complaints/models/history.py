"""A case's history: append-only events, each carrying the keyed hash of the one before (tamper-evident), and a
signed checkpoint per case naming its last event (so that deleting the last events shows)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.extensions import db
from complaints.models.cases import Complaint
from complaints.models.people import User
from complaints.models.types import UTCDateTime, utcnow


class CaseEvent(db.Model):
    __tablename__ = "case_events"
    # One sequence per case: two writers appending at once cannot both take the same place in the chain.
    __table_args__ = (UniqueConstraint("complaint_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Who acted, as shown in the timeline ("Pelapor", "Sistem", an officer's name).
    actor_label: Mapped[str] = mapped_column(String(120))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Shown to the reporter on the tracking page; internal notes are never public.
    public: Mapped[bool] = mapped_column(default=False)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    complaint: Mapped[Complaint] = relationship()
    actor: Mapped[User | None] = relationship()


class AuditCheckpoint(db.Model):
    """The head of one case's chain, signed with AUDIT_KEY, rewritten with each event in the same transaction.

    Deliberately no foreign key: deleting a case and its events leaves this row behind, and ``audit verify`` names it.
    """

    __tablename__ = "audit_checkpoints"

    complaint_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: The position and the hash of the case's last event when the checkpoint was signed.
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: HMAC-SHA256 of the case, the position and the hash, keyed with AUDIT_KEY (which the database does not hold).
    signature: Mapped[str] = mapped_column(String(64))
