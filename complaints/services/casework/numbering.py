"""Registration numbers: ``<sequence>/<series>/<month in Roman numerals>/<year>/<office code>``."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Complaint, Office, RegistrationCounter
from complaints.models.types import utcnow
from complaints.services.casework import clocks

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def next_registration_number(office: Office, on: date, series: str) -> str:
    """``<sequence>/<series>/<month in Roman numerals>/<year>/<office code>``, numbered per office, year and series.
    The counter row is locked while the number is taken, so two registrations never get the same one."""
    query = select(RegistrationCounter).where(
        RegistrationCounter.office_id == office.id,
        RegistrationCounter.year == on.year,
        RegistrationCounter.series == series,
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    counter = db.session.scalar(query)
    if counter is None:
        counter = RegistrationCounter(office=office, year=on.year, series=series, last_number=0)
        db.session.add(counter)
    counter.last_number += 1
    db.session.flush()
    return f"{counter.last_number:04d}/{series}/{ROMAN_MONTHS[on.month - 1]}/{on.year}/{office.code}"


def _registration_series(case: Complaint) -> str:
    return current_app.config["REGISTRATION_SERIES"][case.kind.value]


def give_registration_number(case: Complaint, today: date) -> None:
    """Register the case today: its number, the moment, and the rule set it keeps."""
    case.registration_number = next_registration_number(case.office, today, _registration_series(case))
    case.registered_at = utcnow()
    # A case keeps the rule set in force on the day it was registered.
    case.rule_set = clocks.rule_set_on(today)
