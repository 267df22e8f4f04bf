"""Read access to places: provinces, regions, service units and their agreements, for pages of every role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from complaints.extensions import db
from complaints.models import Agreement, Office, Province, Region, ServiceUnit
from complaints.services.places.working_days import office_today


@dataclass(frozen=True)
class ProvinceSummary:
    province: Province
    regions: int
    units: int
    active_agreements: int


def _counts(query) -> dict[int, int]:
    return {key: count for key, count in db.session.execute(query)}


def province_summaries(on: date | None = None) -> list[ProvinceSummary]:
    """Per province: how many regions, service units, and regions under an agreement valid today."""
    provinces = list(db.session.scalars(select(Province).order_by(Province.code)))
    region_counts = _counts(select(Region.province_id, func.count()).group_by(Region.province_id))
    unit_counts = _counts(
        select(Region.province_id, func.count(ServiceUnit.id))
        .join(ServiceUnit.region)
        .where(ServiceUnit.is_active)
        .group_by(Region.province_id)
    )
    agreement_counts = {}
    for zone in {p.timezone for p in provinces}:  # "today" is each province's own
        day = on or office_today(zone)
        agreement_counts |= _counts(
            select(Region.province_id, func.count(func.distinct(Agreement.region_id)))
            .join(Agreement.region)
            .join(Region.province)
            .where(Province.timezone == zone)
            .where(Agreement.valid_from <= day, Agreement.valid_to.is_(None) | (Agreement.valid_to >= day))
            .group_by(Region.province_id)
        )
    return [
        ProvinceSummary(p, region_counts.get(p.id, 0), unit_counts.get(p.id, 0), agreement_counts.get(p.id, 0))
        for p in provinces
    ]


def provinces_with_regions_and_units() -> list[Province]:
    return list(
        db.session.scalars(
            select(Province)
            .order_by(Province.code)
            .options(selectinload(Province.regions).selectinload(Region.units), selectinload(Province.office))
        )
    )


def get_region(code: str) -> Region | None:
    if len(code) > 10:
        return None
    return db.session.scalar(
        select(Region)
        .where(Region.code == code)
        .options(selectinload(Region.units), selectinload(Region.agreements).selectinload(Agreement.liaisons))
    )


def get_province(code: str) -> Province | None:
    if len(code) > 10:
        return None
    return db.session.scalar(select(Province).where(Province.code == code))


def provinces() -> list[Province]:
    return list(db.session.scalars(select(Province).order_by(Province.code)))


def get_unit(unit_id: int) -> ServiceUnit | None:
    return db.session.get(ServiceUnit, unit_id)


def current_agreement(region: Region, on: date | None = None) -> Agreement | None:
    return region.active_agreement(on or office_today(region.province.timezone))


def office_regions(office: Office) -> list[Region]:
    return list(
        db.session.scalars(
            select(Region)
            .where(Region.province_id == office.province_id)
            .order_by(Region.code)
            .options(
                selectinload(Region.units).selectinload(ServiceUnit.heads),
                selectinload(Region.agreements).selectinload(Agreement.liaisons),
            )
        )
    )
