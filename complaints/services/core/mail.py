"""Sending one e-mail: by SMTP when MAIL_SERVER is set, otherwise into the log and instance/mail.log."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app

from complaints.models import OutboxMessage
from complaints.models.types import utcnow


def build_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.created_at)
    email.set_content(message.body)
    return email


def send_email(message: OutboxMessage) -> None:
    """Hand the message to the mail server; raises on failure (the outbox records it and tries again later)."""
    email = build_email(message)
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        current_app.logger.info("E-mail (no MAIL_SERVER set) to %s: %s", message.recipient, message.subject)
        with open(config["MAIL_LOG_FILE"], "a", encoding="utf-8") as log:
            headers = "".join(f"{name}: {email[name]}\n" for name in ("From", "To", "Subject", "Message-ID", "Date"))
            log.write(f"--- {utcnow().isoformat()}\n{headers}\n{message.body}\n\n")
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
