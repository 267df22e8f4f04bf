"""Legal clocks: the rules (per procedural rule set) and the clocks running on cases."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.extensions import db
from complaints.models.cases import Complaint
from complaints.models.types import StrEnumType, UTCDateTime, one_of, utcnow


class DayType(enum.StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


class Actor(enum.StrEnum):
    """Who must act before a clock runs out."""

    REPORTER = "reporter"
    SERVICE_UNIT = "service_unit"
    SUPERIOR = "superior"
    OMBUDSMAN = "ombudsman"


class ClockRule(db.Model):
    """One row of complaints/seed/procedure_clocks.csv: a clock of a rule set, with its legal basis."""

    __tablename__ = "clock_rules"
    __table_args__ = (UniqueConstraint("rule_set", "clock"), one_of("who_must_act", Actor))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "PO26-2017+PO48-2020" or "PO58-2023".
    rule_set: Mapped[str] = mapped_column(String(30))
    clock: Mapped[str] = mapped_column(String(40))
    who_must_act: Mapped[Actor] = mapped_column(StrEnumType(Actor, 20))
    #: NULL for counters without a term (summons are counted, not timed).
    days: Mapped[int | None] = mapped_column(Integer)
    day_type: Mapped[DayType | None] = mapped_column(StrEnumType(DayType, 20))
    #: Whether collective leave (cuti bersama) is a day off for this clock; a setting, since the law is silent.
    collective_leave_is_day_off: Mapped[bool] = mapped_column(default=True)
    starts_when: Mapped[str | None] = mapped_column(Text)
    on_breach: Mapped[str | None] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    confidence: Mapped[str | None] = mapped_column(String(40))


class ClockStatus(enum.StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"
    CANCELLED = "cancelled"


class Clock(db.Model):
    """A deadline running on a case: who must act, by when, on what legal basis."""

    __tablename__ = "clocks"
    __table_args__ = (
        one_of("status", ClockStatus),
        one_of("who_must_act", Actor),
        one_of("day_type", DayType),
        CheckConstraint("status != 'paused' OR (paused_on IS NOT NULL AND remaining_days IS NOT NULL)", name="paused"),
        CheckConstraint("status != 'met' OR met_at IS NOT NULL", name="met_at"),
        CheckConstraint("due_on >= start_on", name="due_after_start"),
        # The sweep reads only running clocks by due date: its cost grows with the clocks due, not all clocks.
        Index("ix_clocks_status_due_on", "status", "due_on"),
        # The reminders' pass reads only running clocks not yet reminded, due within the window.
        Index("ix_clocks_status_reminded_at_due_on", "status", "reminded_at", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    rule_set: Mapped[str] = mapped_column(String(30))
    who_must_act: Mapped[Actor] = mapped_column(StrEnumType(Actor, 20))
    days: Mapped[int] = mapped_column(Integer)
    day_type: Mapped[DayType] = mapped_column(StrEnumType(DayType, 20))
    collective_leave_is_day_off: Mapped[bool] = mapped_column(default=True)
    legal_basis: Mapped[str] = mapped_column(Text)
    #: The agreement (MoU) whose terms set ``days`` instead of the rule set, if any.
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    status: Mapped[ClockStatus] = mapped_column(StrEnumType(ClockStatus, 20), default=ClockStatus.RUNNING)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Local dates in the office's time zone: the day the clock started and the last day to act.
    start_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    paused_on: Mapped[date | None] = mapped_column(Date)
    #: Days (of ``day_type``) left when paused; resuming counts them again from the resume date.
    remaining_days: Mapped[int | None] = mapped_column(Integer)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The office's local date the duty was done: on time when ``met_on <= due_on`` (the figures count this).
    met_on: Mapped[date | None] = mapped_column(Date)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: How many escalations the sweep has applied (a breach escalates exactly once: 0 → 1).
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    #: When the reminder before the due date went out (at most one per clock).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    complaint: Mapped[Complaint] = relationship()
