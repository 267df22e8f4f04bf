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

Secrets (an access key, a one-time link) never rest in the table in the clear: the stored body holds
``SECRET_PLACEHOLDER`` where the secret goes, and the secret itself is kept apart, encrypted with a key derived from
SECRET_KEY (which the database does not hold). It is put into the e-mail only as it is handed to the mail server, and
wiped from the row once the message is sent or has failed for good: what stays is the redacted body.
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
from complaints.services.core.mail import SECRET_PLACEHOLDER, send_email
from complaints.services.core.sealing import SealBroken, seal, unseal

#: The outbox's own sealing key (see core/sealing.py).
_PURPOSE = b"outbox-secrets"


class SecretLost(Exception):
    """The kept-apart secret cannot be read any more (SECRET_KEY changed since the message was queued)."""


def queue_email(
    *, to: str, subject: str, body: str, kind: str, complaint: Complaint | None = None, secret: str | None = None
) -> OutboxMessage:
    """Queue a message. A ``secret`` goes where ``body`` says ``SECRET_PLACEHOLDER``, and only in the e-mail sent."""
    if secret is not None and (SECRET_PLACEHOLDER not in body or secret in body):
        raise ValueError("A secret goes where the body says SECRET_PLACEHOLDER, and nowhere else.")
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or "localhost"
    message = OutboxMessage(
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
        kind=kind,
        recipient=to,
        subject=subject,
        body=body,
        sealed_secret=seal(secret, purpose=_PURPOSE) if secret is not None else None,
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
    secret = None
    try:
        secret = unsealed_secret(message)
        send_email(message, secret)
    except Exception as exc:  # noqa: BLE001 (any failure to hand over is recorded and retried)
        outcome = _record_failure(message, exc, secret, now)
        db.session.commit()
        return outcome
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.last_error = None
    message.sealed_secret = None  # delivered: the secret is the recipient's alone now
    db.session.commit()
    return "sent"


def unsealed_secret(message: OutboxMessage) -> str | None:
    """The secret kept apart for this message, or None if it carries none; SecretLost if it cannot be read."""
    if message.sealed_secret is None:
        return None
    try:
        return unseal(message.sealed_secret, purpose=_PURPOSE)
    except SealBroken as exc:
        raise SecretLost("the message's secret cannot be read (SECRET_KEY changed since it was queued)") from exc


def _record_failure(message: OutboxMessage, exc: Exception, secret: str | None, now) -> str:
    """Note the failure (never the secret, whatever the error says) and retry later, or give up for good."""
    error = f"{type(exc).__name__}: {exc}"
    message.last_error = (error.replace(secret, SECRET_PLACEHOLDER) if secret else error)[:2000]
    if isinstance(exc, SecretLost) or message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.FAILED
        message.sealed_secret = None  # a message that failed for good keeps no secret either
        current_app.logger.error("Outbox message %s failed for good: %s", message.id, message.last_error)
        return "failed"
    message.next_attempt_at = now + retry_delay(message.attempts)
    return "retry"


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
