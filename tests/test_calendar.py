from datetime import UTC, date, datetime

from complaints.extensions import db
from complaints.models import HolidayOverride, OverrideKind
from complaints.services.calendar import days_off, is_working_day, office_today


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
