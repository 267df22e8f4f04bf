"""Secrets kept in the database only sealed: encrypted (Fernet) with a key derived from ``SECRET_KEY`` per purpose,
so that a copy of the database or a backup opens nothing, and one purpose's key opens no other's."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


class SealBroken(Exception):
    """The sealed text cannot be opened: ``SECRET_KEY`` changed since it was sealed, or it was tampered with."""


def _fernet(purpose: bytes) -> Fernet:
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), purpose, hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(text: str, *, purpose: bytes) -> str:
    return _fernet(purpose).encrypt(text.encode()).decode()


def unseal(sealed: str, *, purpose: bytes) -> str:
    try:
        return _fernet(purpose).decrypt(sealed.encode()).decode()
    except InvalidToken as exc:
        raise SealBroken from exc
