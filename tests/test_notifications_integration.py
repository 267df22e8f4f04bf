"""Filing works while the broker is down; once it is back, a real worker delivers every notification exactly once."""

import time

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Complaint, OutboxMessage, OutboxStatus
from complaints.tasks.notifications import relay
from tests.conftest import app_with_broker
from tests.filing import file_complaint

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def wait_until(predicate, timeout=60.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def outbox_rows():
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_broker_down_then_back_every_notification_once(database_url, redis_url, seeded, smtp_server, celery_worker):
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port}

    # 1. The broker is unreachable: citizens can still file, and the notifications wait in the outbox.
    down = app_with_broker(database_url, UNREACHABLE_BROKER, **mail)
    client = down.test_client()
    started = time.monotonic()
    for n in range(3):
        assert file_complaint(client, email=f"pelapor{n}@example.org").status_code == 302
    assert time.monotonic() - started < 15, "filing must not wait on a broker that is down"
    assert db.session.query(Complaint).count() == 3
    assert [m.status for m in outbox_rows()] == [OutboxStatus.PENDING] * 3
    assert smtp_server.messages == []

    # 2. The broker is back, with a real worker on it.
    worker = celery_worker(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    up = app_with_broker(database_url, redis_url, queue=worker.queue, **mail)
    client = up.test_client()
    for n in range(3, 5):
        assert file_complaint(client, email=f"pelapor{n}@example.org").status_code == 302
    # New filings are dispatched right after their commit; the relay (beat's job) sends what waited.
    with up.app_context():
        relay.apply_async()
    assert wait_until(lambda: all(m.status is OutboxStatus.SENT for m in outbox_rows())), worker.log()[-3000:]

    # 3. Running the relay again, twice, sends nothing more.
    with up.app_context():
        relay.apply_async()
        relay.apply_async()
    time.sleep(2)
    rows = outbox_rows()
    assert len(rows) == 5 and all(m.attempts == 1 for m in rows)
    received = smtp_server.message_ids()
    assert sorted(received) == sorted(m.message_id for m in rows), "each notification exactly once"
    for n in range(5):
        assert len(smtp_server.to(f"pelapor{n}@example.org")) == 1
