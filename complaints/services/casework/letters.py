"""Letters the Ombudsman sends, as PDF. What leaves the Ombudsman never names a confidential reporter."""

from __future__ import annotations

from flask_babel import gettext as _

from complaints.i18n import format_long_date
from complaints.models import ClarificationRequest
from complaints.services.casework.notifications import reporter_label
from complaints.services.core.pdf import new_document


def clarification_letter_pdf(request: ClarificationRequest) -> bytes:
    case = request.complaint
    unit = case.unit
    pdf = new_document(_("Clarification request %(round)d", round=request.round))
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(0, 7, case.office.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5, case.office.city, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 11)
    rows = [
        (_("Number"), f"{case.registration_number}/KLAR-{request.round}"),
        (_("Date"), format_long_date(request.clock.start_on)),
        (_("To"), f"{unit.head_title}" + (f" ({unit.head_name})" if unit.head_name else "")),
        (
            _("Subject"),
            _("Request for clarification (%(round)s)", round=_("first") if request.round == 1 else _("second")),
        ),
        (_("Reporter"), reporter_label(case)),
        (_("Case"), case.registration_number or case.tracking_number),
    ]
    for label, value in rows:
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(35, 7, label)
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(
        0,
        6,
        _(
            "Under Law 37/2008 on the Ombudsman of the Republic of Indonesia, article 28, the Ombudsman asks for "
            "your written clarification on the following:"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.multi_cell(0, 6, request.questions, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(
        0,
        6,
        _("Please answer by %(date)s.", date=format_long_date(request.clock.due_on)),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        0, 5, _("Legal basis of the term: %(basis)s", basis=request.clock.legal_basis), new_x="LMARGIN", new_y="NEXT"
    )
    return bytes(pdf.output())
