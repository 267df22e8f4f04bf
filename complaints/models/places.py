"""Places: provinces, Ombudsman offices, regions (kabupaten/kota), service units, and agreements (MoU)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.extensions import db
from complaints.models.types import StrEnumType, UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from complaints.models.people import User


class Province(db.Model):
    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: BPS/Kemendagri province code, e.g. "74" for Sulawesi Tenggara.
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    #: IANA zone in which the office counts its dates (legal clocks run on local days).
    timezone: Mapped[str] = mapped_column(String(40))

    regions: Mapped[list[Region]] = relationship(back_populates="province", order_by="Region.code")
    office: Mapped[Office | None] = relationship(back_populates="province")


class Office(db.Model):
    """An Ombudsman representative office (perwakilan); one per province."""

    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short code closing every registration number, e.g. ".../LM/XI/2026/KDI".
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), unique=True)
    city: Mapped[str] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))

    province: Mapped[Province] = relationship(back_populates="office")

    @property
    def timezone(self) -> str:
        return self.province.timezone


class RegionKind(enum.StrEnum):
    KABUPATEN = "kabupaten"
    KOTA = "kota"


class Region(db.Model):
    """A regency (kabupaten) or city (kota)."""

    __tablename__ = "regions"
    __table_args__ = (
        one_of("kind", RegionKind),
        CheckConstraint("(grid_row IS NULL) = (grid_column IS NULL)", name="grid_row_with_column"),
        UniqueConstraint("province_id", "grid_row", "grid_column"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Kemendagri region code, e.g. "74.71" for Kota Kendari; used in public URLs and as Open311 jurisdiction.
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[RegionKind] = mapped_column(StrEnumType(RegionKind, 20))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    #: The region's tile on its province's map-like dashboard grid, north at the top (seed data, one grid per
    #: province); a region without one goes in a row below.
    grid_row: Mapped[int | None] = mapped_column(Integer)
    grid_column: Mapped[int | None] = mapped_column(Integer)

    province: Mapped[Province] = relationship(back_populates="regions")
    units: Mapped[list[ServiceUnit]] = relationship(back_populates="region", order_by="ServiceUnit.id")
    agreements: Mapped[list[Agreement]] = relationship(back_populates="region", order_by="Agreement.signed_on.desc()")

    def active_agreement(self, on: date) -> Agreement | None:
        return next((a for a in self.agreements if a.is_active(on)), None)


class UnitKind(enum.StrEnum):
    """The six kinds of unit the Ombudsman assesses in every region, and the rest."""

    DPMPTSP = "dpmptsp"
    DISDUKCAPIL = "disdukcapil"
    DINAS_PENDIDIKAN = "dinas_pendidikan"
    DINAS_SOSIAL = "dinas_sosial"
    DINAS_KESEHATAN = "dinas_kesehatan"
    PUSKESMAS = "puskesmas"
    OTHER = "other"


class ServiceUnit(db.Model):
    """A public service unit (OPD or one of its front offices) that citizens complain about."""

    __tablename__ = "service_units"
    __table_args__ = (UniqueConstraint("region_id", "name"), one_of("kind", UnitKind))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed by the (region_id, name) unique constraint, which leads with it.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    kind: Mapped[UnitKind] = mapped_column(StrEnumType(UnitKind, 30))
    name: Mapped[str] = mapped_column(String(200))
    #: The office held by the unit's head, as letters are addressed ("Kepala Dinas ...").
    head_title: Mapped[str] = mapped_column(String(200))
    #: The head's name where known; letters fall back to the title.
    head_name: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(300))
    is_active: Mapped[bool] = mapped_column(default=True)

    region: Mapped[Region] = relationship(back_populates="units")
    heads: Mapped[list[User]] = relationship(secondary="user_units", back_populates="units", order_by="User.id")


class AgreementKind(enum.StrEnum):
    NOTA_KESEPAKATAN = "nota_kesepakatan"
    PERJANJIAN_KERJA_SAMA = "perjanjian_kerja_sama"


agreement_liaisons = Table(
    "agreement_liaisons",
    db.metadata,
    Column("agreement_id", ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Agreement(db.Model):
    """An agreement (MoU) between the Ombudsman and a regional government.

    ``clock_terms`` holds agreed days that override the statutory defaults for the region's units, keyed by clock,
    e.g. ``{"clarification": {"days": 10, "day_type": "working"}}``; the workflow reads it when it starts a clock.
    """

    __tablename__ = "agreements"
    __table_args__ = (
        one_of("kind", AgreementKind),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    kind: Mapped[AgreementKind] = mapped_column(StrEnumType(AgreementKind, 30))
    signed_on: Mapped[date] = mapped_column(Date)
    signatories: Mapped[str] = mapped_column(String(300))
    valid_from: Mapped[date] = mapped_column(Date)
    #: NULL while the end of validity is not known (the public sources rarely state it); an admin can set it.
    valid_to: Mapped[date | None] = mapped_column(Date)
    scope_items: Mapped[list[str]] = mapped_column(JSON, default=list)
    clock_terms: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship(back_populates="agreements")
    liaisons: Mapped[list[User]] = relationship(secondary=agreement_liaisons, order_by="User.id")

    def is_active(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)
