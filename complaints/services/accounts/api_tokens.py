"""Personal API tokens and client keys: created (the secret shown once), listed, revoked, and checked on each call."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from complaints.extensions import db
from complaints.models import ApiClient, ApiToken, Role, User
from complaints.models.types import utcnow
from complaints.services.core.errors import RuleError

TOKEN_PREFIX = "omb_"  # noqa: S105 (a prefix, not a secret)
KEY_PREFIX = "o311_"
#: Roles that may hold a token: everyone who works a case or follows one officially (citizens use the web pages).
TOKEN_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.UNIT_HEAD, Role.LIAISON})
MAX_TOKENS_PER_USER = 10
#: ``last_used_at`` is written at most this often per token (not on every call).
USE_RECORDED_EVERY = timedelta(minutes=5)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with the secret, which is never stored and never shown again."""
    if user.role not in TOKEN_ROLES:
        raise RuleError(_l("Your role does not use API tokens."))
    name = name.strip()
    if not name or len(name) > 80:
        raise RuleError(_l("Give the token a name of at most 80 characters."), "name")
    active = db.session.scalar(
        select(db.func.count()).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )
    if active >= MAX_TOKENS_PER_USER:
        raise RuleError(_l("At most %(n)d active tokens; revoke one first.", n=MAX_TOKENS_PER_USER), "name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_digest(secret), prefix=secret[:12])
    db.session.add(token)
    db.session.flush()
    return token, secret


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def revoke_token(user: User, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens (None if it is not theirs: the caller answers 404)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


def revoke_all_tokens(user: User) -> int:
    """On a password change or reset, or deactivation. Flushes; the caller commits."""
    result = db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    return result.rowcount


def _record_use(model, row_id: int, last_used) -> None:
    now = utcnow()
    if last_used is None or now - last_used > USE_RECORDED_EVERY:
        db.session.execute(update(model).where(model.id == row_id).values(last_used_at=now))


def user_for_token(secret: str) -> User | None:
    """The active owner of a valid, unrevoked token; None otherwise."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.active or token.user.role not in TOKEN_ROLES:
        return None
    _record_use(ApiToken, token.id, token.last_used_at)
    return token.user


def create_client(name: str, contact_email: str, *, by: User) -> tuple[ApiClient, str]:
    name, contact_email = name.strip(), contact_email.strip()
    if not name or len(name) > 120:
        raise RuleError(_l("Give the application a name of at most 120 characters."), "name")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(
        name=name, contact_email=contact_email, key_hash=_digest(secret), prefix=secret[:12], created_by_id=by.id
    )
    db.session.add(client)
    db.session.flush()
    return client, secret


def revoke_client(client: ApiClient) -> None:
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        db.session.flush()


def client_for_key(secret: str) -> ApiClient | None:
    if not secret.startswith(KEY_PREFIX) or len(secret) > 100:
        return None
    client = db.session.scalar(select(ApiClient).where(ApiClient.key_hash == _digest(secret)))
    if client is None or client.revoked_at is not None:
        return None
    _record_use(ApiClient, client.id, client.last_used_at)
    return client
