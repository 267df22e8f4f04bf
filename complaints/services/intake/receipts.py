"""The receipt (tanda terima) a reporter downloads after filing: the proof that the Ombudsman received the report.

It carries the tracking number, never the access key (a PDF gets forwarded; the key stays on the receipt page and in
the reporter's e-mail).
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from fpdf import FPDF

from complaints.i18n import format_long_date
from complaints.models import Complaint
from complaints.services.intake.tracking import TrackingView
from complaints.services.places.working_days import office_today

FONTS = Path(__file__).resolve().parents[2] / "fonts"


def new_document(title: str) -> FPDF:
    """An A4 document with the embedded Unicode font, ready for its first line."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    # DejaVu covers every Latin script character a name or address may hold (the PDF core fonts stop at Latin-1).
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_creator("Ombudsman RI")
    pdf.set_title(title)
    pdf.add_page()
    return pdf


def table(pdf: FPDF, headers: list[str], widths: list[float], rows, *, size: float = 7) -> None:
    """A bordered table: bold headers, then one line per row (values as text, empty for None)."""
    pdf.set_font("DejaVu", "B", 7)
    for header, width in zip(headers, widths, strict=True):
        pdf.cell(width, 6, header, border=1)
    pdf.ln()
    pdf.set_font("DejaVu", "", size)
    for row in rows:
        for value, width in zip(row, widths, strict=True):
            pdf.cell(width, 6 if size >= 8 else 5, "" if value is None else str(value), border=1)
        pdf.ln()


def receipt_pdf(view: TrackingView) -> bytes:
    complaint: Complaint = view.complaint
    pdf = new_document(_("Receipt of report %(number)s", number=complaint.tracking_number))
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 8, complaint.office.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5, complaint.office.city, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, _("RECEIPT OF A PUBLIC REPORT"), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(4)

    received = complaint.received_at
    rows = [
        (_("Tracking number"), complaint.tracking_number),
        (_("Received on"), format_long_date(office_today(complaint.office.timezone, now=received))),
        (_("Reporter"), complaint.reporter.full_name),
        (_("Reported unit"), complaint.unit.name),
        (_("Region"), complaint.region.name),
        (_("Date of the event"), format_long_date(complaint.event_date)),
        (_("Subject area"), complaint.substance_area.label_id),
        (_("Attachments"), str(len(complaint.attachments))),
        (_("Identity kept confidential"), _("yes") if complaint.confidential else _("no")),
    ]
    if view.next_date is not None:
        rows.append((_("Next step due by"), format_long_date(view.next_date.due_on)))
    pdf.set_font("DejaVu", "", 11)
    for label, value in rows:
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(60, 7, label)
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(
        0,
        5,
        _(
            "Keep this receipt. Follow your report with the tracking number and the access key you received on the "
            "receipt page and by e-mail. The Ombudsman first verifies the report; if documents are missing you will "
            "be told which and have 30 days to supply them. Filing a report is free of charge."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
