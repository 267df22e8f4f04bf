"""A region's compliance profile and the province's dashboard: the assessment history, the targets and how far
they are, and the live record from complaints per unit (read from the ``unit_figures`` summary).

Honest rankings (DESIGN.md §3): a unit is ranked only with at least ``PROFILE_MIN_CASES`` registered cases in the
period and at least one duty (clarification request or corrective action) to judge; units are ordered by the lower
bound of the 95 % Wilson interval of their share of duties done on time, so that 1 of 1 does not beat 45 of 50.
"""

from __future__ import annotations

import enum
import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from complaints.extensions import db
from complaints.models import (
    Assessment,
    AssessmentDimension,
    AssessmentPart,
    MaladministrationForm,
    Province,
    Region,
    ServiceUnit,
    SubstanceArea,
    Target,
    UnitFigures,
)
from complaints.models.compliance import ZONES
from complaints.services.compliance.classification import ZONE_ORDER, BandTables
from complaints.services.compliance.live_figures import Counts

Z_95 = 1.959963984540054


def wilson(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (95 % by default); None without trials."""
    if trials <= 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Rate:
    done: int
    total: int

    @property
    def share(self) -> float | None:
        return self.done / self.total if self.total else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.done, self.total)


def median_of(histogram: Counter) -> float | None:
    """The median of values given as {value: how many times}."""
    count = sum(histogram.values())
    if not count:
        return None
    wanted = [(count - 1) // 2, count // 2]  # positions of the middle value(s), 0-based
    found, position = [], 0
    for value in sorted(histogram, key=int):
        upto = position + histogram[value]
        found += [int(value) for index in wanted if position <= index < upto]
        position = upto
    return sum(found) / len(found)


@dataclass
class LiveRecord(Counts):
    """A unit's (or the whole region's) live figures over the chosen period."""

    name: str
    unit_id: int | None = None
    rank: int | None = None

    @property
    def median_close_days(self) -> float | None:
        return median_of(self.close_days)

    @property
    def answers(self) -> Rate:
        return Rate(self.answered_on_time, self.requests)

    @property
    def corrective(self) -> Rate:
        return Rate(self.actions_on_time, self.actions)

    @property
    def recommendation_rate(self) -> Rate:
        return Rate(self.recommendations_implemented, self.recommendations)

    @property
    def duties(self) -> Rate:
        """Clarification answers and corrective actions together: what the ranking orders by."""
        return Rate(self.answered_on_time + self.actions_on_time, self.requests + self.actions)


@dataclass
class RegionRecord:
    year: int | None
    total: LiveRecord
    units: list[LiveRecord]
    min_cases: int
    #: [(label, cases)], largest first
    forms: list[tuple[str, int]]
    areas: list[tuple[str, int]]
    refreshed_at: object | None


def min_cases() -> int:
    return current_app.config["PROFILE_MIN_CASES"]


def figure_years(region: Region) -> list[int]:
    return list(
        db.session.scalars(
            select(UnitFigures.year)
            .where(UnitFigures.region_id == region.id)
            .distinct()
            .order_by(UnitFigures.year.desc())
        )
    )


def _labelled(counter: Counter, labels: dict[str, str], none_label: str) -> list[tuple[str, int]]:
    return sorted(
        ((labels.get(code, code) if code else none_label, n) for code, n in counter.items() if n),
        key=lambda item: (-item[1], item[0]),
    )


def live_record(region: Region, year: int | None = None) -> RegionRecord:
    """The region's units (active ones, and any other with figures) with their figures for ``year`` (None: all
    years), ranked as the module says, and the region's total."""
    query = select(UnitFigures).where(UnitFigures.region_id == region.id)
    if year is not None:
        query = query.where(UnitFigures.year == year)
    records: dict[int, LiveRecord] = {
        unit.id: LiveRecord(unit.name, unit.id)
        for unit in db.session.scalars(
            select(ServiceUnit)
            .where(ServiceUnit.region_id == region.id, ServiceUnit.is_active)
            .order_by(ServiceUnit.name)
        )
    }
    total = LiveRecord(region.name)
    for row in db.session.scalars(
        query.join(UnitFigures.unit).options(contains_eager(UnitFigures.unit)).order_by(ServiceUnit.name)
    ):
        records.setdefault(row.unit_id, LiveRecord(row.unit.name, row.unit_id)).add(row)
        total.add(row)
    threshold = min_cases()
    eligible = [r for r in records.values() if r.cases >= threshold and r.duties.total > 0]
    eligible.sort(key=lambda r: (-r.duties.interval[0], -r.duties.total, r.name))
    for position, record in enumerate(eligible, start=1):
        record.rank = position
    units = sorted(records.values(), key=lambda r: (r.rank is None, r.rank or 0, r.name))
    english = str(get_locale()) == "en"
    forms = dict(
        db.session.execute(
            select(
                MaladministrationForm.code,
                MaladministrationForm.label_en if english else MaladministrationForm.label_id,
            )
        ).all()
    )
    areas = dict(
        db.session.execute(
            select(SubstanceArea.code, SubstanceArea.label_en if english else SubstanceArea.label_id)
        ).all()
    )
    return RegionRecord(
        year=year,
        total=total,
        units=units,
        min_cases=threshold,
        forms=_labelled(total.by_form, forms, _("not stated")),
        areas=_labelled(total.by_area, areas, _("not stated")),
        refreshed_at=db.session.scalar(
            select(func.max(UnitFigures.refreshed_at)).where(UnitFigures.region_id == region.id)
        ),
    )


