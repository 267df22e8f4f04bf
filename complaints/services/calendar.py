"""The working-day calendar: Monday to Friday, minus Indonesia's national holidays and collective leave.

National holidays come from the ``holidays`` package (category ``public``); collective leave (cuti bersama, decreed
yearly by a joint decree of three ministers) is its ``government`` category. Administrators correct both with
``HolidayOverride`` rows when a decree changes after the package was released. Whether collective leave counts as a
day off is a choice per clock type, made by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, select

from complaints.extensions import db
from complaints.models import HolidayOverride, OverrideKind

#: Sulawesi Tenggara's offices count their days in WITA (UTC+8); other provinces pass their own zone.
DEFAULT_TIMEZONE = "Asia/Makassar"


def office_today(timezone: str = DEFAULT_TIMEZONE, now: datetime | None = None) -> date:
    """Today's date where the office is (a filing at 23:30 UTC is already tomorrow in Kendari)."""
    moment = now or datetime.now(ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(timezone)).date()


@dataclass(frozen=True)
class DayOff:
    day: date
    name: str
    #: "holiday" (national, always off) or "collective_leave" (off only where the clock type counts it).
    kind: str
    #: "package" for the holidays package's calendar, "override" for an administrator's correction.
    source: str


@lru_cache(maxsize=32)
def _package_days(year: int) -> tuple[DayOff, ...]:
    national = holidays.Indonesia(years=year, categories=("public",))
    collective = holidays.Indonesia(years=year, categories=("government",))
    days = [DayOff(d, name, OverrideKind.HOLIDAY.value, "package") for d, name in national.items()]
    days += [
        DayOff(d, name, OverrideKind.COLLECTIVE_LEAVE.value, "package")
        for d, name in collective.items()
        if d not in national
    ]
    return tuple(days)


def days_off(year: int) -> list[DayOff]:
    """Every listed day off in ``year`` (weekends aside), the administrator's overrides applied, by date."""
    overrides = {
        o.day: o
        for o in db.session.scalars(select(HolidayOverride).where(extract("year", HolidayOverride.day) == year))
    }
    result = {d.day: d for d in _package_days(year)}
    for day, override in overrides.items():
        if override.kind is OverrideKind.WORKING_DAY:
            result.pop(day, None)
        else:
            result[day] = DayOff(day, override.name, override.kind.value, "override")
    return sorted(result.values(), key=lambda d: d.day)


def is_working_day(day: date, *, count_collective_leave: bool = True, off: dict[date, DayOff] | None = None) -> bool:
    """Whether ``day`` is a working day. ``count_collective_leave`` True means collective leave is a day off."""
    if day.weekday() >= 5:
        return False
    off = off if off is not None else {d.day: d for d in days_off(day.year)}
    entry = off.get(day)
    if entry is None:
        return True
    return entry.kind == OverrideKind.COLLECTIVE_LEAVE.value and not count_collective_leave


class CalendarError(ValueError):
    """A calendar correction that cannot be made; ``str(error)`` is a message fit for the user."""


def add_override(
    *, day: date, kind: OverrideKind | str, name: str, legal_basis: str | None, by_user_id: int | None
) -> HolidayOverride:
    if db.session.scalar(select(HolidayOverride.id).where(HolidayOverride.day == day)):
        raise CalendarError(_l("This date already has a correction; remove it first."))
    override = HolidayOverride(
        day=day, kind=OverrideKind(kind), name=name, legal_basis=legal_basis or None, created_by_id=by_user_id
    )
    db.session.add(override)
    db.session.flush()
    return override


def remove_override(override: HolidayOverride) -> None:
    db.session.delete(override)
    db.session.flush()
