"""Compliance assessments: the Ombudsman's yearly methodology (bands, dimensions) and each region's results."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.extensions import db
from complaints.models.places import Province, Region, ServiceUnit
from complaints.models.types import StrEnumType, UTCDateTime, one_of, utcnow

ZONES = ("hijau", "kuning", "merah")


class AssessmentBand(db.Model):
    """One band of a year's table: a score from ``lower`` to ``upper`` (both included, as published) gives this
    zone, and from 2022 this category and opinion. Bands are stored per year because their edges moved."""

    __tablename__ = "assessment_bands"
    __table_args__ = (
        UniqueConstraint("year", "lower"),
        CheckConstraint("lower <= upper", name="lower_not_above_upper"),
        CheckConstraint("zone IN ('hijau', 'kuning', 'merah')", name="zone_allowed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed by the (year, lower) unique constraint, which leads with it.
    year: Mapped[int] = mapped_column(Integer)
    #: "A" (2015-2021, compliance with the service standard), "B" (2022-2024, four dimensions), "C" (2025 on).
    era: Mapped[str] = mapped_column(String(2))
    category: Mapped[str | None] = mapped_column(String(1))
    lower: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    upper: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    opinion: Mapped[str] = mapped_column(String(80))
    zone: Mapped[str] = mapped_column(String(10))


class AssessmentDimension(db.Model):
    """A weighted dimension of the 2022-2024 method (input, process, output, complaint handling)."""

    __tablename__ = "assessment_dimensions"
    __table_args__ = (UniqueConstraint("year", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(120))
    weight_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    what_is_measured: Mapped[str] = mapped_column(Text)


class Assessment(db.Model):
    """A region's result for a year, as published. The zone and category the source stated are kept beside the ones
    the band table gives, so that a disagreement shows instead of being silently corrected."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("region_id", "year"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    stated_zone: Mapped[str | None] = mapped_column(String(10))
    stated_category: Mapped[str | None] = mapped_column(String(1))
    rank_province: Mapped[int | None] = mapped_column(Integer)
    rank_national: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship()
    parts: Mapped[list[AssessmentPart]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="AssessmentPart.id"
    )


class AssessmentPart(db.Model):
    """Part of a region's result where the source gives it: the score of one dimension (2022-2024) or of one assessed
    service unit."""

    __tablename__ = "assessment_parts"
    __table_args__ = (
        UniqueConstraint("assessment_id", "dimension_code", "unit_id"),
        CheckConstraint("(dimension_code IS NULL) != (unit_id IS NULL)", name="dimension_or_unit"),
        CheckConstraint("score >= 0 AND score <= 100", name="part_score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    dimension_code: Mapped[str | None] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("service_units.id"))
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))

    assessment: Mapped[Assessment] = relationship(back_populates="parts")
    unit: Mapped[ServiceUnit | None] = relationship()


class Target(db.Model):
    """A published goal for an assessment year: the province's (how many regions green, how many red at most) or a
    region's (a category, a zone, a rank in the province). ``wording`` is the goal as announced; the ``min_*`` and
    ``max_*`` columns are what the progress check measures, every one that is set must hold."""

    __tablename__ = "targets"
    __table_args__ = (
        CheckConstraint("scope IN ('province', 'region')", name="scope_allowed"),
        CheckConstraint("(scope = 'region') = (region_id IS NOT NULL)", name="region_scope_has_region"),
        CheckConstraint("min_zone IS NULL OR min_zone IN ('hijau', 'kuning', 'merah')", name="min_zone_allowed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    wording: Mapped[str] = mapped_column(Text)
    #: As published: a full date or only a year.
    set_on: Mapped[str | None] = mapped_column(String(10))
    set_by: Mapped[str | None] = mapped_column(Text)
    min_green_regions: Mapped[int | None] = mapped_column(Integer)
    max_red_regions: Mapped[int | None] = mapped_column(Integer)
    min_category: Mapped[str | None] = mapped_column(String(1))
    min_zone: Mapped[str | None] = mapped_column(String(10))
    max_rank: Mapped[int | None] = mapped_column(Integer)

    province: Mapped[Province] = relationship()
    region: Mapped[Region | None] = relationship()


class UnitFigures(db.Model):
    """The live record of one service unit for one year (of the report's receipt), computed in SQL from the cases
    and kept here so that a profile page reads a few rows whatever the number of complaints. Refreshed per unit
    whenever one of its cases records an event (services/compliance/live_figures.py)."""

    __tablename__ = "unit_figures"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("service_units.id", ondelete="CASCADE"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    cases: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    #: {days from receipt to closure: number of cases}: exact medians for any sum of units and years.
    close_days: Mapped[dict] = mapped_column(JSON, default=dict)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    answered_on_time: Mapped[int] = mapped_column(Integer, default=0)
    actions: Mapped[int] = mapped_column(Integer, default=0)
    actions_on_time: Mapped[int] = mapped_column(Integer, default=0)
    recommendations: Mapped[int] = mapped_column(Integer, default=0)
    recommendations_implemented: Mapped[int] = mapped_column(Integer, default=0)
    overdue_open: Mapped[int] = mapped_column(Integer, default=0)
    #: {form code or "": cases} and {substance area code: cases}
    by_form: Mapped[dict] = mapped_column(JSON, default=dict)
    by_area: Mapped[dict] = mapped_column(JSON, default=dict)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[ServiceUnit] = relationship()


class StaleUnit(db.Model):
    """A unit whose figures a case event has made stale. Written in the event's own transaction, so the refresh sees
    it exactly when that transaction commits (a watermark on event ids could pass over one still uncommitted), and
    deleted by the refresh that recomputes the unit."""

    __tablename__ = "stale_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("service_units.id", ondelete="CASCADE"))


class ReportJobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ReportJob(db.Model):
    """A compliance report (PDF) being built by a worker: its progress is read by the page that waits for it."""

    __tablename__ = "report_jobs"
    __table_args__ = (
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        one_of("status", ReportJobStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random, unguessable: the only key to the job's page and file.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    locale: Mapped[str] = mapped_column(String(5))
    status: Mapped[ReportJobStatus] = mapped_column(StrEnumType(ReportJobStatus, 10), default=ReportJobStatus.QUEUED)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    stage: Mapped[str | None] = mapped_column(String(40))
    file_name: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    region: Mapped[Region] = relationship()
