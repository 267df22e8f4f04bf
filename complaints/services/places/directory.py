"""The directory of places: provinces, regions, service units and their agreements, read by the pages of every role
and changed (units and agreements) by administrators."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from complaints.extensions import db
from complaints.models import Agreement, Office, Province, Region, Role, ServiceUnit, UnitKind, User
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


# --- changes an administrator makes ---------------------------------------------------------------------------


class PlacesError(ValueError):
    """A change to places that breaks a rule; ``str(error)`` is a message fit for the user."""


def _ensure_unique_unit_name(region: Region, name: str, unit_id: int | None = None) -> None:
    query = select(ServiceUnit.id).where(
        ServiceUnit.region_id == region.id, func.lower(ServiceUnit.name) == name.lower()
    )
    if unit_id is not None:
        query = query.where(ServiceUnit.id != unit_id)
    if db.session.scalar(query):
        raise PlacesError(_l("This region already has a service unit with that name."))


def save_unit(
    unit: ServiceUnit | None,
    *,
    region: Region,
    kind: UnitKind | str,
    name: str,
    head_title: str,
    head_name: str | None,
    address: str | None,
    is_active: bool,
) -> ServiceUnit:
    """Create a unit (``unit`` None) or update one; names are unique within a region."""
    _ensure_unique_unit_name(region, name, unit.id if unit else None)
    if unit is None:
        unit = ServiceUnit()
        db.session.add(unit)
    unit.region = region
    unit.kind = UnitKind(kind)
    unit.name = name
    unit.head_title = head_title
    unit.head_name = head_name or None
    unit.address = address or None
    unit.is_active = is_active
    db.session.flush()
    return unit


def update_agreement(
    agreement: Agreement,
    *,
    valid_from: date,
    valid_to: date | None,
    clock_terms: dict | None,
    liaisons: Iterable[User],
) -> Agreement:
    """Set an agreement's validity, its agreed clock terms and its liaisons (who must be liaisons of its region)."""
    if valid_to is not None and valid_to < valid_from:
        raise PlacesError(_l("The end of validity cannot be before its start."))
    liaisons = list(liaisons)
    for user in liaisons:
        if user.role is not Role.LIAISON or user.region_id != agreement.region_id:
            raise PlacesError(_l("Only liaison accounts of this agreement's region can be its liaisons."))
    agreement.valid_from = valid_from
    agreement.valid_to = valid_to
    agreement.clock_terms = clock_terms or None
    agreement.liaisons = liaisons
    db.session.flush()
    return agreement
