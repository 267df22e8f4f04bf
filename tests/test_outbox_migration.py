"""Migration 0013 takes the secrets out of the bodies already stored: sent and failed messages lose them, pending
ones keep them sealed, so they still go out with the secret in place; down again, pending ones get them back."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from complaints.extensions import db
from complaints.models import OutboxMessage, OutboxStatus
from complaints.services.core import outbox
from tests.conftest import SuiteConfig
from tests.mail import delivered_text

RECEIPT = "Nomor pelacakan: 7KQ4-X9TP\nKunci akses: ABCD-EFGH-JK2M\n\nSimpan kunci akses Anda."
RESET = "Buka tautan ini dalam satu jam:\nhttps://pengaduan.example.go.id/atur-kata-sandi/eyJpZCI6MX0.abc\n\nAbaikan."


def stored(kind: str, status: str, body: str, n: int) -> dict:
    return {
        "message_id": f"<m{n}@example.org>",
        "kind": kind,
        "recipient": "siti@example.org",
        "subject": "s",
        "body": body,
        "status": status,
        "attempts": 1 if status != "pending" else 0,
        "created_at": "2026-12-01 00:00:00",
        "next_attempt_at": "2026-12-01 00:00:00",
        "sent_at": "2026-12-01 00:00:01" if status == "sent" else None,
    }


@pytest.mark.integration
def test_upgrade_redacts_stored_secrets_and_seals_pending_ones(tmp_path):
    from complaints import create_app

    app = create_app(SuiteConfig(f"sqlite:///{tmp_path / 'upgrade.db'}"))
    with app.app_context():
        upgrade(revision="0011")
        rows = [
            stored("complaint_receipt", "sent", RECEIPT, 1),
            stored("password_reset", "failed", RESET, 2),
            stored("password_reset", "pending", RESET, 3),
            stored("case_registered", "sent", "Nomor registrasi 0001/LM/XII/2026/KDI", 4),
            stored("complaint_receipt", "pending", RECEIPT, 5),
        ]
        db.session.execute(
            text(
                "INSERT INTO outbox_messages (message_id, kind, recipient, subject, body, status, attempts, "
                "created_at, next_attempt_at, sent_at) VALUES (:message_id, :kind, :recipient, :subject, :body, "
                ":status, :attempts, :created_at, :next_attempt_at, :sent_at)"
            ),
            rows,
        )
        db.session.commit()
        upgrade()
        sent, failed, pending, other, waiting = db.session.scalars(
            select(OutboxMessage).order_by(OutboxMessage.id)
        ).all()
        assert sent.body == RECEIPT.replace("ABCD-EFGH-JK2M", outbox.SECRET_PLACEHOLDER) and sent.sealed_secret is None
        assert "atur-kata-sandi" not in failed.body and failed.sealed_secret is None
        assert "atur-kata-sandi" not in pending.body and "eyJpZCI6MX0" not in pending.sealed_secret
        assert other.body == rows[3]["body"]
        assert outbox.deliver_message(pending.id) == "sent"
        assert "https://pengaduan.example.go.id/atur-kata-sandi/eyJpZCI6MX0.abc" in delivered_text(pending)
        assert db.session.get(OutboxMessage, pending.id).status is OutboxStatus.SENT
        assert "ABCD-EFGH-JK2M" not in waiting.body
        db.session.commit()
        # Down again, a message still waiting gets its secret back where the older code sends it from.
        downgrade(revision="0011")
        bodies = db.session.execute(text("SELECT body FROM outbox_messages ORDER BY id")).scalars().all()
        assert bodies[4] == RECEIPT and "ABCD-EFGH-JK2M" not in bodies[0]
        db.engine.dispose()
