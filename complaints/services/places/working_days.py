"""The working-day calendar: Monday to Friday, minus Indonesia's national holidays and collective leave.

National holidays come from the ``holidays`` package (category ``public``); collective leave (cuti bersama, decreed
yearly by a joint decree of three ministers) is its ``government`` category. Administrators correct both with
``HolidayOverride`` rows when a decree changes after the package was released. Whether collective leave counts as a
day off is a choice per clock type, made by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, select

from complaints.extensions import db
from complaints.models import HolidayOverride, OverrideKind

#: Sulawesi Tenggara's offices count their days in WITA (UTC+8); other provinces pass their own zone.
#: Only where no office or region is known yet (an Open311 time without an offset before the service is matched);
#: everywhere else the zone comes from the office or the region concerned.
DEFAULT_TIMEZONE = "Asia/Makassar"


def office_today(timezone: str, now: datetime | None = None) -> date:
    """Today's date in ``timezone``, the zone of the office or region concerned (a filing at 23:30 UTC is already
    tomorrow in Kendari)."""
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


class WorkingCalendar:
    """Day arithmetic for one clock type: loads each year's days off once, then answers in memory."""

    def __init__(self, *, collective_leave_is_day_off: bool = True) -> None:
        self.collective_leave_is_day_off = collective_leave_is_day_off
        self._years: dict[int, dict[date, DayOff]] = {}

    def is_working_day(self, day: date) -> bool:
        if day.year not in self._years:
            self._years[day.year] = {d.day: d for d in days_off(day.year)}
        return is_working_day(day, count_collective_leave=self.collective_leave_is_day_off, off=self._years[day.year])

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start``; the day of the event itself is not counted.

        A request received on Friday with 1 working day is due on Monday (or the next working day after it).
        """
        current = start
        counted = 0
        while counted < days:
            current += timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if ``end`` is not after ``start``)."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count


def add_days(start: date, days: int, day_type: str, *, collective_leave_is_day_off: bool = True) -> date:
    """Due date of a term of ``days`` counted from ``start`` (the starting day not counted).

    Calendar days run straight through weekends and holidays (the rules that count calendar days say nothing of
    extending them); working days skip weekends, national holidays and, where the clock type says so, collective
    leave.
    """
    if day_type == "calendar":
        return start + timedelta(days=days)
    return WorkingCalendar(collective_leave_is_day_off=collective_leave_is_day_off).add_working_days(start, days)


def days_between(start: date, end: date, day_type: str, *, collective_leave_is_day_off: bool = True) -> int:
    if day_type == "calendar":
        return max((end - start).days, 0)
    return WorkingCalendar(collective_leave_is_day_off=collective_leave_is_day_off).working_days_between(start, end)
