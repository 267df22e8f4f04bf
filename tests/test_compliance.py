"""Classifying scores with each year's band table, and reproducing the published figures."""

import csv
from decimal import Decimal

import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Assessment, AssessmentBand, AssessmentDimension
from complaints.services.compliance import classify
from complaints.services.seeding import SEED_DIR

# Every band edge of every era, and the hundredth on either side (score, year, zone, category).
EDGES = [
    # 2015-2021: zones only.
    ("0.00", 2019, "merah", None),
    ("50.99", 2019, "merah", None),
    ("51.00", 2019, "kuning", None),
    ("80.99", 2015, "kuning", None),
    ("81.00", 2021, "hijau", None),
    ("100.00", 2021, "hijau", None),
    # 2022-2023: A 88.01-100, B 78.01-88.00, C 54.01-78.00, D 32.01-54.00, E 0-32.00.
    ("32.00", 2022, "merah", "E"),
    ("32.01", 2022, "merah", "D"),
    ("54.00", 2023, "merah", "D"),
    ("54.01", 2023, "kuning", "C"),
    ("78.00", 2022, "kuning", "C"),
    ("78.01", 2022, "hijau", "B"),
    ("88.00", 2023, "hijau", "B"),
    ("88.01", 2023, "hijau", "A"),
    ("100.00", 2022, "hijau", "A"),
    # 2024: the edges moved down by a hundredth: A 88.00-100, B 78.00-87.99, C 54.00-77.99, D 32.00-53.99.
    ("31.99", 2024, "merah", "E"),
    ("32.00", 2024, "merah", "D"),
    ("53.99", 2024, "merah", "D"),
    ("54.00", 2024, "kuning", "C"),
    ("77.99", 2024, "kuning", "C"),
    ("78.00", 2024, "hijau", "B"),
    ("87.99", 2024, "hijau", "B"),
    ("88.00", 2024, "hijau", "A"),
]


@pytest.mark.parametrize(("score", "year", "zone", "category"), EDGES)
def test_band_edges(seeded, score, year, zone, category):
    result = classify(year, score)
    assert (result.zone, result.category) == (zone, category)


def test_no_bands_no_classification(seeded):
    assert classify(2025, "90.00") is None  # PO 61/2025: bands not public yet; an administrator enters them


def test_the_2023_example_muna_barat_is_six_points_short_of_a(seeded):
    result = classify(2023, "81.84")
    assert (result.zone, result.category, result.opinion) == ("hijau", "B", "kualitas tinggi")
    assert (result.next_category, result.points_to_next) == ("A", Decimal("6.17"))


def test_the_published_figures_are_reproduced(seeded):
    with (SEED_DIR / "assessments_sultra.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert db.session.query(Assessment).count() == len(rows) == 29
    for row in rows:
        result = classify(int(row["year"]), row["score"])
        assert result.zone == row["zone"], row
        assert (result.category or "") == row["category"], row


def test_the_methodology_is_data(seeded):
    years = sorted(set(db.session.scalars(select(AssessmentBand.year))))
    assert years == list(range(2015, 2025))
    weights = db.session.scalars(
        select(AssessmentDimension.weight_percent).where(AssessmentDimension.year == 2023)
    ).all()
    assert sum(weights) == Decimal("100.00")
