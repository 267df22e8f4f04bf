"""Work that may start only once the current transaction has committed: a service records it here, inside the
transaction that makes it due; the task layer (``init_hand_over_after_commit``) hands it to the
workers after the commit, and a rollback of the whole transaction forgets it. So a service never imports a task,
and nothing is queued for a change that was not kept."""

from __future__ import annotations

from sqlalchemy.orm import Session

from complaints.extensions import db

_PENDING = "tasks_after_commit"


def hand_over_after_commit(task_name: str, *args) -> None:
    """Ask for ``task_name(*args)`` once this transaction commits (the same request twice is handed over once)."""
    pending: dict = db.session.info.setdefault(_PENDING, {})
    pending[(task_name, args)] = None


def take_pending(session: Session) -> list[tuple[str, tuple]]:
    """What the committed transaction asked for, in the order asked; cleared, so it is handed over once."""
    return list(session.info.pop(_PENDING, {}))


def forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
