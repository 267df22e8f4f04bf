"""Notifications that are never lost and, in normal operation, sent once.

1. A service calls ``queue_email`` inside the transaction that makes the news true: the row commits with it, or
   not at all.
2. After that commit, each new message is handed to Celery (``deliver`` task). If the broker is down, nothing is
   lost: the row stays pending.
3. ``relay_pending`` (Celery beat, every minute) hands over whatever is still pending and due: broker was down,
   SMTP failed, a worker died mid-way.
4. ``deliver_message`` locks the row (SKIP LOCKED on PostgreSQL), sends, marks it sent, commits. Two workers cannot
   send the same message at once; a crash between the SMTP hand-over and the commit leads to one resend with the
   same Message-ID, which mail clients recognise as the same message.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Complaint, OutboxMessage, OutboxStatus
from complaints.models.types import utcnow
from complaints.services.core.after_commit import hand_over_after_commit
from complaints.services.core.mail import send_email


def queue_email(*, to: str, subject: str, body: str, kind: str, complaint: Complaint | None = None) -> OutboxMessage:
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or "localhost"
    message = OutboxMessage(
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
        kind=kind,
        recipient=to,
        subject=subject,
        body=body,
        complaint_id=complaint.id if complaint is not None else None,
    )
    db.session.add(message)
    db.session.flush()
    hand_over_after_commit("complaints.notifications.deliver", message.id)  # if the broker is down, the relay sends it
    return message


def _lock_pending(message_id: int) -> OutboxMessage | None:
    query = select(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalar(query)


def deliver_message(message_id: int) -> str:
    """Send one pending message. Returns what happened: sent, retry, failed, or skipped (sent or locked elsewhere)."""
    message = _lock_pending(message_id)
    if message is None:
        db.session.rollback()
        return "skipped"
    now = utcnow()
    if message.next_attempt_at > now + timedelta(seconds=1) and message.attempts:
        db.session.rollback()  # backing off after a failure; the relay will come back for it
        return "skipped"
    message.attempts += 1
    try:
        send_email(message)
    except Exception as exc:  # noqa: BLE001 (any failure to hand over is recorded and retried)
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
            message.status = OutboxStatus.FAILED
            outcome = "failed"
            current_app.logger.error("Outbox message %s failed for good: %s", message.id, message.last_error)
        else:
            message.next_attempt_at = now + retry_delay(message.attempts)
            outcome = "retry"
        db.session.commit()
        return outcome
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.last_error = None
    db.session.commit()
    return "sent"


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes, at most an hour."""
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def pending_due(limit: int = 500) -> list[int]:
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= utcnow())
            .order_by(OutboxMessage.next_attempt_at)
            .limit(limit)
        )
    )


def relay_pending(limit: int = 500) -> int:
    """Deliver what is pending and due, in this process; returns how many were looked at."""
    ids = pending_due(limit)
    db.session.rollback()
    for message_id in ids:
        deliver_message(message_id)
    return len(ids)
