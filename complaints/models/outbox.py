"""The outbox: notifications written in the same transaction as the change they announce, delivered after commit."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from complaints.extensions import db
from complaints.models.types import StrEnumType, UTCDateTime, one_of, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        one_of("status", OutboxStatus),
        CheckConstraint("status != 'sent' OR sent_at IS NOT NULL", name="sent_at"),
        CheckConstraint("status = 'pending' OR sealed_secret IS NULL", name="secret_only_while_pending"),
        # The relay reads pending messages by their next attempt: indexed so it stays cheap as the table grows.
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable RFC 5322 Message-ID: a resend after a crash carries the same one, so it is recognisable.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    #: What the message is about, e.g. "complaint_receipt", "email_verification".
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    #: The text as sent, except the secret it carries (an access key, a one-time link): SECRET_PLACEHOLDER there.
    body: Mapped[str] = mapped_column(Text)
    #: That secret, encrypted with a key the database does not hold (services/core/outbox.py); wiped once the
    #: message is sent or has failed for good.
    sealed_secret: Mapped[str | None] = mapped_column(Text)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id", ondelete="SET NULL"), index=True)
    status: Mapped[OutboxStatus] = mapped_column(StrEnumType(OutboxStatus, 20), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
