from datetime import UTC, date, datetime

import pytest

from complaints.extensions import db
from complaints.models import HolidayOverride, OverrideKind
from complaints.services.places.working_days import add_days, days_between, days_off, is_working_day, office_today


def test_office_today_is_counted_in_wita():
    late_evening_utc = datetime(2026, 11, 23, 16, 30, tzinfo=UTC)
    assert office_today("Asia/Makassar", now=late_evening_utc) == date(2026, 11, 24)
    assert office_today("Asia/Jakarta", now=late_evening_utc) == date(2026, 11, 23)


def test_idul_fitri_2026_and_its_collective_leave(app_ctx):
    off = {d.day: d for d in days_off(2026)}
    assert off[date(2026, 3, 21)].kind == "holiday"  # Idul Fitri 1447 H
    assert off[date(2026, 3, 20)].kind == "collective_leave"
    assert not is_working_day(date(2026, 3, 20), count_collective_leave=True)
    assert is_working_day(date(2026, 3, 20), count_collective_leave=False)
    assert not is_working_day(date(2026, 3, 21), count_collective_leave=False)


def test_weekends_are_never_working_days(app_ctx):
    assert not is_working_day(date(2026, 11, 28))
    assert not is_working_day(date(2026, 11, 29))
    assert is_working_day(date(2026, 11, 30))


def test_overrides_add_and_remove_days_off(app_ctx):
    db.session.add_all(
        [
            HolidayOverride(day=date(2026, 12, 31), kind=OverrideKind.COLLECTIVE_LEAVE, name="Cuti bersama"),
            HolidayOverride(day=date(2026, 12, 24), kind=OverrideKind.WORKING_DAY, name="Batal cuti bersama"),
            HolidayOverride(day=date(2026, 11, 30), kind=OverrideKind.HOLIDAY, name="Libur daerah"),
        ]
    )
    db.session.commit()
    off = {d.day: d for d in days_off(2026)}
    assert off[date(2026, 12, 31)].source == "override"
    assert date(2026, 12, 24) not in off and is_working_day(date(2026, 12, 24))
    assert not is_working_day(date(2026, 11, 30), count_collective_leave=False)
    assert not is_working_day(date(2026, 12, 31)) and is_working_day(date(2026, 12, 31), count_collective_leave=False)


# Worked out by hand from the 2025 and 2026 decrees as the holidays package lists them (public holidays, and the
# "government" category for collective leave).
@pytest.mark.parametrize(
    ("start", "days", "collective_leave_is_day_off", "due"),
    [
        # Friday to Monday: the weekend does not count.
        (date(2026, 11, 27), 1, True, date(2026, 11, 30)),
        (date(2026, 11, 23), 14, True, date(2026, 12, 11)),
        # Idul Fitri 2025: 31 March and 1 April, collective leave 28 March and 2, 3, 4, 7 April; Good Friday 18 April.
        (date(2025, 3, 27), 14, True, date(2025, 4, 28)),
        (date(2025, 3, 27), 14, False, date(2025, 4, 21)),
        # Idul Fitri 2026: Nyepi 19 March, Idul Fitri 21-22 March, collective leave 18, 20, 23, 24 March.
        (date(2026, 3, 18), 1, True, date(2026, 3, 25)),
        (date(2026, 3, 18), 1, False, date(2026, 3, 20)),
        (date(2026, 3, 17), 5, True, date(2026, 3, 31)),
        # Year end: collective leave 24 December, Christmas, New Year's Day.
        (date(2026, 12, 23), 5, True, date(2027, 1, 4)),
        (date(2026, 12, 23), 5, False, date(2026, 12, 31)),
    ],
)
def test_working_days(app_ctx, start, days, collective_leave_is_day_off, due):
    assert add_days(start, days, "working", collective_leave_is_day_off=collective_leave_is_day_off) == due


def test_calendar_days_run_through_weekends_holidays_and_year_ends(app_ctx):
    assert add_days(date(2026, 12, 20), 14, "calendar") == date(2027, 1, 3)
    assert add_days(date(2026, 3, 10), 30, "calendar") == date(2026, 4, 9)
    assert days_between(date(2026, 3, 17), date(2026, 3, 31), "working") == 5
    assert days_between(date(2026, 3, 31), date(2026, 3, 17), "working") == 0


def test_an_override_moves_a_working_day_count(app_ctx):
    db.session.add(HolidayOverride(day=date(2026, 11, 30), kind=OverrideKind.HOLIDAY, name="Libur daerah"))
    db.session.commit()
    assert add_days(date(2026, 11, 27), 1, "working") == date(2026, 12, 1)