# --- assessments -------------------------------------------------------------------------------------------------


@dataclass
class AssessmentView:
    assessment: Assessment
    zone: str | None
    category: str | None
    opinion: str | None
    next_category: str | None
    points_to_next: Decimal | None
    #: Whether the year's band table classified the score; if not, ``zone`` is the one the source stated, if any.
    classified: bool
    #: The rank in the province as the source gave it (never computed: the other results may not be published).
    rank_province: int | None
    #: The place among the year's published scores (1 = highest), out of ``published``: not an official rank.
    position: int
    published: int
    #: [(dimension label, score)] and [(service unit name, score, its classification)] where the source gives them
    dimensions: list[tuple[str, Decimal]] = field(default_factory=list)
    units: list[tuple] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.assessment.year

    @property
    def score(self) -> Decimal:
        return self.assessment.score

    @property
    def region(self) -> Region:
        return self.assessment.region

    @property
    def disagrees(self) -> bool:
        a = self.assessment
        return bool(
            (a.stated_zone and self.zone and a.stated_zone != self.zone)
            or (a.stated_category and self.category and a.stated_category != self.category)
        )


def assessment_views(province: Province) -> list[AssessmentView]:
    """Every published result of the province, by year then score, with its classification and its rank in the
    province that year."""
    rows = db.session.scalars(
        select(Assessment)
        .join(Assessment.region)
        .where(Region.province_id == province.id)
        .order_by(Assessment.year, Assessment.score.desc(), Region.code)
        .options(contains_eager(Assessment.region), selectinload(Assessment.parts).selectinload(AssessmentPart.unit))
    ).all()
    tables = BandTables()
    dimension_labels = {
        (year, code): label
        for year, code, label in db.session.execute(
            select(AssessmentDimension.year, AssessmentDimension.code, AssessmentDimension.label)
        )
    }
    views, per_year = [], Counter(a.year for a in rows)
    position = Counter()
    for a in rows:
        position[a.year] += 1
        c = tables.classify(a.year, a.score)
        views.append(
            AssessmentView(
                assessment=a,
                zone=c.zone if c else a.stated_zone,
                category=c.category if c else a.stated_category,
                opinion=c.opinion if c else None,
                next_category=c.next_category if c else None,
                points_to_next=c.points_to_next if c else None,
                classified=c is not None,
                rank_province=a.rank_province,
                position=position[a.year],
                published=per_year[a.year],
                dimensions=[
                    (dimension_labels.get((a.year, p.dimension_code), p.dimension_code), p.score)
                    for p in a.parts
                    if p.dimension_code
                ],
                units=sorted(
                    ((p.unit.name, p.score, tables.classify(a.year, p.score)) for p in a.parts if p.unit),
                    key=lambda part: part[1],
                ),
            )
        )
    return views


# --- targets -------------------------------------------------------------------------------------------------


class TargetState(enum.StrEnum):
    MET = "met"
    MISSED = "missed"
    #: Some results are still unknown.
    OPEN = "open"
    #: No result for the year yet.
    AWAITING = "awaiting"


@dataclass
class TargetProgress:
    target: Target
    state: TargetState
    #: Where things stand: the year's results if there are any, the latest otherwise.
    standing_year: int | None
    zone_counts: dict[str, int] = field(default_factory=dict)
    #: Regions whose zone is not known: no published result, or one without a zone yet.
    unknown: int = 0
    view: AssessmentView | None = None


@dataclass(frozen=True)
class YearZones:
    year: int
    counts: dict[str, int]
    #: Published results without a zone (no band table for the year, and none stated).
    without_zone: int
    unpublished: int


def _year_zones(views: list[AssessmentView], year: int, regions: int) -> YearZones:
    counts = {zone: 0 for zone in ZONES}
    published = 0
    for v in views:
        if v.year == year:
            published += 1
            if v.zone:
                counts[v.zone] += 1
    return YearZones(year, counts, published - sum(counts.values()), regions - published)


def _province_progress(target: Target, views: list[AssessmentView], regions: int) -> TargetProgress:
    years = sorted({v.year for v in views})
    year = target.year if target.year in years else (max((y for y in years if y <= target.year), default=None))
    zones = _year_zones(views, year, regions) if year else YearZones(0, {zone: 0 for zone in ZONES}, 0, regions)
    counts, unknown = zones.counts, zones.without_zone + zones.unpublished
    if year != target.year:
        return TargetProgress(target, TargetState.AWAITING, year, counts, unknown)
    green, red = counts["hijau"], counts["merah"]
    missed = (target.min_green_regions is not None and green + unknown < target.min_green_regions) or (
        target.max_red_regions is not None and red > target.max_red_regions
    )
    met = (target.min_green_regions is None or green >= target.min_green_regions) and (
        target.max_red_regions is None or red + unknown <= target.max_red_regions
    )
    state = TargetState.MISSED if missed else TargetState.MET if met else TargetState.OPEN
    return TargetProgress(target, state, year, counts, unknown)


