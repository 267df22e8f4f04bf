"""Reference data, from the CSV files in complaints/seed/ (copied from the project's reference data): provinces,
regions, offices, service units, agreements, the lists, the legal clocks, published assessments and targets.

It only adds what is missing, keyed by natural codes, so running it again changes nothing and never overwrites
what an administrator has since edited.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import (
    Actor,
    Agreement,
    AgreementKind,
    Assessment,
    AssessmentBand,
    AssessmentDimension,
    ClockRule,
    ClosureReason,
    DayType,
    MaladministrationForm,
    Office,
    Province,
    Region,
    RegionKind,
    ServiceUnit,
    SubstanceArea,
    Target,
    UnitKind,
)

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"


def read_csv(name: str) -> list[dict[str, str]]:
    with (SEED_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


class SeedReport(Counter):
    """How many rows of each kind a run added (empty on a second run)."""

    def summary(self) -> str:
        return ", ".join(f"{kind}: {n}" for kind, n in sorted(self.items())) or "nothing new"


def seed_reference_data() -> SeedReport:
    report = SeedReport()
    _seed_places(report)
    _seed_units(report)
    _seed_agreements(report)
    _seed_lists(report)
    _seed_clock_rules(report)
    _seed_assessments(report)
    db.session.flush()
    return report


def _seed_places(report: SeedReport) -> None:
    provinces = {p.code: p for p in db.session.scalars(select(Province))}
    regions = {r.code: r for r in db.session.scalars(select(Region))}
    for row in read_csv("regions_sultra.csv"):
        province = provinces.get(row["province_code"])
        if province is None:
            province = Province(code=row["province_code"], name=row["province"], timezone=row["timezone"])
            db.session.add(province)
            provinces[province.code] = province
            report["provinces"] += 1
        region = regions.get(row["code"])
        if region is None:
            region = Region(code=row["code"], name=row["name"], kind=RegionKind(row["kind"]), province=province)
            db.session.add(region)
            regions[region.code] = region
            report["regions"] += 1
        # Regions that came before the grid get their tile too; a tile already set is left as it is.
        if region.grid_row is None and row["grid_row"]:
            region.grid_row, region.grid_column = int(row["grid_row"]), int(row["grid_column"])
            report["grid tiles"] += 1
    db.session.flush()
    offices = set(db.session.scalars(select(Office.code)))
    for row in read_csv("offices.csv"):
        if row["code"] not in offices:
            province = provinces[row["province_code"]]
            db.session.add(Office(code=row["code"], name=row["name"], city=row["city"], province=province))
            report["offices"] += 1
    db.session.flush()


def _seed_units(report: SeedReport) -> None:
    kinds = read_csv("service_unit_kinds.csv")
    existing = {
        (region_id, kind) for region_id, kind in db.session.execute(select(ServiceUnit.region_id, ServiceUnit.kind))
    }
    for region in db.session.scalars(select(Region).order_by(Region.code)):
        for row in kinds:
            kind = UnitKind(row["kind"])
            if (region.id, kind) in existing:
                continue
            db.session.add(
                ServiceUnit(
                    region=region,
                    kind=kind,
                    name=row["name_template"].format(region=region.name),
                    head_title=row["head_title_template"].format(region=region.name),
                )
            )
            report["service units"] += 1
    db.session.flush()


def _seed_agreements(report: SeedReport) -> None:
    regions = {r.code: r for r in db.session.scalars(select(Region))}
    existing = set(db.session.execute(select(Agreement.region_id, Agreement.kind, Agreement.signed_on)))
    for row in read_csv("agreements_sultra.csv"):
        region = regions[row["region_code"]]
        kind = AgreementKind(row["kind"])
        signed_on = date.fromisoformat(row["signed_on"])
        if (region.id, kind, signed_on) in existing:
            continue
        db.session.add(
            Agreement(
                region=region,
                kind=kind,
                signed_on=signed_on,
                signatories=row["signed_by"],
                valid_from=signed_on,
                valid_to=None,  # the public sources do not state the end of validity
                scope_items=[item.strip() for item in row["scope"].split(";") if item.strip()],
                note=row["note"] or None,
            )
        )
        report["agreements"] += 1
    db.session.flush()


def _seed_lists(report: SeedReport) -> None:
    for model, filename, fields in (
        (MaladministrationForm, "maladministration_forms.csv", ("label_id", "label_en", "meaning")),
        (SubstanceArea, "substance_areas.csv", ("label_id", "label_en")),
        (ClosureReason, "closure_reasons.csv", ("label_id", "stage", "meaning")),
    ):
        existing = set(db.session.scalars(select(model.code)))
        for position, row in enumerate(read_csv(filename)):
            if row["code"] not in existing:
                db.session.add(model(code=row["code"], position=position, **{f: row[f] for f in fields}))
                report[model.__tablename__.replace("_", " ")] += 1
    db.session.flush()


def _seed_clock_rules(report: SeedReport) -> None:
    existing = {
        (rule_set, clock) for rule_set, clock in db.session.execute(select(ClockRule.rule_set, ClockRule.clock))
    }
    for row in read_csv("procedure_clocks.csv"):
        if (row["rule_set"], row["clock"]) in existing:
            continue
        db.session.add(
            ClockRule(
                rule_set=row["rule_set"],
                clock=row["clock"],
                who_must_act=Actor(row["who_must_act"]),
                days=int(row["days"]) if row["days"] else None,
                day_type=DayType(row["day_type"]) if row["day_type"] else None,
                collective_leave_is_day_off=row["collective_leave_is_day_off"] == "yes",
                starts_when=row["starts_when"] or None,
                on_breach=row["on_breach"] or None,
                legal_basis=row["legal_basis"],
                confidence=row["confidence"] or None,
            )
        )
        report["clock rules"] += 1
    db.session.flush()


def _seed_assessments(report: SeedReport) -> None:
    """The published methodology per year, and the public results of the province's regions."""
    years_with_bands = set(db.session.scalars(select(AssessmentBand.year)))
    for row in read_csv("assessment_bands.csv"):
        for year in range(int(row["year_from"]), int(row["year_to"]) + 1):
            if year in years_with_bands:
                continue
            db.session.add(
                AssessmentBand(
                    year=year,
                    era=row["era"],
                    category=row["category"] or None,
                    lower=Decimal(row["lower"]),
                    upper=Decimal(row["upper"]),
                    opinion=row["opinion"],
                    zone=row["zone"],
                )
            )
            report["assessment bands"] += 1
    existing = {(y, c) for y, c in db.session.execute(select(AssessmentDimension.year, AssessmentDimension.code))}
    for row in read_csv("assessment_dimensions.csv"):
        for year in range(int(row["year_from"]), int(row["year_to"]) + 1):
            if (year, row["dimension"]) in existing:
                continue
            db.session.add(
                AssessmentDimension(
                    year=year,
                    code=row["dimension"],
                    label=row["label_id"],
                    weight_percent=Decimal(row["weight_percent"]),
                    what_is_measured=row["what_is_measured"],
                )
            )
            report["assessment dimensions"] += 1
    regions = {r.code: r for r in db.session.scalars(select(Region))}
    results = {(r, y) for r, y in db.session.execute(select(Assessment.region_id, Assessment.year))}
    for row in read_csv("assessments_sultra.csv"):
        region = regions[row["region_code"]]
        if (region.id, int(row["year"])) in results:
            continue
        db.session.add(
            Assessment(
                region=region,
                year=int(row["year"]),
                score=Decimal(row["score"]),
                stated_zone=row["zone"] or None,
                stated_category=row["category"] or None,
                rank_province=int(row["rank_province"]) if row["rank_province"] else None,
                rank_national=int(row["rank_national"]) if row["rank_national"] else None,
                source=row["note"] or None,
            )
        )
        report["assessments"] += 1
    db.session.flush()
    _seed_targets(report, regions)


def _seed_targets(report: SeedReport, regions: dict[str, Region]) -> None:
    """The published goals (targets_sultra.csv): the province's for 2025, three regions' for 2024."""
    provinces = {p.code: p for p in db.session.scalars(select(Province))}
    existing = {(t.scope, t.region_id, t.province_id, t.year) for t in db.session.scalars(select(Target))}
    for row in read_csv("targets_sultra.csv"):
        region = regions[row["code"]] if row["scope"] == "region" else None
        province = region.province if region else provinces[row["code"]]
        year = int(row["assessment_year"])
        if (row["scope"], region.id if region else None, province.id, year) in existing:
            continue

        def number(column: str, row=row) -> int | None:
            return int(row[column]) if row[column] else None

        db.session.add(
            Target(
                scope=row["scope"],
                province=province,
                region=region,
                year=year,
                wording=row["target"],
                set_on=row["set_on"] or None,
                set_by=row["set_by"] or None,
                min_green_regions=number("min_green_regions"),
                max_red_regions=number("max_red_regions"),
                min_category=row["min_category"] or None,
                min_zone=row["min_zone"] or None,
                max_rank=number("max_rank"),
            )
        )
        report["targets"] += 1
    db.session.flush()
