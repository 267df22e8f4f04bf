"""The Ombudsman's compliance assessment: classifying a score with the year's band table.

2015-2021: compliance with the service standard (UU 25/2009 art. 21), zones only: green 81.00-100, yellow
51.00-80.99, red 0-50.99. 2022-2024: four weighted dimensions and categories A-E, with edges that moved in 2024.
2025 on (PO 61/2025): bands not yet public; an administrator enters them, and until then a score is unclassified.
Edges are included exactly as stored; a score between two bands (which two-decimal scores never are) has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from complaints.extensions import db
from complaints.models.compliance import ZONES, AssessmentBand
from complaints.services.core.errors import RuleError

#: Better zones rank higher: merah 0, kuning 1, hijau 2 ("at least yellow" means yellow or green).
ZONE_ORDER = {zone: index for index, zone in enumerate(reversed(ZONES))}


@dataclass(frozen=True)
class Classification:
    zone: str
    category: str | None
    opinion: str
    #: The next better category and the points still missing to reach it, if there is one.
    next_category: str | None
    points_to_next: Decimal | None


def bands_for(year: int) -> list[AssessmentBand]:
    return list(
        db.session.scalars(select(AssessmentBand).where(AssessmentBand.year == year).order_by(AssessmentBand.lower))
    )


def classify(year: int, score: Decimal | str | float) -> Classification | None:
    return classify_with(bands_for(year), score)


class BandTables:
    """Classification for many results at once: each year's table is read once."""

    def __init__(self) -> None:
        self._tables: dict[int, list[AssessmentBand]] = {}

    def classify(self, year: int, score) -> Classification | None:
        if year not in self._tables:
            self._tables[year] = bands_for(year)
        return classify_with(self._tables[year], score)


def classify_with(bands: list[AssessmentBand], score: Decimal | str | float) -> Classification | None:
    """``bands`` ordered from the lowest."""
    score = Decimal(str(score)).quantize(Decimal("0.01"))
    for index, band in enumerate(bands):
        if band.lower <= score <= band.upper:
            better = bands[index + 1] if index + 1 < len(bands) else None
            return Classification(
                zone=band.zone,
                category=band.category,
                opinion=band.opinion,
                next_category=(better.category or better.zone) if better else None,
                points_to_next=(better.lower - score) if better else None,
            )
    return None


#: Years whose bands come from the published methodology (seeded); later years' bands are entered by an admin.
LAST_PUBLISHED_METHOD_YEAR = 2024


class BandError(RuleError):
    """A band that does not fit its year's table."""


def add_band(
    year: int, *, category: str | None, lower: Decimal, upper: Decimal, opinion: str, zone: str
) -> AssessmentBand:
    """A band of a year after the published methods (PO 61/2025 on): edges with two decimals, no overlap with the
    year's other bands, each category once. Flushes; the caller commits."""
    if year <= LAST_PUBLISHED_METHOD_YEAR:
        raise BandError(
            _l(
                "The bands up to %(year)d are the published ones and cannot be changed.",
                year=LAST_PUBLISHED_METHOD_YEAR,
            )
        )
    if not Decimal(0) <= lower <= upper <= Decimal(100):
        raise BandError(_l("The lower edge must not exceed the upper edge, both from 0 to 100."), "lower")
    if lower != lower.quantize(Decimal("0.01")) or upper != upper.quantize(Decimal("0.01")):
        raise BandError(_l("Edges have at most two decimals, as scores do."), "lower")
    if zone not in ZONES:
        raise BandError(_l("The zone is hijau, kuning or merah."), "zone")
    for band in bands_for(year):
        if band.lower <= upper and lower <= band.upper:
            raise BandError(
                _l("It overlaps the band from %(lower)s to %(upper)s.", lower=band.lower, upper=band.upper), "lower"
            )
        if category and band.category == category:
            raise BandError(_l("That year already has category %(category)s.", category=category), "category")
        # Better categories (A before E) and better zones sit higher on the scale.
        higher = lower > band.upper
        if (category and band.category and (category < band.category) != higher) or (
            zone != band.zone and (ZONE_ORDER[zone] > ZONE_ORDER[band.zone]) != higher
        ):
            raise BandError(
                _l(
                    "Better categories and zones must have higher scores than the band from %(lower)s to %(upper)s.",
                    lower=band.lower,
                    upper=band.upper,
                ),
                "category",
            )
    band = AssessmentBand(
        year=year, era="C", category=category or None, lower=lower, upper=upper, opinion=opinion, zone=zone
    )
    db.session.add(band)
    db.session.flush()
    return band


def remove_band(band: AssessmentBand) -> None:
    if band.year <= LAST_PUBLISHED_METHOD_YEAR:
        raise BandError(
            _l(
                "The bands up to %(year)d are the published ones and cannot be changed.",
                year=LAST_PUBLISHED_METHOD_YEAR,
            )
        )
    db.session.delete(band)
    db.session.flush()
