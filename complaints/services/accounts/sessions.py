"""Sign-in sessions kept on the server: started at sign-in (half-started while the second factor is awaited),
checked on every request, ended by signing out, from the account page, or for the whole account (new password,
deactivation, a second factor reset). The cookie holds a random secret; the table holds its hash."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from complaints.extensions import db
from complaints.models import EndReason, Role, SignInSession, User
from complaints.models.types import utcnow

#: ``last_seen_at`` is written at most this often per session, so a page view is not a write; the idle limit is
#: therefore kept to within this margin.
TOUCH_EVERY = timedelta(minutes=5)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def lifetime(user: User) -> timedelta:
    """How long a session of this account may last in all (config.py says why)."""
    config = current_app.config
    if user.role is Role.CITIZEN:
        return timedelta(days=config["CITIZEN_SESSION_DAYS"])
    return timedelta(hours=config["STAFF_SESSION_HOURS"])


def idle_limit(user: User) -> timedelta:
    config = current_app.config
    if user.role is Role.CITIZEN:
        return timedelta(days=config["CITIZEN_SESSION_IDLE_DAYS"])
    return timedelta(minutes=config["STAFF_SESSION_IDLE_MINUTES"])


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_device(user_agent: str) -> str:
    """A short name for the device a person recognises ("Firefox · Windows"); the raw string is not kept."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or re.sub(r"[^\w./ -]", "", user_agent)[:40] or "?"


def start(user: User, *, user_agent: str, ip_address: str | None, awaiting_code: bool = False) -> str:
    """A new session for ``user``; returns its secret (for the cookie), which is not stored. Flushes."""
    return _add(user, describe_device(user_agent or ""), (ip_address or "")[:45] or None, awaiting_code)


def _add(user: User, device: str, ip_address: str | None, awaiting_code: bool) -> str:
    secret = new_secret()
    now = utcnow()
    if awaiting_code:  # only the code may follow, and soon
        expires = now + timedelta(minutes=current_app.config["TWO_FACTOR_PENDING_MINUTES"])
    else:
        expires = now + lifetime(user)
    row = SignInSession(
        user_id=user.id,
        secret_hash=digest(secret),
        created_at=now,
        last_seen_at=now,
        expires_at=expires,
        awaiting_code=awaiting_code,
        device=device,
        ip_address=ip_address,
    )
    db.session.add(row)
    db.session.flush()
    user.session_secret = secret
    return secret


def _open(row: SignInSession | None, now: datetime) -> bool:
    return row is not None and row.ended_at is None and row.expires_at > now and row.user.active


def find(secret: str, *, awaiting_code: bool = False) -> SignInSession | None:
    """The open session with this secret: not ended, not past its absolute end nor idle too long, its account
    active, and fully signed in (or, with ``awaiting_code``, waiting for the second factor)."""
    if not secret or len(secret) > 100:
        return None
    row = db.session.scalar(select(SignInSession).where(SignInSession.secret_hash == digest(secret)))
    now = utcnow()
    if not _open(row, now) or row.awaiting_code != awaiting_code:
        return None
    if not awaiting_code and now - row.last_seen_at > idle_limit(row.user):
        return None
    row.user.session_secret = secret
    return row


def record_activity(row: SignInSession) -> None:
    """Move ``last_seen_at`` on, at most every ``TOUCH_EVERY``. Written in a transaction of its own, so that
    loading the user never commits a request's work halfway; a row another transaction holds is skipped (it is
    being ended or touched right now)."""
    now = utcnow()
    if now - row.last_seen_at < TOUCH_EVERY:
        return
    free = select(SignInSession.id).where(SignInSession.id == row.id).with_for_update(skip_locked=True)
    with db.engine.begin() as connection:
        connection.execute(update(SignInSession).where(SignInSession.id.in_(free)).values(last_seen_at=now))
    row.last_seen_at = now


def end(row: SignInSession, reason: EndReason) -> None:
    if row.ended_at is None:
        row.ended_at, row.ended_reason = utcnow(), reason
        db.session.flush()


def end_all(user: User, reason: EndReason, *, keep: SignInSession | None = None) -> int:
    """End every open session of the account (but ``keep``); returns how many. Flushes; the caller commits."""
    query = update(SignInSession).where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(SignInSession.id != keep.id)
    result = db.session.execute(query.values(ended_at=utcnow(), ended_reason=reason))
    return result.rowcount


def open_sessions(user: User) -> list[SignInSession]:
    """The account's sessions that still open pages, the most recently used first."""
    now = utcnow()
    rows = db.session.scalars(
        select(SignInSession)
        .where(
            SignInSession.user_id == user.id,
            SignInSession.ended_at.is_(None),
            SignInSession.awaiting_code.is_(False),
            SignInSession.expires_at > now,
        )
        .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())
    )
    return [row for row in rows if now - row.last_seen_at <= idle_limit(user)]


def end_own(user: User, session_id: int, reason: EndReason = EndReason.ENDED_BY_USER) -> SignInSession | None:
    """End one of the user's own sessions (None if it is not theirs: the caller answers 404)."""
    row = db.session.get(SignInSession, session_id)
    if row is None or row.user_id != user.id:
        return None
    end(row, reason)
    return row


def complete(row: SignInSession) -> str:
    """The second factor was given: the half-done session ends and a full one begins with a new secret, so that
    whoever saw the first cookie holds nothing. Returns the new secret."""
    end(row, EndReason.COMPLETED)
    return _add(row.user, row.device, row.ip_address, awaiting_code=False)
