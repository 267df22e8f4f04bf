"""Notifications go through the outbox: written with the change, sent after the commit, retried, never lost."""

import logging
import re
import smtplib
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select, text

from complaints.extensions import db
from complaints.models import Complaint, OutboxMessage, OutboxStatus
from complaints.models.types import utcnow
from complaints.services.core import outbox
from complaints.services.core.mail import build_email
from tests.filing import file_complaint, form_data
from tests.mail import delivered_text
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


# --- secrets never rest in the table: access keys and one-time links are kept apart, and wiped once sent ---------

ACCESS_KEY = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


def outbox_text() -> str:
    """Everything the outbox table holds, as the database gives it to whoever reads it."""
    rows = db.session.execute(text("SELECT * FROM outbox_messages")).all()
    return "\n".join(str(value) for row in rows for value in row if value is not None)


def opens_report(number: str, key: str) -> bool:
    visitor = current_app.test_client()
    answer = visitor.post("/lacak", data={"tracking_number": number, "access_key": key})
    return answer.status_code == 302 and "/lacak/" in answer.headers["Location"]


def test_after_relay_no_outbox_row_holds_the_access_key_yet_the_e_mail_does(app, client, seeded, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)  # SMTP down at filing
    try:
        assert file_complaint(client).status_code == 302
        complaint = db.session.scalar(select(Complaint))
        message = db.session.scalar(select(OutboxMessage))
        assert message.status is OutboxStatus.PENDING
        assert ACCESS_KEY.search(outbox_text()) is None  # not even while waiting for the mail server
        app.config["MAIL_PORT"] = smtp_server.port
        message.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert outbox.relay_pending() == 1
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25, MAIL_TIMEOUT=10)
    [received] = smtp_server.to("siti@example.org")
    key = ACCESS_KEY.search(received.get_content()).group(0)
    assert "Kunci akses: " + key in received.get_content()
    stored = outbox_text()
    assert key not in stored and key.replace("-", "") not in stored and ACCESS_KEY.search(stored) is None
    sent = db.session.get(OutboxMessage, message.id)
    assert sent.status is OutboxStatus.SENT and sent.sealed_secret is None
    assert f"Kunci akses: {outbox.SECRET_PLACEHOLDER}" in sent.body
    # Whatever a reader of the table tries, it opens nothing; the e-mailed key does.
    for candidate in {*re.findall(r"[0-9A-Za-z-]{12,}", stored)}:
        assert not opens_report(complaint.tracking_number, candidate), candidate
    assert opens_report(complaint.tracking_number, key)


def test_a_message_that_failed_for_good_keeps_no_secret_and_no_log_shows_it(app, app_ctx, seeded, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    secret = "https://pengaduan.example.go.id/atur-kata-sandi/one-time-token"

    def echoing_server(message, secret_in_mail):  # a server whose refusal quotes the message back
        raise smtplib.SMTPDataError(554, f"refused: {build_email(message, secret_in_mail).get_content()}")

    monkeypatch.setattr(outbox, "send_email", echoing_server)
    monkeypatch.setattr(app.logger, "disabled", False)  # alembic's logging set-up in the suite switches it off
    body = f"Open this link:\n{outbox.SECRET_PLACEHOLDER}\n"
    with caplog.at_level(logging.DEBUG):
        message = outbox.queue_email(to="x@example.org", subject="s", body=body, kind="password_reset", secret=secret)
        db.session.commit()  # first attempt, eager
        db.session.get(OutboxMessage, message.id).next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert outbox.deliver_message(message.id) == "failed"
    failed = db.session.get(OutboxMessage, message.id)
    assert failed.status is OutboxStatus.FAILED and failed.sealed_secret is None
    assert "refused: Open this link" in failed.last_error and outbox.SECRET_PLACEHOLDER in failed.last_error
    assert "one-time-token" not in outbox_text()
    assert "Outbox message" in caplog.text and "one-time-token" not in caplog.text


def test_one_time_links_rest_nowhere_in_the_table(client, seeded):
    client.post(
        "/daftar",
        data={"full_name": "Xena", "email": "x@example.org", "password": "link-test-pass", "confirm": "link-test-pass"},
    )
    client.post("/lupa-kata-sandi", data={"email": "x@example.org"})
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.kind for m in messages] == ["email_verification", "password_reset"]
    assert "/akun/verifikasi/" in delivered_text(messages[0]) and "/atur-kata-sandi/" in delivered_text(messages[1])
    stored = outbox_text()
    assert "/akun/verifikasi/" not in stored and "/atur-kata-sandi/" not in stored


def test_production_mail_log_and_app_log_get_the_redacted_body(app, client, seeded, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_LOG_SECRETS", False)  # production's setting, without MAIL_SERVER
    with caplog.at_level(logging.DEBUG):
        response = client.post("/lapor", data=form_data(), content_type="multipart/form-data")
        receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    key = ACCESS_KEY.search(receipt).group(0)  # shown once, on the receipt page
    written = delivered_text(db.session.scalar(select(OutboxMessage)))
    assert f"Kunci akses: {outbox.SECRET_PLACEHOLDER}" in written and key not in written
    assert key not in Path(app.config["MAIL_LOG_FILE"]).read_text() and key not in caplog.text


def test_a_secret_sealed_under_another_secret_key_fails_for_good_without_it(app, app_ctx, seeded, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    message = outbox.queue_email(
        to="x@example.org", subject="s", body=f"key {outbox.SECRET_PLACEHOLDER}", kind="test", secret="ABCD-EFGH-JKLM"
    )
    db.session.commit()  # first attempt fails: nothing listens
    monkeypatch.setitem(app.config, "SECRET_KEY", "rotated-" + "x" * 32)
    db.session.get(OutboxMessage, message.id).next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert outbox.deliver_message(message.id) == "failed"
    failed = db.session.get(OutboxMessage, message.id)
    assert failed.sealed_secret is None and "SecretLost" in failed.last_error


def test_a_secret_goes_only_where_the_placeholder_is(app_ctx):
    with pytest.raises(ValueError, match="SECRET_PLACEHOLDER"):
        outbox.queue_email(
            to="x@example.org", subject="s", body="key ABCD-EFGH-JKLM", kind="t", secret="ABCD-EFGH-JKLM"
        )
