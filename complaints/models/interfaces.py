"""Keys for the open interfaces: personal API tokens (the JSON API, acting as their owner) and the keys of client
applications that file reports through Open311. Only a hash of each secret is stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.extensions import db
from complaints.models.people import User
from complaints.models.types import UTCDateTime, utcnow


class ApiToken(db.Model):
    """A personal token: whoever presents it acts as its owner, with the owner's role and reach, until it is revoked
    or the owner is deactivated."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    #: SHA-256 of the token (the token is 256 random bits: a slow hash adds nothing).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters, shown in lists so that the owner recognises a token.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class ApiClient(db.Model):
    """An application registered by an administrator (a region's own complaint desk, a civic app) that files
    reports on citizens' behalf through Open311 with its ``api_key``."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
