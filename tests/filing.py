"""Building filing-form submissions and files for the tests."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pikepdf
from PIL import Image
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Complaint, Region, ServiceUnit, UnitKind


def image_bytes(fmt: str = "PNG", size=(40, 24), **save) -> bytes:
    """A real image (uploads are decoded and encoded again, so a bare signature no longer passes)."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt, **save)
    return out.getvalue()


def pdf_bytes(**catalog) -> bytes:
    """A real one-page PDF; ``catalog`` adds entries to its document catalogue (hostile ones in the tests)."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    for key, value in catalog.items():
        pdf.Root[f"/{key}"] = pdf.make_indirect(value) if isinstance(value, pikepdf.Dictionary) else value
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


PNG = image_bytes("PNG")
PDF = pdf_bytes()
JPEG = image_bytes("JPEG")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64


def upload(content: bytes = PNG, name: str = "ktp.png"):
    return (io.BytesIO(content), name)


def kendari_disdukcapil() -> ServiceUnit:
    return db.session.scalar(
        select(ServiceUnit)
        .join(ServiceUnit.region)
        .where(Region.code == "74.71", ServiceUnit.kind == UnitKind.DISDUKCAPIL)
    )


def form_data(**overrides) -> dict:
    """A complete, valid filing against Kota Kendari's Disdukcapil; override any field."""
    unit = kendari_disdukcapil()
    data = {
        "full_name": "Siti Rahma",
        "nik": "7471010101900001",
        "birth_place": "Kendari",
        "birth_date": "1990-01-01",
        "marital_status": "kawin",
        "occupation": "Pedagang",
        "address": "Jl. Ahmad Yani No. 1, Kendari",
        "phone": "0812 3456 7890",
        "email": "siti@example.org",
        "region_id": str(unit.region_id),
        "unit_id": str(unit.id),
        "event_date": (date.today() - timedelta(days=30)).isoformat(),
        "chronology": "Saya mengurus KTP elektronik sejak tiga bulan lalu dan belum selesai tanpa penjelasan.",
        "complained_to_unit": "yes",
        "prior_complaint_date": (date.today() - timedelta(days=20)).isoformat(),
        "prior_complaint_channel": "langsung",
        "prior_complaint_response": "Diminta menunggu tanpa kepastian.",
        "expectation": "KTP elektronik saya segera diterbitkan.",
        "substance_area_code": "administrasi_kependudukan",
        "suspected_form_code": "penundaan_berlarut",
        "id_card": upload(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def file_complaint(client, **overrides):
    return client.post("/lapor", data=form_data(**overrides), content_type="multipart/form-data")


def filed_against(client, unit: ServiceUnit, **overrides) -> Complaint:
    """File a report against ``unit`` through the form and return it."""
    response = file_complaint(client, region_id=str(unit.region_id), unit_id=str(unit.id), **overrides)
    assert response.status_code == 302
    return db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))


def receipt_codes(page: str) -> tuple[str, str]:
    """The tracking number and the access key as the receipt page shows them (once, right after filing)."""
    number = re.search(r'id="tracking-number"[^>]*>([0-9A-Z-]+)<', page).group(1)
    key = re.search(r'id="access-key"[^>]*>([0-9A-Z-]+)<', page).group(1)
    return number, key
