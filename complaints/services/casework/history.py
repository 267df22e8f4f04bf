"""The case history: every state change appends an event that carries the keyed hash of the event before it.

The hash is an HMAC-SHA256 keyed with AUDIT_KEY, a secret the database does not hold, over the case, the position,
the type, the actor, the time, the visibility, the payload and the hash before it: changing any past event breaks
the chain there, and whoever changes it cannot compute a valid hash again without the key. Each event also rewrites
the case's signed checkpoint (its last position and hash, signed with the same key) in the same transaction, so that
deleting the last events, or the whole case, shows too. ``verify_history`` finds all of it.

Events written before the chain was keyed carry a plain SHA-256; ``reseal_legacy_history`` (``flask audit reseal``,
run once after upgrading) signs them if, and only if, their chain is intact under that old rule.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from complaints.extensions import db
from complaints.models import AuditCheckpoint, CaseEvent, Complaint, User
from complaints.models.types import utcnow
from complaints.services.compliance import live_figures

GENESIS = "0" * 64


def _material(event: CaseEvent) -> bytes:
    occurred = event.occurred_at.isoformat(timespec="microseconds")
    return json.dumps(
        [
            event.prev_hash,
            event.complaint_id,
            event.seq,
            event.type,
            event.actor_id,
            event.actor_label,
            occurred,
            bool(event.public),
            event.payload,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    ).encode()


def _key() -> bytes:
    return current_app.config["AUDIT_KEY"].encode()


def event_hash(event: CaseEvent) -> str:
    """The event's keyed hash (HMAC-SHA256 with AUDIT_KEY)."""
    return hmac.new(_key(), _material(event), hashlib.sha256).hexdigest()


def legacy_event_hash(event: CaseEvent) -> str:
    """The unkeyed hash events carried before the chain was keyed: anyone could compute it, so only
    ``reseal_legacy_history`` accepts it, once."""
    return hashlib.sha256(_material(event)).hexdigest()


def checkpoint_signature(complaint_id: int, seq: int, head: str) -> str:
    return hmac.new(_key(), f"checkpoint|{complaint_id}|{seq}|{head}".encode(), hashlib.sha256).hexdigest()


def _sign_checkpoint(complaint_id: int, seq: int, head: str) -> None:
    """Insert or replace the case's checkpoint in one statement (both databases speak ON CONFLICT)."""
    signed = {
        "seq": seq,
        "hash": head,
        "signed_at": utcnow(),
        "signature": checkpoint_signature(complaint_id, seq, head),
    }
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(AuditCheckpoint.__table__).values(complaint_id=complaint_id, **signed)
    db.session.execute(statement.on_conflict_do_update(index_elements=["complaint_id"], set_=signed))


