"""The case history: every state change appends an event that carries the hash of the event before it.

The hash covers the case, the position, the type, the actor, the time, the visibility and the payload, so that
changing or deleting any past event breaks the chain at that point (``verify_history`` finds it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import CaseEvent, Complaint, User
from complaints.models.types import utcnow
from complaints.services.compliance import live_figures

GENESIS = "0" * 64


def event_hash(event: CaseEvent) -> str:
    occurred = event.occurred_at.isoformat(timespec="microseconds")
    material = json.dumps(
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
    )
    return hashlib.sha256(material.encode()).hexdigest()


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
    db.session.flush()
    live_figures.mark_stale(complaint.unit_id)
    return event


@dataclass(frozen=True)
class BrokenLink:
    complaint_id: int
    seq: int
    event_id: int
    reason: str


def verify_history(batch_size: int = 1000) -> Iterator[BrokenLink]:
    """Walk every case's chain in order and yield each place where it breaks (at most one per case)."""
    current_case, expected_prev, expected_seq, broken_case = None, GENESIS, 1, None
    query = select(CaseEvent).order_by(CaseEvent.complaint_id, CaseEvent.seq).execution_options(yield_per=batch_size)
    for event in db.session.scalars(query):
        if event.complaint_id != current_case:
            current_case, expected_prev, expected_seq = event.complaint_id, GENESIS, 1
        if broken_case == current_case:
            continue
        reason = None
        if event.seq != expected_seq:
            reason = f"expected event {expected_seq}, found {event.seq} (an event is missing)"
        elif event.prev_hash != expected_prev:
            reason = "does not point at the event before it"
        elif event_hash(event) != event.hash:
            reason = "its content does not match its hash (changed after it was written)"
        if reason:
            broken_case = current_case
            yield BrokenLink(event.complaint_id, event.seq, event.id, reason)
        expected_prev, expected_seq = event.hash, event.seq + 1