def _rank_check(target: Target, of_year: AssessmentView | None, views: list[AssessmentView]) -> bool | None:
    """Whether the region reached at most rank ``max_rank``: True, False, or None while it cannot be told. Only
    ranks the source gave prove a rank; the place among published results can only prove it was missed (the true
    rank is never better), and so can other regions' stated ranks filling the places above."""
    if of_year is not None and of_year.rank_province is not None:
        return of_year.rank_province <= target.max_rank
    if of_year is not None and of_year.position > target.max_rank:
        return False
    taken = sum(
        1
        for v in views
        if v.year == target.year and v.region.id != target.region_id and (v.rank_province or 999) <= target.max_rank
    )
    return False if taken >= target.max_rank else None


def _region_progress(target: Target, views: list[AssessmentView]) -> TargetProgress:
    own = [v for v in views if v.region.id == target.region_id]
    of_year = next((v for v in own if v.year == target.year), None)
    rank = _rank_check(target, of_year, views) if target.max_rank else True
    if of_year is None:
        earlier = [v for v in own if v.year <= target.year]
        latest = earlier[-1] if earlier else None
        state = TargetState.MISSED if rank is False else TargetState.AWAITING
        return TargetProgress(target, state, latest.year if latest else None, view=latest)
    checks = [rank]
    if target.min_category:
        checks.append(of_year.category is not None and of_year.category <= target.min_category)
    if target.min_zone:
        checks.append(of_year.zone is not None and ZONE_ORDER[of_year.zone] >= ZONE_ORDER[target.min_zone])
    state = TargetState.MISSED if False in checks else TargetState.OPEN if None in checks else TargetState.MET
    return TargetProgress(target, state, of_year.year, view=of_year)


def target_progress(
    province: Province, *, region: Region | None = None, views: list[AssessmentView] | None = None
) -> list[TargetProgress]:
    """Every target of the province (its own and its regions'), or with ``region`` that region's only, each with
    where it stands; ``views`` are the province's assessment views if the caller has them already."""
    query = select(Target).where(Target.province_id == province.id)
    query = query.where(Target.region_id == region.id) if region else query
    views = assessment_views(province) if views is None else views
    regions = db.session.scalar(select(func.count()).select_from(Region).where(Region.province_id == province.id))
    return [
        _province_progress(t, views, regions) if t.scope == "province" else _region_progress(t, views)
        for t in db.session.scalars(query.order_by(Target.year.desc(), Target.scope, Target.id))
    ]


# --- the province's dashboard ----------------------------------------------------------------------------------


@dataclass
class Tile:
    region: Region
    column: int
    row: int
    view: AssessmentView | None


@dataclass
class Dashboard:
    province: Province
    year: int | None
    years: list[int]
    tiles: list[Tile]
    ranking: list[AssessmentView]
    zones_by_year: list[YearZones]
    targets: list[TargetProgress]
    regions: int


def dashboard(province: Province, year: int | None = None) -> Dashboard:
    views = assessment_views(province)
    years = sorted({v.year for v in views}, reverse=True)
    if year not in years:
        year = years[0] if years else None
    regions = db.session.scalars(select(Region).where(Region.province_id == province.id).order_by(Region.code)).all()
    of_year = {v.region.id: v for v in views if v.year == year}
    # Each region's tile comes from its row (seed data); those without one fill rows of six below the grid.
    placed = [r for r in regions if r.grid_row is not None]
    spare = max((r.grid_row for r in placed), default=-1) + 1
    tiles = []
    for index, region in enumerate(r for r in regions if r.grid_row is None):
        tiles.append(Tile(region, index % 6, spare + index // 6, of_year.get(region.id)))
    tiles += [Tile(r, r.grid_column, r.grid_row, of_year.get(r.id)) for r in placed]
    zones_by_year = [_year_zones(views, y, len(regions)) for y in sorted(years)]
    return Dashboard(
        province=province,
        year=year,
        years=years,
        tiles=sorted(tiles, key=lambda t: (t.row, t.column)),
        ranking=sorted(of_year.values(), key=lambda v: v.position),
        zones_by_year=zones_by_year,
        targets=[t for t in target_progress(province, views=views) if t.target.scope == "province"],
        regions=len(regions),
    )


@dataclass
class RegionProfile:
    region: Region
    history: list[AssessmentView]
    latest: AssessmentView | None
    targets: list[TargetProgress]
    record: RegionRecord
    years: list[int]


def region_profile(region: Region, year: int | None = None) -> RegionProfile:
    views = assessment_views(region.province)
    history = [v for v in views if v.region.id == region.id]
    return RegionProfile(
        region=region,
        history=history,
        latest=history[-1] if history else None,
        targets=target_progress(region.province, region=region, views=views),
        record=live_record(region, year),
        years=figure_years(region),
    )
