"""Campaign (issue 12): a Celery worker SIGKILLed in the middle of a sweep over 1,000 due clocks. The next sweep, in
another worker, takes over within a minute, and after it every clock has had its reminder or its escalation exactly
once, each e-mail reaching a real SMTP server once.

Run alone with ``-s`` to read the figures of the run (lines starting with "campaign:").
"""

import os
import signal
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select, text, update

from complaints.extensions import db
from complaints.models import CaseEvent, Clock, ClockStatus, Complaint, OutboxMessage, OutboxStatus, Role
from complaints.services.core import outbox
from complaints.services.core.locks import advisory_key
from complaints.services.places.working_days import office_today
from tests import factories
from tests.conftest import app_with_broker
from tests.test_sweep import add_clocks, file_cases, per_clock

TO_REMIND, TO_ESCALATE = 600, 400
#: The worker is killed once this many clocks are done: some, far from all.
KILL_AFTER = 250
TAKE_OVER_WITHIN = 60.0
SWEEP = "complaints.clocks.sweep"


def send(app, task: str):
    """Queue ``task`` through ``app``'s own Celery, to its worker (the process-wide current app is another one)."""
    return app.extensions["celery"].tasks[task].apply_async()


def done() -> int:
    db.session.rollback()  # a fresh snapshot of what the worker committed
    return db.session.scalar(
        select(func.count()).select_from(CaseEvent).where(CaseEvent.type.in_(("reminder_sent", "deadline_missed")))
    )


def wait_for(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"waited {timeout:.0f} s for {what}")


def unsent() -> int:
    db.session.rollback()
    return db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != OutboxStatus.SENT)
    )


def sweep_lock_held() -> bool:
    """Whether any session holds the sweep's advisory lock (PostgreSQL), read from pg_locks."""
    key = advisory_key("clock-sweep") & 0xFFFFFFFFFFFFFFFF
    held = db.session.scalar(
        text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid::bigint = :high AND objid::bigint = :low AND objsubid = 1"
        ),
        {"high": key >> 32, "low": key & 0xFFFFFFFF},
    )
    db.session.rollback()
    return held > 0


def due_clocks(client) -> tuple[set[int], set[int]]:
    """600 running clocks due tomorrow (each owes a reminder) and 400 due yesterday (each owes an escalation)."""
    filed = file_cases(client)
    today = office_today(db.session.scalar(select(Complaint).limit(1)).office.timezone)
    tomorrow, yesterday = today + timedelta(days=1), today - timedelta(days=1)
    db.session.execute(update(Clock).values(due_on=tomorrow, start_on=tomorrow - timedelta(days=20)))
    db.session.commit()
    cases = [c.complaint_id for c in filed]
    to_remind = {c.id for c in filed} | set(add_clocks(cases, TO_REMIND - len(filed), tomorrow))
    to_escalate = set(add_clocks(cases, TO_ESCALATE, yesterday))
    return to_remind, to_escalate


def test_a_worker_killed_mid_sweep_loses_and_repeats_nothing(
    database_url, redis_url, client, seeded, celery_worker, smtp_server
):
    began = time.monotonic()
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port}
    doomed, survivor = celery_worker(**mail), celery_worker(**mail)  # each on a queue of its own; they start meanwhile
    on_doomed = app_with_broker(database_url, redis_url, queue=doomed.queue, **mail)
    on_survivor = app_with_broker(database_url, redis_url, queue=survivor.queue, **mail)
    factories.user(Role.SUPERVISOR)
    to_remind, to_escalate = due_clocks(client)
    for app in (on_doomed, on_survivor):
        assert send(app, "complaints.health.ping").get(timeout=180)["pong"]

    # 1. A sweep in the doomed worker. While it works, a sweep in the other worker finds the lock taken.
    send(on_doomed, SWEEP)
    wait_for(done, 60, "the first sweep to start")
    assert send(on_survivor, SWEEP).get(timeout=60).startswith("skipped"), "two sweeps at once"

    # 2. SIGKILL in the middle of the sweep.
    wait_for(lambda: done() >= KILL_AFTER, 120, f"{KILL_AFTER} clocks done")
    postgres = db.engine.dialect.name == "postgresql"
    assert not postgres or sweep_lock_held()
    os.kill(doomed.process.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    doomed.process.wait(timeout=30)
    before_kill = done()
    assert KILL_AFTER <= before_kill < TO_REMIND + TO_ESCALATE, "killed mid-sweep"
    lock_free_after = None
    if postgres:  # the server drops a dead session's lock once it sees it gone
        wait_for(lambda: not sweep_lock_held(), TAKE_OVER_WITHIN, "the dead worker's lock to go")
        lock_free_after = time.monotonic() - killed_at

    # 3. The next sweep, in the other worker, takes the lock at once (an flock goes with its dead process) and goes on.
    result = send(on_survivor, SWEEP)
    wait_for(lambda: done() > before_kill or result.ready(), TAKE_OVER_WITHIN, "the next sweep to act")
    started_after = time.monotonic() - killed_at
    assert started_after < TAKE_OVER_WITHIN
    # Meanwhile the relay (beat's job, run here) sends what is pending: what the dead worker queued, and what the
    # sweep queues (the survivor's deliveries wait behind its sweep, and find them sent). Row locks keep them apart.
    with on_survivor.app_context():
        while not result.ready():
            if not outbox.relay_pending(limit=50):
                time.sleep(0.2)
        outcome = result.get(timeout=10)
        finished_after = time.monotonic() - killed_at
        assert not outcome.startswith("skipped"), outcome
        while outbox.relay_pending():
            pass
    wait_for(lambda: not unsent(), 60, "every e-mail sent", interval=0.5)

    # 4. Every clock reminded or escalated exactly once.
    assert per_clock("reminder_sent") == dict.fromkeys(to_remind, 1)
    assert per_clock("deadline_missed") == dict.fromkeys(to_escalate, 1)
    clocks = {c.id: c for c in db.session.scalars(select(Clock))}
    assert all(clocks[i].reminded_at is not None and clocks[i].status is ClockStatus.RUNNING for i in to_remind)
    assert all((clocks[i].status, clocks[i].escalation_level) == (ClockStatus.BREACHED, 1) for i in to_escalate)
    kinds = Counter(db.session.scalars(select(OutboxMessage.kind)))
    assert (kinds["clock_reminder"], kinds["supervisor_alert"]) == (TO_REMIND, TO_ESCALATE)

    # 5. Each e-mail reached the SMTP server once.
    received = Counter(smtp_server.message_ids())
    swept = set(
        db.session.scalars(
            select(OutboxMessage.message_id).where(OutboxMessage.kind.in_(("clock_reminder", "supervisor_alert")))
        )
    )
    assert set(received) == swept, "an e-mail never reached the SMTP server, or one never queued did"
    assert [m for m, n in received.items() if n > 1] == [], "an e-mail reached the SMTP server twice"

    print(
        f"\ncampaign: {len(to_remind) + len(to_escalate)} clocks due ({len(to_remind)} reminders, "
        f"{len(to_escalate)} escalations); {before_kill} done when the worker was SIGKILLed; lock free "
        f"{'n/a' if lock_free_after is None else f'{lock_free_after * 1000:.0f} ms'} after the kill; the next sweep "
        f"acting {started_after:.1f} s after the kill and done {finished_after:.1f} s after ({outcome}); "
        f"{sum(received.values())} e-mails received by SMTP, {len(received)} distinct; "
        f"{time.monotonic() - began:.0f} s in all"
    )
