"""The case history is append-only and tamper-evident: ``flask audit verify`` names the first broken link."""

from sqlalchemy import select, text

from complaints.extensions import db
from complaints.models import AuditCheckpoint, CaseEvent, Complaint, Role
from complaints.services.casework import history, verification
from complaints.services.casework.history import (
    GENESIS,
    checkpoint_signature,
    event_hash,
    legacy_event_hash,
    verify_history,
)
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


# --- what someone with the database but not AUDIT_KEY can do, and what verify says --------------------------------


def rehash_case(complaint_id: int, hasher) -> None:
    """Recompute a case's whole chain with ``hasher``: ``legacy_event_hash`` is the unkeyed SHA-256 anyone can
    compute from the code and the rows."""
    prev = GENESIS
    for event in db.session.scalars(
        select(CaseEvent).where(CaseEvent.complaint_id == complaint_id).order_by(CaseEvent.seq)
    ):
        event.prev_hash = prev
        event.hash = prev = hasher(event)
    db.session.commit()


def audit_verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_deleting_a_cases_last_event_is_found(app, client, seeded):
    first, second = two_cases_with_history(client)
    db.session.execute(text("DELETE FROM case_events WHERE complaint_id = :c AND seq = 2"), {"c": second.id})
    db.session.commit()
    result = audit_verify(app)
    assert result.exit_code == 1
    assert f"BROKEN case {second.id} event #2: events after #1 are missing" in result.output
    assert f"case {first.id}" not in result.output


def test_deleting_a_whole_case_is_found(app, client, seeded):
    first, _ = two_cases_with_history(client)
    db.session.execute(text("DELETE FROM case_events WHERE complaint_id = :c"), {"c": first.id})
    db.session.commit()
    result = audit_verify(app)
    assert result.exit_code == 1 and f"BROKEN case {first.id} event #2: the case's events are gone" in result.output


def test_rewriting_an_event_and_rehashing_with_the_plain_hash_is_found(app, client, seeded):
    first, _ = two_cases_with_history(client)
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.complaint_id == first.id, CaseEvent.seq == 1))
    event.actor_label = "Someone else"
    db.session.commit()
    rehash_case(first.id, legacy_event_hash)  # every link consistent again, with the hash anyone can compute
    result = audit_verify(app)
    assert result.exit_code == 1
    assert f"BROKEN case {first.id} event #1 (id {event.id}): carries an unkeyed hash" in result.output


def test_rehashing_with_another_key_and_rewriting_the_checkpoint_is_found(app, client, seeded, monkeypatch):
    first, _ = two_cases_with_history(client)
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.complaint_id == first.id, CaseEvent.seq == 2))
    event.payload = {**event.payload, "documents": "nothing"}
    db.session.commit()
    monkeypatch.setitem(app.config, "AUDIT_KEY", "a guess, not the key")
    rehash_case(first.id, event_hash)
    last = db.session.scalar(select(CaseEvent).where(CaseEvent.complaint_id == first.id, CaseEvent.seq == 2))
    checkpoint = db.session.get(AuditCheckpoint, first.id)
    checkpoint.hash, checkpoint.signature = last.hash, checkpoint_signature(first.id, 2, last.hash)
    db.session.commit()
    monkeypatch.undo()
    result = audit_verify(app)
    assert result.exit_code == 1 and f"BROKEN case {first.id} event #1" in result.output


def test_legacy_history_is_flagged_until_resealed_and_a_tampered_one_is_refused(app, client, seeded):
    first, second = two_cases_with_history(client)
    # As before the upgrade: plain hashes, no checkpoints; and the second case was tampered with the old hash.
    db.session.execute(text("DELETE FROM audit_checkpoints"))
    db.session.commit()
    rehash_case(first.id, legacy_event_hash)
    tampered = db.session.scalar(select(CaseEvent).where(CaseEvent.complaint_id == second.id, CaseEvent.seq == 1))
    tampered.actor_label = "Someone else"
    db.session.commit()
    rehash_case(second.id, legacy_event_hash)
    tampered.prev_hash = "f" * 64  # one link the old verify would have caught
    db.session.commit()
    before = audit_verify(app)
    assert before.exit_code == 1 and "run `flask audit reseal` once" in before.output
    resealed = app.test_cli_runner().invoke(args=["audit", "reseal"])
    assert resealed.exit_code == 1 and "Resealed 2 events of 1 cases; 1 cases refused." in resealed.output
    assert f"BROKEN case {second.id} event #1" in resealed.output
    after = audit_verify(app)
    assert f"case {first.id}" not in after.output and f"BROKEN case {second.id}" in after.output
    # A second run has nothing more to seal.
    again = app.test_cli_runner().invoke(args=["audit", "reseal"])
    assert "Resealed 0 events of 0 cases" in again.output


def test_events_written_after_an_unsealed_legacy_history_are_resealed_with_it(app, client, seeded):
    first, _ = two_cases_with_history(client)
    db.session.execute(text("DELETE FROM audit_checkpoints WHERE complaint_id = :c"), {"c": first.id})
    db.session.commit()
    rehash_case(first.id, legacy_event_hash)
    history.record_event(db.session.get(Complaint, first.id), "note", actor_label="Sistem")  # after the upgrade
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["audit", "reseal"]).exit_code == 0
    assert list(verify_history()) == []
