"""Importing published assessment results from CSV or XLSX: the whole file is checked first, every bad row is
reported, and nothing is written unless the whole file is good.

Columns (header row, any order): year, region_code, score, and optionally zone, category, rank_province,
rank_national, source; one ``dimension_<code>`` column per dimension of the year's method (e.g.
``dimension_process``) and one ``unit_<kind>`` column per assessed kind of unit (``unit_dpmptsp``,
``unit_disdukcapil``, ``unit_dinas_pendidikan``, ``unit_dinas_sosial``, ``unit_dinas_kesehatan``, ``unit_puskesmas``:
the region's unit of that kind) for the parts' scores where the source gives them. A stated zone or category that
the year's band table contradicts is kept and flagged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Assessment, AssessmentDimension, AssessmentPart, Region, ServiceUnit
from complaints.models.compliance import ZONES
from complaints.security import plain_digits
from complaints.services.compliance.classification import classify
from complaints.services.places.working_days import DEFAULT_TIMEZONE, office_today

REQUIRED = ("year", "region_code", "score")
OPTIONAL = ("zone", "category", "rank_province", "rank_national", "source")
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    #: (row, region, year, what the source stated, what the band table gives)
    disagreements: list[tuple[int, str, int, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(filename: str, content: bytes) -> list[dict[str, str]]:
    """Rows as dictionaries of text, from a CSV (UTF-8) or an XLSX file's first sheet."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        rows = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    elif name.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        raise ValueError(_("Send a CSV or XLSX file."))
    if not rows:
        raise ValueError(_("The file is empty."))
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValueError(_("Missing columns: %(columns)s.", columns=", ".join(missing)))
    if len(rows) - 1 > MAX_ROWS:
        raise ValueError(_("At most %(n)d rows at a time.", n=MAX_ROWS))
    return [
        dict(zip(header, [c.strip() for c in row], strict=False)) for row in rows[1:] if any(c.strip() for c in row)
    ]


DIMENSION_PREFIX = "dimension_"
UNIT_PREFIX = "unit_"


def _decimal(text: str) -> Decimal | None:
    """A plain decimal number, with a point or a comma (no exponents, no signs)."""
    if not re.fullmatch(r"[0-9]{1,3}([.,][0-9]+)?", text):
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _score(text: str) -> Decimal | None:
    """A score from 0 to 100 with at most two decimals, or None."""
    value = _decimal(text)
    if value is None or not Decimal(0) <= value <= Decimal(100) or value != value.quantize(Decimal("0.01")):
        return None
    return value


#: Reports a row's bad value: (column, message).
_ReportBad = Callable[[str, str], None]


@dataclass(frozen=True)
class _Reference:
    """What rows are checked against, read once per file."""

    regions: dict[str, Region]
    #: The active unit of each kind in a region (the newest, if several).
    units: dict[tuple[int, str], ServiceUnit]
    #: The dimension codes of each year's method.
    dimensions: dict[int, set[str]]
    last_year: int


@dataclass(frozen=True)
class _CheckedRow:
    number: int
    year: int | None
    region: Region | None
    score: Decimal | None
    zone: str | None
    category: str | None
    ranks: dict[str, int | None]
    source: str | None
    parts: dict[tuple[str | None, int | None], Decimal]


def import_assessments(filename: str, content: bytes) -> ImportReport:
    """Check every row; write them all (added or updated) only if none is bad. Flushes; the caller commits."""
    report = ImportReport()
    try:
        rows = read_table(filename, content)
    except (ValueError, UnicodeDecodeError) as exc:
        report.errors.append(RowError(1, "", str(exc)))
        return report
    reference = _load_reference()
    seen: dict[tuple[str, int], int] = {}
    checked = [
        _check_row(number, row, reference, seen, report.errors)
        for number, row in enumerate(rows, start=2)  # row 1 is the header
    ]
    if report.errors:
        return report
    columns = set().union(*(row.keys() for row in rows))
    existing = {(a.region_id, a.year): a for a in db.session.scalars(select(Assessment))}
    for row in checked:
        assessment = existing.get((row.region.id, row.year))
        if assessment is None:
            assessment = Assessment(region=row.region, year=row.year)
            db.session.add(assessment)
            report.added += 1
        else:
            report.updated += 1
        _store(assessment, row, columns)
        _note_disagreement(report, row)
    db.session.flush()
    return report


def _load_reference() -> _Reference:
    regions = {r.code: r for r in db.session.scalars(select(Region))}
    # A plausibility bound on years, for a file that may span provinces: a day either way changes nothing.
    last_year = office_today(DEFAULT_TIMEZONE).year + 1
    units = {
        (u.region_id, u.kind.value): u
        for u in db.session.scalars(select(ServiceUnit).where(ServiceUnit.is_active).order_by(ServiceUnit.id.desc()))
    }
    dimensions: dict[int, set[str]] = {}
    for dim_year, code in db.session.execute(select(AssessmentDimension.year, AssessmentDimension.code)):
        dimensions.setdefault(dim_year, set()).add(code)
    return _Reference(regions=regions, units=units, dimensions=dimensions, last_year=last_year)


