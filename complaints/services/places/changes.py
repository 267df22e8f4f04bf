"""Changes to places an administrator makes: service units and agreements (MoU)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import Agreement, Region, Role, ServiceUnit, UnitKind, User


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
