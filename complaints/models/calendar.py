"""The holiday calendar's local corrections, on top of the ``holidays`` package's Indonesian calendar."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.extensions import db
from complaints.models.people import User
from complaints.models.types import StrEnumType, UTCDateTime, one_of, utcnow


class OverrideKind(enum.StrEnum):
    #: A day off decreed after the package was released (a new national or regional holiday).
    HOLIDAY = "holiday"
    #: Collective leave (cuti bersama, set yearly by SKB of three ministers); clock types choose whether it counts.
    COLLECTIVE_LEAVE = "collective_leave"
    #: A day the package lists as off that is a working day after all (a cancelled or moved collective leave).
    WORKING_DAY = "working_day"


class HolidayOverride(db.Model):
    __tablename__ = "holiday_overrides"
    __table_args__ = (UniqueConstraint("day"), one_of("kind", OverrideKind))

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[OverrideKind] = mapped_column(StrEnumType(OverrideKind, 20))
    name: Mapped[str] = mapped_column(String(200))
    #: The decree or announcement that makes it so (e.g. "SKB 3 Menteri No. ... Tahun 2026").
    legal_basis: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User | None] = relationship()
