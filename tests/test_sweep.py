"""The clock sweep: one reminder before each due date and one escalation per breach, however often it runs."""

import threading
import time
from datetime import timedelta

from sqlalchemy import event, func, insert, select, update

from complaints.extensions import db
from complaints.models import CaseEvent, Clock, ClockStatus, Complaint, Office, OutboxMessage, Province, Role
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


def add_clocks(cases: list[int], count: int, due_on) -> list[int]:
    """``count`` more running verification clocks due on ``due_on``, spread over ``cases`` (ids), in one INSERT."""
    template = db.session.scalar(select(Clock).where(Clock.kind == "verification").limit(1))
    copied = {
        column: getattr(template, column)
        for column in ("kind", "rule_set", "who_must_act", "days", "day_type", "legal_basis", "started_at")
    }
    rows = [
        {**copied, "complaint_id": cases[n % len(cases)], "start_on": due_on - timedelta(days=20), "due_on": due_on}
        for n in range(count)
    ]
    db.session.execute(insert(Clock), rows)
    db.session.commit()
    return list(db.session.scalars(select(Clock.id).order_by(Clock.id.desc()).limit(count)))


def per_clock(kind):
    """How many events of ``kind`` each clock has (clock id → count)."""
    counts = {}
    for payload in db.session.scalars(select(CaseEvent.payload).where(CaseEvent.type == kind)):
        counts[payload["clock_id"]] = counts.get(payload["clock_id"], 0) + 1
    return counts


def test_every_due_clock_is_reminded_however_many_fall_due_together(client, seeded):
    """More clocks due than one batch holds: all are reminded once, and none is escalated without its reminder."""
    factories.user(Role.SUPERVISOR)
    filed = file_cases(client)
    due = filed[0].due_on
    db.session.execute(update(Clock).values(due_on=due))
    batch = 5
    add_clocks([c.complaint_id for c in filed], batch + 10 - CASES, due)
    every = set(db.session.scalars(select(Clock.id)))
    assert len(every) == batch + 10

    first = sweep.sweep(today=due - timedelta(days=1), batch=batch)
    second = sweep.sweep(today=due - timedelta(days=1), batch=batch)
    assert set(first.reminders) | set(second.reminders) == every
    assert per_clock("reminder_sent") == dict.fromkeys(every, 1)
    assert messages("clock_reminder") == len(every)

    late = sweep.sweep(today=due + timedelta(days=1), batch=batch)
    assert sorted(late.escalations) == sorted(every) and late.reminders == []
    assert per_clock("deadline_missed") == dict.fromkeys(every, 1)
    assert per_clock("reminder_sent") == dict.fromkeys(every, 1), "no clock escalated without its reminder"


def test_a_sweep_out_of_time_leaves_the_rest_to_the_next(client, seeded):
    factories.user(Role.SUPERVISOR)
    filed = file_cases(client)
    today = filed[0].due_on - timedelta(days=1)
    spent = sweep.sweep(today=today, budget=0)
    assert spent.unfinished and spent.reminders == [] and str(spent).startswith("time budget spent")
    rest = sweep.sweep(today=today)
    assert not rest.unfinished and sorted(rest.reminders) == [c.id for c in filed]


def test_a_clock_that_fails_holds_up_no_other(client, seeded, monkeypatch):
    factories.user(Role.SUPERVISOR)
    filed = file_cases(client)
    today, poison = filed[0].due_on - timedelta(days=1), filed[1].id
    remind = sweep._remind

    def remind_or_fail(clock_id):
        if clock_id == poison:
            raise RuntimeError("a template that cannot be rendered")
        remind(clock_id)

    monkeypatch.setattr(sweep, "_remind", remind_or_fail)
    report = sweep.sweep(today=today, batch=2)
    assert report.failed == [poison] and sorted(report.reminders) == sorted({c.id for c in filed} - {poison})
    assert poison not in per_clock("reminder_sent")  # its claim, message and event were rolled back together
    monkeypatch.undo()
    assert sweep.sweep(today=today).reminders == [poison]
    assert messages("clock_reminder") == CASES


def test_each_clock_runs_on_its_own_offices_date(client, seeded, monkeypatch):
    """With offices in two time zones, a clock due today in Kendari is reminded, not escalated, although it is
    already tomorrow further east."""
    factories.user(Role.SUPERVISOR)
    filed = file_cases(client)
    due = filed[0].due_on
    db.session.add(Province(code="94", name="Papua", timezone="Asia/Jayapura"))
    db.session.commit()
    local = {"Asia/Makassar": due, "Asia/Jayapura": due + timedelta(days=1)}
    monkeypatch.setattr(sweep, "office_today", local.__getitem__)
    report = sweep.sweep()
    assert sorted(report.reminders) == [c.id for c in filed] and report.escalations == []
    local.update({"Asia/Makassar": due + timedelta(days=1), "Asia/Jayapura": due + timedelta(days=2)})
    assert sorted(sweep.sweep().escalations) == [c.id for c in filed]


def sweep_statements(today) -> list[tuple[str, object]]:
    """The statements a sweep sends that read clocks in due-date order (its two passes' batches)."""
    seen = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "ORDER BY clocks.due_on" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        sweep.sweep(today=today)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return seen


def test_the_sweep_reads_only_what_is_left_to_do(app_ctx, seeded):
    """Each pass is bounded by an index: not yet reminded clocks by (status, reminded_at, due_on), overdue ones by
    (status, due_on). The plans of the statements the sweep really sends name them on SQLite; on PostgreSQL (whose
    planner may scan a nearly empty table) the indexes must exist."""
    statements = sweep_statements(office_today(db.session.scalar(select(Office).limit(1)).timezone))
    assert len(statements) == 2
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            plans = [
                " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
                for statement, parameters in statements
            ]
        assert "ix_clocks_status_reminded_at_due_on" in plans[0], plans[0]
        assert "ix_clocks_status_due_on" in plans[1], plans[1]
    else:
        names = {"ix_clocks_status_due_on", "ix_clocks_status_reminded_at_due_on"}
        found = db.session.scalars(db.text("SELECT indexname FROM pg_indexes WHERE tablename = 'clocks'"))
        assert names <= set(found)


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
