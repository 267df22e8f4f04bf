"""People: accounts, their role and their reach (office, region, units)."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash

from complaints.extensions import db
from complaints.models.places import Office, Region, ServiceUnit
from complaints.models.types import StrEnumType, UTCDateTime, one_of, utcnow


class Role(enum.StrEnum):
    CITIZEN = "citizen"
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    UNIT_HEAD = "unit_head"
    LIAISON = "liaison"
    ADMIN = "admin"


#: Roles that work inside the Ombudsman and may see a confidential reporter's identity.
OMBUDSMAN_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.ADMIN})
#: Roles whose accounts only an administrator creates.
STAFF_ROLES = frozenset(Role) - {Role.CITIZEN}


#: Roles that must sign in with a second factor (issue 12): they see reporters' identities or run the service.
#: Unit heads and liaisons may turn it on.
TWO_FACTOR_ROLES = OMBUDSMAN_ROLES


user_units = Table(
    "user_units",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("service_units.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class User(UserMixin, db.Model):
    """An account. Its role says what it may do; office, region and units say where.

    Ombudsman staff belong to an office, a liaison to a region, a unit head to one or more units (``user_units``).
    """

    __tablename__ = "users"
    __table_args__ = (
        one_of("role", Role),
        CheckConstraint(
            "role NOT IN ('officer', 'supervisor', 'admin') OR office_id IS NOT NULL", name="staff_have_office"
        ),
        CheckConstraint("role != 'liaison' OR region_id IS NOT NULL", name="liaison_has_region"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    #: werkzeug's scrypt hash; never the password itself.
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(StrEnumType(Role, 20), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The authenticator app's TOTP secret, encrypted with a key derived from SECRET_KEY (two_factor.py); set at
    #: the start of enrolment, in force once ``totp_enabled_at`` is set.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last 30-second step whose code was accepted: a code is never accepted twice (replay).
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    #: When the owner proved the address is theirs; complaints filed with it are then linked to the account.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    office: Mapped[Office | None] = relationship()
    region: Mapped[Region | None] = relationship()
    units: Mapped[list[ServiceUnit]] = relationship(
        secondary=user_units, back_populates="heads", order_by="ServiceUnit.id"
    )

    #: The secret of the sign-in session this request runs in (set at sign-in and by the user loader; never
    #: stored): Flask-Login keeps it in the session and "remember me" cookies.
    session_secret = None
    #: That session's row (SignInSession), set by the user loader.
    sign_in_session = None

    def get_id(self) -> str | None:
        return self.session_secret

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def two_factor_required(self) -> bool:
        return self.role in TWO_FACTOR_ROLES

    # Flask-Login asks this; a deactivated account cannot sign in and is signed out on its next request.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_ombudsman(self) -> bool:
        return self.role in OMBUDSMAN_ROLES

    @property
    def timezone(self) -> str | None:
        """The time zone of where the account works: its office, its region (liaison) or its units' region; None
        for a citizen."""
        if self.office is not None:
            return self.office.timezone
        if self.region is not None:
            return self.region.province.timezone
        return self.units[0].region.province.timezone if self.units else None

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
