"""Sign-in sessions, second-factor recovery codes and reporters' access to a report, kept on the server so that
ending one (signing out, "close on this device", a password change) stops every copy of its cookie at once.

The cookie carries a random secret; only its SHA-256 is stored (256 random bits: a slow hash adds nothing)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.extensions import db
from complaints.models.people import User
from complaints.models.types import StrEnumType, UTCDateTime, one_of, utcnow


class EndReason(enum.StrEnum):
    SIGNED_OUT = "signed_out"
    #: Ended from the account page (another device), or "sign out everywhere else".
    ENDED_BY_USER = "ended_by_user"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a reason, not a password)
    DEACTIVATED = "deactivated"
    TWO_FACTOR_RESET = "two_factor_reset"
    #: Too many wrong codes at the second step: the password must be given again.
    TOO_MANY_CODES = "too_many_codes"
    #: The second step was passed: the half-signed-in session gave way to a new one (a new secret).
    COMPLETED = "completed"


class SignInSession(db.Model):
    """One sign-in of one account on one device. Idle and absolute lifetimes are settings (config.py)."""

    __tablename__ = "sign_in_sessions"
    __table_args__ = (
        one_of("ended_reason", EndReason),
        CheckConstraint("(ended_at IS NULL) = (ended_reason IS NULL)", name="ended_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Written at most every few minutes (sessions.TOUCH_EVERY), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The absolute end, fixed at sign-in from the role's lifetime.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The password was right and the second factor is still awaited: such a session opens nothing.
    awaiting_code: Mapped[bool] = mapped_column(default=False)
    failed_codes: Mapped[int] = mapped_column(default=0)
    #: "Firefox · Windows": enough to recognise a device, not a fingerprint.
    device: Mapped[str] = mapped_column(String(80))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[EndReason | None] = mapped_column(StrEnumType(EndReason, 20))

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app (a lost phone). Shown once, stored hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReportAccess(db.Model):
    """A reporter opened a report with its tracking number and access key (or just filed it) in one browser.
    "Close on this device" ends it, and with it every copy of that browser's cookie."""

    __tablename__ = "report_accesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