def record_event(
    complaint: Complaint,
    type: str,
    *,
    actor: User | None = None,
    actor_label: str,
    public: bool = False,
    payload: dict | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    """Append an event to the case's history (flushed; the caller commits with the change it records)."""
    db.session.flush()  # the complaint needs its id
    last = db.session.execute(
        select(CaseEvent.seq, CaseEvent.hash)
        .where(CaseEvent.complaint_id == complaint.id)
        .order_by(CaseEvent.seq.desc())
        .limit(1)
    ).first()
    event = CaseEvent(
        complaint_id=complaint.id,
        seq=(last.seq + 1) if last else 1,
        type=type,
        actor_id=actor.id if actor else None,
        actor_label=actor_label,
        occurred_at=(at or utcnow()).astimezone(UTC),
        public=public,
        payload=payload or {},
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = event_hash(event)
    db.session.add(event)
    _sign_checkpoint(complaint.id, event.seq, event.hash)
    db.session.flush()
    live_figures.mark_stale(complaint.unit_id)
    return event


@dataclass(frozen=True)
class BrokenLink:
    complaint_id: int
    seq: int
    event_id: int | None  # None when what is broken is the case's checkpoint, or events are missing
    reason: str


def verify_history(batch_size: int = 1000) -> Iterator[BrokenLink]:
    """Walk every case's chain in order, and each case's signed checkpoint, and yield each place where it breaks
    (at most one per case)."""
    events = db.session.scalars(
        select(CaseEvent).order_by(CaseEvent.complaint_id, CaseEvent.seq).execution_options(yield_per=batch_size)
    )
    checkpoints = db.session.execute(
        select(AuditCheckpoint.complaint_id, AuditCheckpoint.seq, AuditCheckpoint.hash, AuditCheckpoint.signature)
        .order_by(AuditCheckpoint.complaint_id)
        .execution_options(yield_per=batch_size)
    )
    for complaint_id, case_events, checkpoint in _by_case(events, checkpoints):
        broken = _broken_chain(case_events) or _broken_head(complaint_id, case_events, checkpoint)
        if broken is not None:
            yield broken


def _by_case(events: Iterable[CaseEvent], checkpoints: Iterable) -> Iterator[tuple[int, list[CaseEvent], object]]:
    """Each case that has events or a checkpoint, with its events in order and its checkpoint (or None); both inputs
    come sorted by case."""
    pending = iter(checkpoints)
    checkpoint = next(pending, None)
    for complaint_id, group in groupby(events, key=lambda event: event.complaint_id):
        while checkpoint is not None and checkpoint.complaint_id < complaint_id:
            yield checkpoint.complaint_id, [], checkpoint  # a checkpoint whose case has no events left
            checkpoint = next(pending, None)
        own = checkpoint if checkpoint is not None and checkpoint.complaint_id == complaint_id else None
        if own is not None:
            checkpoint = next(pending, None)
        yield complaint_id, list(group), own
    while checkpoint is not None:
        yield checkpoint.complaint_id, [], checkpoint
        checkpoint = next(pending, None)


def _broken_chain(events: list[CaseEvent]) -> BrokenLink | None:
    expected_prev, expected_seq = GENESIS, 1
    for event in events:
        reason = None
        if event.seq != expected_seq:
            reason = f"expected event {expected_seq}, found {event.seq} (an event is missing)"
        elif event.prev_hash != expected_prev:
            reason = "does not point at the event before it"
        elif not hmac.compare_digest(event_hash(event), event.hash):
            reason = (
                "carries an unkeyed hash: written before the history was keyed (run `flask audit reseal` once after "
                "upgrading), or rewritten by someone without the key"
                if legacy_event_hash(event) == event.hash
                else "its content does not match its hash (changed after it was written)"
            )
        if reason:
            return BrokenLink(event.complaint_id, event.seq, event.id, reason)
        expected_prev, expected_seq = event.hash, event.seq + 1
    return None


def _broken_head(complaint_id: int, events: list[CaseEvent], checkpoint) -> BrokenLink | None:
    """The chain is whole; does it end where the signed checkpoint says?"""
    last = events[-1] if events else None
    if checkpoint is None:
        return BrokenLink(complaint_id, last.seq, last.id, "no signed checkpoint names the case's last event")
    expected = checkpoint_signature(complaint_id, checkpoint.seq, checkpoint.hash)
    if not hmac.compare_digest(expected, checkpoint.signature):
        return BrokenLink(complaint_id, checkpoint.seq, None, "the case's checkpoint is not validly signed")
    if last is None:
        return BrokenLink(complaint_id, checkpoint.seq, None, "the case's events are gone (deleted)")
    if last.seq < checkpoint.seq:
        reason = f"events after #{last.seq} are missing (deleted): the signed checkpoint names #{checkpoint.seq}"
        return BrokenLink(complaint_id, last.seq + 1, None, reason)
    if last.seq > checkpoint.seq or last.hash != checkpoint.hash:
        return BrokenLink(complaint_id, last.seq, last.id, "the last event is not the one the checkpoint signed")
    return None


@dataclass
class Resealed:
    cases: int = 0
    events: int = 0
    refused: list[BrokenLink] = field(default_factory=list)


def cases_with_history(after: int, limit: int) -> list[int]:
    """The next ``limit`` case ids with events, after ``after``: for commands that work through history in parts."""
    query = select(CaseEvent.complaint_id).where(CaseEvent.complaint_id > after).distinct()
    return list(db.session.scalars(query.order_by(CaseEvent.complaint_id).limit(limit)))


def reseal_legacy_history(complaint_ids: list[int], into: Resealed) -> None:
    """Sign, once, the history written before the chain was keyed: a case whose chain does not verify under the key
    is re-hashed with it and gets its checkpoint, but only if its chain is intact under the old rule (each event's
    plain or keyed hash right, each pointing at the one before), which is what the old ``audit verify`` certified.
    Cases that verify already are left alone; broken ones are refused and listed. Flushes; the caller commits."""
    query = select(CaseEvent).where(CaseEvent.complaint_id.in_(complaint_ids))
    events_of = groupby(
        db.session.scalars(query.order_by(CaseEvent.complaint_id, CaseEvent.seq)), key=lambda event: event.complaint_id
    )
    for complaint_id, group in events_of:
        events = list(group)
        checkpoint = db.session.get(AuditCheckpoint, complaint_id)
        if _broken_chain(events) is None and _broken_head(complaint_id, events, checkpoint) is None:
            continue
        refusal = _legacy_break(events)
        if refusal is not None:
            into.refused.append(refusal)
            continue
        prev = GENESIS
        for event in events:
            event.prev_hash = prev
            event.hash = prev = event_hash(event)
        _sign_checkpoint(complaint_id, events[-1].seq, events[-1].hash)
        into.cases, into.events = into.cases + 1, into.events + len(events)
    db.session.flush()


def _legacy_break(events: list[CaseEvent]) -> BrokenLink | None:
    expected_prev = GENESIS
    for position, event in enumerate(events, start=1):
        intact = event.seq == position and event.prev_hash == expected_prev
        if not intact or event.hash not in {legacy_event_hash(event), event_hash(event)}:
            return BrokenLink(event.complaint_id, event.seq, event.id, "broken under the old rule too: not resealed")
        expected_prev = event.hash
    return None
