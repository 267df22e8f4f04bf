"""The receipt (tanda terima) a reporter downloads after filing: the proof that the Ombudsman received the report.

It carries the tracking number, never the access key (a PDF gets forwarded; the key stays on the receipt page and in
the reporter's e-mail).
"""

from __future__ import annotations

from flask_babel import gettext as _

from complaints.i18n import format_long_date
from complaints.models import Complaint
from complaints.services.core.pdf import new_document
from complaints.services.intake.tracking import TrackingView
from complaints.services.places.working_days import office_today


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
