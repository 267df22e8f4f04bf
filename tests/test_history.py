"""The case history is append-only and tamper-evident: ``flask audit verify`` names the first broken link."""

from sqlalchemy import select, text

from complaints.extensions import db
from complaints.models import CaseEvent, Complaint, Role
from complaints.services.casework import verification
from complaints.services.casework.history import GENESIS, event_hash, verify_history
from tests import factories
from tests.filing import file_complaint


def two_cases_with_history(client):
    for email in ("a@example.org", "b@example.org"):
        assert file_complaint(client, email=email).status_code == 302
    officer = factories.user(Role.OFFICER)
    for complaint in db.session.scalars(select(Complaint)):
        verification.request_documents(complaint, "Bukti pengaduan", by=officer)
    db.session.commit()
    return db.session.scalars(select(Complaint).order_by(Complaint.id)).all()


def test_each_event_points_at_the_one_before(client, seeded):
    first, _ = two_cases_with_history(client)
    events = db.session.scalars(
        select(CaseEvent).where(CaseEvent.complaint_id == first.id).order_by(CaseEvent.seq)
    ).all()
    assert [e.seq for e in events] == [1, 2]
    assert events[0].prev_hash == GENESIS and events[1].prev_hash == events[0].hash
    assert all(event_hash(e) == e.hash for e in events)
    assert list(verify_history()) == []


def test_audit_verify_names_a_changed_event(app, client, seeded):
    first, second = two_cases_with_history(client)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "4 events" in ok.output
    target = db.session.scalar(select(CaseEvent).where(CaseEvent.complaint_id == second.id, CaseEvent.seq == 2))
    db.session.execute(
        text("UPDATE case_events SET payload = :p WHERE id = :id"), {"p": '{"missing": "nothing"}', "id": target.id}
    )
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN case {second.id} event #2 (id {target.id})" in result.output and "changed" in result.output
    assert f"case {first.id}" not in result.output


def test_audit_verify_finds_a_deleted_event(app, client, seeded):
    first, _ = two_cases_with_history(client)
    db.session.execute(text("DELETE FROM case_events WHERE complaint_id = :c AND seq = 1"), {"c": first.id})
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"BROKEN case {first.id} event #2" in result.output and "missing" in result.output


def test_a_rewritten_chain_link_is_found(client, seeded):
    first, _ = two_cases_with_history(client)
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.complaint_id == first.id, CaseEvent.seq == 1))
    # Changing an event and recomputing its own hash still breaks the next link.
    event.actor_label = "Someone else"
    event.hash = event_hash(event)
    db.session.commit()
    broken = list(verify_history())
    assert [(b.complaint_id, b.seq) for b in broken] == [(first.id, 2)]
