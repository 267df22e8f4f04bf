"""Sending one e-mail: by SMTP when MAIL_SERVER is set, otherwise into the log and instance/mail.log.

The secret a message carries (see ``outbox``) is put into the text here, for the mail server only. Without a mail
server the log file gets it only where MAIL_LOG_SECRETS says so (a laptop: the log is how `make run` delivers a
receipt); in production it gets the redacted body, and the application log never gets a body at all."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app

from complaints.models import OutboxMessage
from complaints.models.types import utcnow

#: Stands in the stored body for the secret the e-mail carries; the reader of the table sees only this.
SECRET_PLACEHOLDER = "[secret: in the e-mail only]"  # noqa: S105 (a marker, not a secret)


def _text(message: OutboxMessage, secret: str | None) -> str:
    return message.body.replace(SECRET_PLACEHOLDER, secret) if secret is not None else message.body


def build_email(message: OutboxMessage, secret: str | None = None) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.created_at)
    email.set_content(_text(message, secret))
    return email


def send_email(message: OutboxMessage, secret: str | None = None) -> None:
    """Hand the message, with its secret in place, to the mail server; raises on failure (the outbox records it and
    tries again later)."""
    config = current_app.config
    email = build_email(message, secret)
    if not config.get("MAIL_SERVER"):
        current_app.logger.info("E-mail (no MAIL_SERVER set) to %s: %s", message.recipient, message.subject)
        text = _text(message, secret if config["MAIL_LOG_SECRETS"] else None)
        with open(config["MAIL_LOG_FILE"], "a", encoding="utf-8") as log:
            headers = "".join(f"{name}: {email[name]}\n" for name in ("From", "To", "Subject", "Message-ID", "Date"))
            log.write(f"--- {utcnow().isoformat()}\n{headers}\n{text}\n\n")
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
