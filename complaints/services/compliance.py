"""The Ombudsman's compliance assessment: classifying a score with the year's band table.

2015-2021: compliance with the service standard (UU 25/2009 art. 21), zones only: green 81.00-100, yellow
51.00-80.99, red 0-50.99. 2022-2024: four weighted dimensions and categories A-E, with edges that moved in 2024.
2025 on (PO 61/2025): bands not yet public; an administrator enters them, and until then a score is unclassified.
Edges are included exactly as stored; a score between two bands (which two-decimal scores never are) has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from complaints.extensions import db
from complaints.models.compliance import AssessmentBand


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
    score = Decimal(str(score)).quantize(Decimal("0.01"))
    bands = bands_for(year)
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
