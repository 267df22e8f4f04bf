"""What every PDF the Ombudsman issues shares (receipts, letters, joint reviews, compliance reports): an A4 document
with the embedded Unicode font, and a plain bordered table."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

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
