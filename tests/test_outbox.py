"""Notifications go through the outbox: written with the change, sent after the commit, retried, never lost."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import Complaint, OutboxMessage, OutboxStatus
from complaints.models.types import utcnow
from complaints.services.core import outbox
from tests.filing import file_complaint
from tests.smtp import free_port


@pytest.fixture
def smtp_app(app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    return app


def test_the_receipt_reaches_a_real_smtp_server_once(smtp_app, client, seeded, smtp_server):
    assert file_complaint(client).status_code == 302
    complaint = db.session.scalar(select(Complaint))
    message = db.session.scalar(select(OutboxMessage))
    received = smtp_server.to("siti@example.org")
    assert len(received) == 1
    assert received[0]["Message-ID"] == message.message_id
    assert complaint.tracking_number in received[0]["Subject"]
    body = received[0].get_content()
    assert complaint.tracking_number in body and "Kunci akses" in body
    assert message.status is OutboxStatus.SENT and message.attempts == 1
    # The relay and a repeated delivery find nothing left to send.
    assert outbox.relay_pending() == 0
    assert outbox.deliver_message(message.id) == "skipped"
    assert len(smtp_server.messages) == 1


def test_nothing_is_sent_for_a_transaction_that_rolls_back(smtp_app, app_ctx, seeded, smtp_server):
    outbox.queue_email(to="x@example.org", subject="s", body="b", kind="test")
    db.session.rollback()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert smtp_server.messages == []


def test_smtp_down_means_retry_later_then_delivered_once(app, client, seeded, monkeypatch, smtp_server):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
    assert file_complaint(client).status_code == 302  # filing succeeds while SMTP is down
    message = db.session.scalar(select(OutboxMessage))
    assert message.status is OutboxStatus.PENDING and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > utcnow()
    assert outbox.relay_pending() == 0  # backing off: not due yet
    # SMTP is back and the back-off has passed.
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert outbox.relay_pending() == 1
    assert outbox.relay_pending() == 0
    delivered = db.session.get(OutboxMessage, message.id)
    assert delivered.status is OutboxStatus.SENT and delivered.attempts == 2 and delivered.last_error is None
    assert smtp_server.message_ids() == [message.message_id]


def test_a_message_that_keeps_failing_is_marked_failed(app, app_ctx, seeded, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    monkeypatch.setitem(app.config, "CELERY", {**app.config["CELERY"]})
    message = outbox.queue_email(to="x@example.org", subject="s", body="b", kind="test")
    db.session.commit()  # first attempt, eager, right after the commit
    outcomes = []
    for _ in range(3):
        db.session.get(OutboxMessage, message.id).next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        outcomes.append(outbox.deliver_message(message.id))
    assert outcomes == ["retry", "failed", "skipped"]
    assert db.session.get(OutboxMessage, message.id).status is OutboxStatus.FAILED


def test_retry_delays_grow_and_are_bounded():
    assert [outbox.retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4, 7, 8, 20)] == [1, 2, 4, 8, 60, 60, 60]
