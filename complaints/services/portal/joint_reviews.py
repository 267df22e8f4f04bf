"""The quarterly joint review under an agreement: for each unit of the region, its open clarification requests,
overdue items, and corrective actions with their verdicts, as PDF and XLSX. It names cases by their registration
number only: no reporter appears in it, confidential or not."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select

from complaints.extensions import db
from complaints.i18n import format_long_date
from complaints.labels import VERDICT_LABELS
from complaints.models import (
    Agreement,
    ClarificationRequest,
    ClarificationStatus,
    Clock,
    ClockStatus,
    Complaint,
    CorrectiveAction,
    JointReview,
    ServiceUnit,
    Verdict,
)
from complaints.services.core import uploads
from complaints.services.core.pdf import new_document, table
from complaints.services.places.working_days import office_today

#: Files of a replaced review, removed by the caller after its commit (see tasks/portal.py).
OBSOLETE_FILES = "reviews_obsolete_files"


def remove_obsolete_files() -> None:
    for path in db.session.info.pop(OBSOLETE_FILES, []):
        path.unlink(missing_ok=True)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def previous_quarter(day: date) -> str:
    year, quarter = day.year, (day.month - 1) // 3 + 1
    return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"


@dataclass(frozen=True)
class ReviewLine:
    unit: str
    case: str
    item: str
    due_on: date
    state: str


@dataclass(frozen=True)
class UnitSummary:
    unit: str
    open_requests: int
    overdue: int
    actions: int
    actions_implemented: int


def review_lines(agreement: Agreement, today: date) -> tuple[list[UnitSummary], list[ReviewLine]]:
    units = db.session.scalars(
        select(ServiceUnit).where(ServiceUnit.region_id == agreement.region_id).order_by(ServiceUnit.id)
    ).all()
    summaries, lines = [], []
    for unit in units:
        open_requests = overdue = actions = implemented = 0
        for request, clock, case in db.session.execute(
            select(ClarificationRequest, Clock, Complaint)
            .join(Clock, Clock.id == ClarificationRequest.clock_id)
            .join(Complaint, Complaint.id == ClarificationRequest.complaint_id)
            .where(ClarificationRequest.unit_id == unit.id, ClarificationRequest.status != ClarificationStatus.ANSWERED)
        ):
            late = clock.status is ClockStatus.BREACHED or clock.due_on < today
            open_requests += request.status is ClarificationStatus.OPEN
            overdue += late
            state = _("overdue") if late else _("open")
            lines.append(
                ReviewLine(
                    unit.name,
                    case.registration_number,
                    _("Clarification request %(round)d", round=request.round),
                    clock.due_on,
                    state,
                )
            )
        for action, clock, case in db.session.execute(
            select(CorrectiveAction, Clock, Complaint)
            .join(Clock, Clock.id == CorrectiveAction.clock_id)
            .join(Complaint, Complaint.id == CorrectiveAction.complaint_id)
            .where(Complaint.unit_id == unit.id)
        ):
            actions += 1
            implemented += action.verdict is Verdict.IMPLEMENTED
            late = clock.status is ClockStatus.BREACHED or (
                clock.status is ClockStatus.RUNNING and clock.due_on < today
            )
            overdue += late
            state = (
                str(VERDICT_LABELS[action.verdict.value]) if action.verdict else (_("overdue") if late else _("open"))
            )
            lines.append(ReviewLine(unit.name, case.registration_number, _("Corrective action"), clock.due_on, state))
        summaries.append(UnitSummary(unit.name, open_requests, overdue, actions, implemented))
    return summaries, lines


def _pdf(agreement: Agreement, period: str, summaries, lines, today: date) -> bytes:
    pdf = new_document(_("Joint review %(period)s", period=period))
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(
        0,
        7,
        _("Joint review %(period)s: %(region)s", period=period, region=agreement.region.name),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        0,
        5,
        _(
            "Agreement signed on %(date)s. Situation on %(today)s.",
            date=format_long_date(agreement.signed_on),
            today=format_long_date(today),
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    table(
        pdf,
        [_("Service unit"), _("Open requests"), _("Overdue"), _("Corrective actions"), _("Implemented")],
        [78, 28, 22, 30, 22],
        [[s.unit[:48], s.open_requests, s.overdue, s.actions, s.actions_implemented] for s in summaries],
        size=8,
    )
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 6, _("Items"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    for line in lines:
        pdf.multi_cell(
            0,
            5,
            f"{line.unit} · {line.case} · {line.item} · {format_long_date(line.due_on)} · {line.state}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if not lines:
        pdf.multi_cell(0, 5, _("No open requests or corrective actions."), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _xlsx(period: str, summaries, lines) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Summary")[:31]
    sheet.append([_("Service unit"), _("Open requests"), _("Overdue"), _("Corrective actions"), _("Implemented")])
    for s in summaries:
        sheet.append([s.unit, s.open_requests, s.overdue, s.actions, s.actions_implemented])
    details = book.create_sheet(_("Items")[:31])
    details.append([_("Service unit"), _("Case"), _("Item"), _("Due"), _("Status")])
    for line in lines:
        details.append([line.unit, line.case, line.item, line.due_on, line.state])
        details.cell(row=details.max_row, column=4).number_format = "yyyy-mm-dd"
    for ws in (sheet, details):
        for cell in ws[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def build_review(agreement: Agreement, period: str, today: date | None = None, *, replace: bool = False) -> JointReview:
    """Build the review of ``period`` for the agreement's region (once, or anew with ``replace``: the earlier files
    go once the new ones are committed). Flushes; the caller commits. Files written by a transaction that rolls back
    (two builds at once) are removed again."""
    existing = db.session.scalar(
        select(JointReview).where(JointReview.agreement_id == agreement.id, JointReview.period == period)
    )
    if existing is not None and not replace:
        return existing
    if existing is not None:
        for kind in ("pdf", "xlsx"):
            db.session.info.setdefault(OBSOLETE_FILES, []).append(review_path(existing, kind))
        db.session.delete(existing)
        db.session.flush()
    today = today or office_today(agreement.region.province.timezone)
    summaries, lines = review_lines(agreement, today)
    names = []
    for content in (_pdf(agreement, period, summaries, lines, today), _xlsx(period, summaries, lines)):
        name = secrets.token_hex(16)
        path = uploads.upload_folder() / name
        path.write_bytes(content)
        uploads.remember_written(path)
        names.append(name)
    review = JointReview(agreement_id=agreement.id, period=period, pdf_name=names[0], xlsx_name=names[1])
    db.session.add(review)
    db.session.flush()
    return review


def build_quarterly_reviews(today: date | None = None) -> int:
    """Beat's quarterly job: the previous quarter's review for every region with an active agreement."""
    built = 0
    for agreement in db.session.scalars(select(Agreement)):
        day = today or office_today(agreement.region.province.timezone)
        if not agreement.is_active(day):
            continue
        period = previous_quarter(day)
        if db.session.scalar(
            select(JointReview.id).where(JointReview.agreement_id == agreement.id, JointReview.period == period)
        ):
            continue
        build_review(agreement, period, day)
        db.session.commit()
        built += 1
    return built


def review_path(review: JointReview, kind: str):
    name = review.pdf_name if kind == "pdf" else review.xlsx_name
    if len(name) != 32 or not all(ch in "0123456789abcdef" for ch in name):
        raise ValueError("invalid stored name")
    return uploads.upload_folder() / name


def current_review(agreement_id: int, period: str) -> JointReview | None:
    return db.session.scalar(
        select(JointReview).where(JointReview.agreement_id == agreement_id, JointReview.period == period)
    )
