"""The compliance figures as files: the province's table and a region's profile as CSV and XLSX. Public figures only:
assessment results, targets and the live record per unit; no case and no person appears in them."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from complaints.labels import TARGET_STATE_LABELS, ZONE_LABELS
from complaints.models import Province
from complaints.services.compliance.region_profiles import (
    AssessmentView,
    LiveRecord,
    RegionProfile,
    TargetProgress,
    assessment_views,
)

Table = tuple[str, list[str], list[list]]


def _percent(rate) -> float | None:
    return round(rate.share * 100, 1) if rate.share is not None else None


def _interval(rate) -> tuple[float | None, float | None]:
    interval = rate.interval
    return (round(interval[0] * 100, 1), round(interval[1] * 100, 1)) if interval else (None, None)


def _assessment_row(v: AssessmentView) -> list:
    a = v.assessment
    return [
        a.year,
        a.region.code,
        a.region.name,
        a.score,
        str(ZONE_LABELS[v.zone]) if v.zone else "",
        v.category or "",
        v.opinion or "",
        a.stated_zone or "",
        a.stated_category or "",
        v.rank_province,
        f"{v.position}/{v.published}",
        a.rank_national,
        "; ".join(f"{label}: {score}" for label, score in v.dimensions),
        "; ".join(f"{name}: {score}" for name, score, _c in v.units),
        a.source or "",
    ]


def _assessment_headers() -> list[str]:
    return [
        _("Year"),
        _("Region code"),
        _("Region"),
        _("Score"),
        _("Zone"),
        _("Category"),
        _("Opinion"),
        _("Zone stated by the source"),
        _("Category stated by the source"),
        _("Rank in the province (source)"),
        _("Place among published"),
        _("National rank"),
        _("Dimensions"),
        _("Service units in the assessment"),
        _("Source"),
    ]


def province_table(province: Province, year: int | None = None) -> Table:
    views = [v for v in assessment_views(province) if year is None or v.year == year]
    views.sort(key=lambda v: (-v.year, v.position))
    return _("Assessments"), _assessment_headers(), [_assessment_row(v) for v in views]


def _record_headers() -> list[str]:
    return [
        _("Service unit"),
        _("Rank"),
        _("Registered cases"),
        _("Closed"),
        _("Median days to close"),
        _("Clarification requests"),
        _("Answered on time"),
        _("Answered on time (%)"),
        _("Wilson lower bound (%)"),
        _("Wilson upper bound (%)"),
        _("Corrective actions"),
        _("Done on time"),
        _("Done on time (%)"),
        _("Wilson lower bound (%)"),
        _("Wilson upper bound (%)"),
        _("Recommendations"),
        _("Implemented"),
        _("Open overdue items"),
    ]


def _record_row(r: LiveRecord) -> list:
    return [
        r.name,
        r.rank,
        r.cases,
        r.closed,
        r.median_close_days,
        r.requests,
        r.answered_on_time,
        _percent(r.answers),
        *_interval(r.answers),
        r.actions,
        r.actions_on_time,
        _percent(r.corrective),
        *_interval(r.corrective),
        r.recommendations,
        r.recommendations_implemented,
        r.overdue_open,
    ]


def _target_row(t: TargetProgress) -> list:
    return [
        t.target.year,
        t.target.wording,
        t.target.set_on or "",
        t.target.set_by or "",
        str(TARGET_STATE_LABELS[t.state]),
        t.standing_year or "",
    ]


def profile_tables(profile: RegionProfile) -> list[Table]:
    record = profile.record
    period = str(record.year) if record.year else _("all years")
    return [
        (_("Assessments"), _assessment_headers(), [_assessment_row(v) for v in reversed(profile.history)]),
        (
            _("Targets"),
            [_("Year"), _("Target"), _("Set on"), _("Set by"), _("Progress"), _("Results of")],
            [_target_row(t) for t in profile.targets],
        ),
        (
            _("Live record %(period)s", period=period),
            _record_headers(),
            [_record_row(r) for r in record.units] + [_record_row(record.total)],
        ),
        (_("Forms"), [_("Suspected form of maladministration"), _("Registered cases")], record.forms),
        (_("Subject areas"), [_("Subject area"), _("Registered cases")], record.areas),
    ]


#: A text cell starting with one of these is taken for a formula by spreadsheet programs (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers and dates stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_csv(tables: list[Table]) -> bytes:
    """One table as it is; several as one long table, each row led by its table's name."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if len(tables) == 1:
        _title, headers, rows = tables[0]
        writer.writerow(headers)
        writer.writerows([safe_cell(v) for v in row] for row in rows)
    else:
        for title, headers, rows in tables:
            writer.writerow([_("Table"), *headers])
            writer.writerows([title, *(safe_cell(v) for v in row)] for row in rows)
            writer.writerow([])
    # A byte-order mark, so that spreadsheet programs read the UTF-8 names right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(tables: list[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in tables:
        sheet = book.create_sheet(title[:31])
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(list(row))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # stored as text: a spreadsheet shows it, never runs it
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
