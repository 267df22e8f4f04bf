"""What an e-mail said as it left: the outbox keeps no secret once a message is sent, so the links and keys a test
follows are read from the development mail log (tests run without MAIL_SERVER, and that log keeps the secrets)."""

from __future__ import annotations

import re
from pathlib import Path

from flask import current_app

from complaints.models import OutboxMessage


def delivered_text(message: OutboxMessage) -> str:
    """The text of ``message`` as written to the mail log, secret included."""
    log = Path(current_app.config["MAIL_LOG_FILE"]).read_text(encoding="utf-8")
    header = f"Message-ID: {message.message_id}\n"
    start = log.index("\n\n", log.index(header)) + 2
    end = re.compile(r"\n\n--- \d{4}-").search(log, start)
    return log[start : end.start() if end else len(log)].rstrip("\n")