def _check_row(
    number: int, row: dict[str, str], reference: _Reference, seen: dict[tuple[str, int], int], errors: list[RowError]
) -> _CheckedRow:
    """One row's values, each bad one reported in ``errors`` (in the order of the columns' checks)."""

    def bad(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    last_year = reference.last_year
    year = int(row["year"]) if plain_digits(row.get("year", "")) else None
    if year is None or not 2015 <= year <= last_year:
        bad("year", _("A year from 2015 to %(last)d.", last=last_year))
    region = reference.regions.get(row.get("region_code", ""))
    if region is None:
        bad("region_code", _("Unknown region code."))
    score = _score(row.get("score", ""))
    if score is None:
        bad("score", _("A score from 0 to 100 with at most two decimals."))
    parts = _check_parts(row, year, region, reference, bad)
    zone = (row.get("zone") or "").lower() or None
    if zone is not None and zone not in ZONES:
        bad("zone", _("The zone is hijau, kuning or merah."))
    category = (row.get("category") or "").upper() or None
    if category is not None and category not in {"A", "B", "C", "D", "E"}:
        bad("category", _("The category is A, B, C, D or E."))
    ranks = _check_ranks(row, bad)
    if year is not None and region is not None:
        key = (region.code, year)
        if key in seen:
            bad("region_code", _("The same region and year as row %(row)d.", row=seen[key]))
        seen[key] = number
    if len(row.get("source") or "") > 2000:
        bad("source", _("At most %(n)d characters.", n=2000))
    return _CheckedRow(number, year, region, score, zone, category, ranks, row.get("source") or None, parts)


def _check_parts(
    row: dict[str, str], year: int | None, region: Region | None, reference: _Reference, bad: _ReportBad
) -> dict[tuple[str | None, int | None], Decimal]:
    """The row's part scores, keyed (dimension code, None) or (None, unit id)."""
    parts: dict[tuple[str | None, int | None], Decimal] = {}
    for column, text in row.items():
        if not text or not column.startswith((DIMENSION_PREFIX, UNIT_PREFIX)):
            continue
        if _score(text) is None:
            bad(column, _("A score from 0 to 100 with at most two decimals."))
        elif column.startswith(DIMENSION_PREFIX):
            code = column.removeprefix(DIMENSION_PREFIX)
            if year is not None and code not in reference.dimensions.get(year, ()):
                bad(column, _("The method of that year has no such dimension."))
            else:
                parts[(code, None)] = _score(text)
        elif region is not None:
            unit = reference.units.get((region.id, column.removeprefix(UNIT_PREFIX)))
            if unit is None:
                bad(column, _("The region has no active service unit of that kind."))
            else:
                parts[(None, unit.id)] = _score(text)
    return parts


def _check_ranks(row: dict[str, str], bad: _ReportBad) -> dict[str, int | None]:
    ranks = {}
    for column in ("rank_province", "rank_national"):
        text = row.get(column) or ""
        if text and (not plain_digits(text) or int(text) < 1):
            bad(column, _("A rank is a whole number from 1."))
        ranks[column] = int(text) if plain_digits(text) and int(text) >= 1 else None
    return ranks


def _store(assessment: Assessment, row: _CheckedRow, columns: set[str]) -> None:
    # A column the file does not have leaves the stored value alone; one it has (even empty) replaces it.
    assessment.score = row.score
    given = columns.__contains__
    if given("zone"):
        assessment.stated_zone = row.zone
    if given("category"):
        assessment.stated_category = row.category
    if given("rank_province"):
        assessment.rank_province = row.ranks["rank_province"]
    if given("rank_national"):
        assessment.rank_national = row.ranks["rank_national"]
    if given("source"):
        assessment.source = row.source
    if row.parts:  # the file's part scores replace the earlier ones
        assessment.parts = [
            AssessmentPart(dimension_code=code, unit_id=unit_id, score=value)
            for (code, unit_id), value in sorted(row.parts.items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or 0))
        ]


def _note_disagreement(report: ImportReport, row: _CheckedRow) -> None:
    """A stated zone or category that the year's band table contradicts is kept, and reported."""
    zone, category = row.zone, row.category
    result = classify(row.year, row.score)
    if result is not None and (
        (zone and zone != result.zone) or (category and result.category and category != result.category)
    ):
        stated = " ".join(filter(None, [zone, category]))
        computed = " ".join(filter(None, [result.zone, result.category]))
        report.disagreements.append((row.number, row.region.name, row.year, stated, computed))
