"""Compliance assessments: the Ombudsman's yearly methodology (bands, dimensions) and each region's results."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.extensions import db
from complaints.models.places import Region
from complaints.models.types import UTCDateTime, utcnow

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
