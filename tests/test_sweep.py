"""The clock sweep: one reminder before each due date and one escalation per breach, however often it runs."""

import threading
import time
from datetime import timedelta

from sqlalchemy import func, select, update

from complaints.extensions import db
from complaints.models import CaseEvent, Clock, ClockStatus, Complaint, Office, OutboxMessage, Role
from complaints.services.casework import sweep
from complaints.services.places.working_days import office_today
from complaints.tasks.clocks import sweep_clocks
from tests import factories
from tests.conftest import app_with_broker
from tests.filing import file_complaint

CASES = 4


def file_cases(client):
    for n in range(CASES):
        assert file_complaint(client, email=f"p{n}@example.org").status_code == 302
    return db.session.scalars(select(Clock).where(Clock.kind == "verification").order_by(Clock.id)).all()


def messages(kind):
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind))


def events(kind):
    return db.session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.type == kind))


def test_reminders_before_the_due_date_go_out_once(client, seeded):
    supervisor = factories.user(Role.SUPERVISOR)
    clocks = file_cases(client)
    due = clocks[0].due_on
    assert sweep.sweep(today=due - timedelta(days=4)).reminders == []  # not yet in the window
    first = sweep.sweep(today=due - timedelta(days=2))
    second = sweep.sweep(today=due - timedelta(days=1))
    assert len(first.reminders) == CASES and second.reminders == []
    reminders = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "clock_reminder")).all()
    assert len(reminders) == CASES and {m.recipient for m in reminders} == {supervisor.email}
    assert events("reminder_sent") == CASES


def test_a_breach_escalates_once_even_when_swept_twice(client, seeded):
    factories.user(Role.SUPERVISOR)
    clocks = file_cases(client)
    late = clocks[0].due_on + timedelta(days=1)
    first, second = sweep.sweep(today=late), sweep.sweep(today=late)
    assert len(first.escalations) == CASES and second.escalations == []
    assert messages("supervisor_alert") == CASES and events("deadline_missed") == CASES
    breached = db.session.scalars(select(Clock).where(Clock.kind == "verification")).all()
    assert {(c.status, c.escalation_level) for c in breached} == {(ClockStatus.BREACHED, 1)}


def test_two_sweeps_at_once_escalate_each_breach_once(app, client, seeded):
    factories.user(Role.SUPERVISOR)
    clocks = file_cases(client)
    late = clocks[0].due_on + timedelta(days=1)
    reports, errors = [], []

    def run():
        try:
            with app.app_context():
                reports.append(sweep.sweep(today=late))
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(sum((r.escalations for r in reports), [])) == [c.id for c in clocks]
    assert messages("supervisor_alert") == CASES and events("deadline_missed") == CASES


def test_the_sweep_reads_only_the_clocks_due(app_ctx, seeded):
    """Its query is bounded by the (status, due_on) index: the plan names it on PostgreSQL and SQLite alike."""
    window = office_today(db.session.scalar(select(Office).limit(1)).timezone) + timedelta(days=3)
    statement = (
        select(Clock.id).where(Clock.status == ClockStatus.RUNNING, Clock.due_on <= window).order_by(Clock.due_on)
    )
    dialect = db.engine.dialect.name
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN " if dialect == "postgresql" else "EXPLAIN QUERY PLAN "
    plan = " ".join(str(row) for row in db.session.execute(db.text(prefix + str(compiled))))
    if dialect == "sqlite":
        assert "ix_clocks_status_due_on" in plan
    else:  # an empty table may be scanned; what matters is that the index exists for the planner
        assert (
            db.session.execute(db.text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_clocks_status_due_on'")).scalar()
            == 1
        )


def test_real_workers_on_redis_sweep_once(database_url, redis_url, client, seeded, celery_worker):
    factories.user(Role.SUPERVISOR)
    file_cases(client)
    yesterday = office_today(db.session.scalar(select(Complaint).limit(1)).office.timezone) - timedelta(days=1)
    db.session.execute(update(Clock).values(due_on=yesterday, start_on=yesterday - timedelta(days=20)))
    db.session.commit()
    # Two workers on the same queue, so that the two sweeps really can run at the same time.
    first = celery_worker()
    celery_worker(queue=first.queue)
    app = app_with_broker(database_url, redis_url, queue=first.queue)
    with app.app_context():
        results = [sweep_clocks.apply_async(queue=first.queue) for _ in range(3)]
        outcomes = [result.get(timeout=60) for result in results]
    assert any(o.endswith(f"{CASES} escalations") for o in outcomes), outcomes
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and events("deadline_missed") < CASES:
        time.sleep(0.2)
    db.session.expire_all()
    assert events("deadline_missed") == CASES
    assert messages("supervisor_alert") == CASES
    assert {c.escalation_level for c in db.session.scalars(select(Clock))} == {1}
    assert db.session.scalar(select(func.count()).select_from(Complaint)) == CASES
