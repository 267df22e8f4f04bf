"""Citizens file a report: everything in one transaction, a receipt, and nothing written on bad input."""

import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import current_app
from pypdf import PdfReader
from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import (
    Attachment,
    CaseEvent,
    CaseStatus,
    Clock,
    ClockStatus,
    Complaint,
    OutboxMessage,
    OutboxStatus,
    ReporterIdentity,
    Role,
)
from complaints.services.casework import clocks
from complaints.services.places.working_days import add_days, office_today
from tests import factories
from tests.filing import EXE, JPEG, PDF, PNG, file_complaint, form_data, receipt_codes, upload


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def nothing_written(upload_folder_before: set[str]) -> bool:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    now = {p.name for p in folder.glob("*")} if folder.exists() else set()
    return (
        count(Complaint) == 0
        and count(ReporterIdentity) == 0
        and count(Attachment) == 0
        and count(CaseEvent) == 0
        and count(Clock) == 0
        and count(OutboxMessage) == 0
        and now == upload_folder_before
    )


def stored_files() -> set[str]:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    return {p.name for p in folder.glob("*")} if folder.exists() else set()


def test_filing_writes_the_complaint_with_its_history_clock_and_notification(client, seeded):
    response = file_complaint(client, evidence=[upload(PDF, "surat.pdf"), upload(JPEG, "foto.jpg")])
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    complaint = db.session.scalar(select(Complaint))
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", complaint.tracking_number)
    assert response.headers["Location"] == f"/lapor/tanda-terima/{complaint.tracking_number}"
    assert complaint.status is CaseStatus.RECEIVED and complaint.office.code == "KDI"
    assert complaint.rule_set == "PO58-2023"
    assert complaint.reporter.nik == "7471010101900001" and complaint.reporter.email == "siti@example.org"
    assert sorted(a.kind.value for a in complaint.attachments) == ["evidence", "evidence", "id_card"]
    assert {a.content_type.value for a in complaint.attachments} == {"image/png", "application/pdf", "image/jpeg"}
    for attachment in complaint.attachments:
        path = Path(current_app.config["UPLOAD_FOLDER"]) / attachment.stored_name
        assert path.exists() and attachment.original_name not in attachment.stored_name
    event = db.session.scalar(select(CaseEvent))
    assert (event.type, event.seq, event.public) == ("filed", 1, True)
    clock = db.session.scalar(select(Clock))
    today = office_today(complaint.office.timezone)
    assert (clock.kind, clock.status, clock.days, clock.day_type.value) == (
        "verification",
        ClockStatus.RUNNING,
        14,
        "working",
    )
    assert clock.due_on == add_days(today, 14, "working")
    message = db.session.scalar(select(OutboxMessage))
    assert message.recipient == "siti@example.org" and complaint.tracking_number in message.subject
    assert message.status is OutboxStatus.SENT  # Celery is eager in the tests: delivered right after the commit


def test_receipt_shows_the_key_once_and_the_tracking_page_opens_with_it(app, client, seeded):
    file_complaint(client)
    complaint = db.session.scalar(select(Complaint))
    receipt = client.get(f"/lapor/tanda-terima/{complaint.tracking_number}").get_data(as_text=True)
    number, key = receipt_codes(receipt)
    assert number == complaint.tracking_number
    again = client.get(f"/lapor/tanda-terima/{complaint.tracking_number}").get_data(as_text=True)
    assert key not in again  # shown once
    # A new visitor (another browser) opens it with the number and the key, typed loosely.
    visitor = app.test_client()
    assert visitor.get(f"/lacak/{number}").status_code == 404
    opened = visitor.post(
        "/lacak", data={"tracking_number": number.lower().replace("-", " "), "access_key": key.lower()}
    )
    assert opened.status_code == 302 and opened.headers["Location"] == f"/lacak/{number}"
    page = visitor.get(f"/lacak/{number}").get_data(as_text=True)
    assert "Sedang diverifikasi" in page and "Laporan diterima" in page
    assert "Tanggal penting berikutnya" in page and "Ombudsman" in page


def test_the_key_rides_to_the_receipt_sealed_not_readable_in_the_cookie(app, client, seeded):
    """Flask's session cookie is signed, not encrypted: whoever copies it may read it."""
    file_complaint(client)
    complaint = db.session.scalar(select(Complaint))
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    carried = app.session_interface.get_signing_serializer(app).loads(cookie)
    receipt = client.get(f"/lapor/tanda-terima/{complaint.tracking_number}").get_data(as_text=True)
    _, key = receipt_codes(receipt)
    assert carried["just_filed"]["number"] == complaint.tracking_number
    assert key.replace("-", "") not in json.dumps(carried).replace("-", "").upper()


@pytest.mark.parametrize(
    ("number", "key"),
    [("right", "wrong"), ("wrong", "right"), ("", ""), ("x" * 25, "y" * 40)],
)
def test_a_wrong_number_or_key_opens_nothing(app, client, seeded, number, key):
    file_complaint(client)
    complaint = db.session.scalar(select(Complaint))
    real_number = complaint.tracking_number
    _, real_key = receipt_codes(client.get(f"/lapor/tanda-terima/{real_number}").get_data(as_text=True))
    values = {"right": None, "wrong": "ZZZZ-ZZZZ-ZZZZ"}
    visitor = app.test_client()
    response = visitor.post(
        "/lacak",
        data={
            "tracking_number": real_number if number == "right" else values.get(number, number),
            "access_key": real_key if key == "right" else values.get(key, key),
        },
    )
    assert response.status_code == 422
    assert visitor.get(f"/lacak/{real_number}").status_code == 404


def test_another_citizen_gets_404_for_a_report_that_is_not_theirs(app, client, seeded):
    owner = factories.user(Role.CITIZEN)
    factories.login(client, owner)
    file_complaint(client, email=owner.email)
    complaint = db.session.scalar(select(Complaint))
    assert complaint.reporter_user_id == owner.id
    assert complaint.tracking_number in client.get("/akun/laporan").get_data(as_text=True)
    stranger = app.test_client()
    factories.login(stranger, factories.user(Role.CITIZEN))
    attachment = complaint.attachments[0]
    for path in (
        f"/lacak/{complaint.tracking_number}",
        f"/lacak/{complaint.tracking_number}/tanda-terima.pdf",
        f"/lacak/{complaint.tracking_number}/lampiran/{attachment.id}",
        f"/lapor/tanda-terima/{complaint.tracking_number}",
    ):
        assert stranger.get(path).status_code == 404, path
    assert (
        stranger.post(f"/lacak/{complaint.tracking_number}/cabut", data={"reason": "x", "confirm": "y"}).status_code
        == 404
    )
    assert complaint.tracking_number not in stranger.get("/akun/laporan").get_data(as_text=True)
    assert db.session.get(Complaint, complaint.id).status is CaseStatus.RECEIVED


def test_receipt_pdf_and_attachment_downloads(client, seeded):
    file_complaint(client, evidence=[upload(PDF, "surat keterangan.pdf")])
    complaint = db.session.scalar(select(Complaint))
    pdf = client.get(f"/lacak/{complaint.tracking_number}/tanda-terima.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert complaint.tracking_number in text and "TANDA TERIMA" in text and "Siti Rahma" in text
    evidence = next(a for a in complaint.attachments if a.kind.value == "evidence")
    download = client.get(f"/lacak/{complaint.tracking_number}/lampiran/{evidence.id}")
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "private, no-store"
    assert client.get(f"/lacak/{complaint.tracking_number}/lampiran/999999").status_code == 404


MARKUP = '<script>alert("x")</script><b onmouseover=alert(1)>'


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"full_name": ""}, "full_name", "wajib diisi"),
        ({"chronology": ""}, "chronology", "wajib diisi"),
        ({"complained_to_unit": None}, "complained_to_unit", "ya atau tidak"),
        ({"region_id": "0"}, "region_id", "Pilih wilayah"),
        ({"id_card": None}, "id_card", "salinan KTP"),
        ({"nik": "12345"}, "nik", "16 digit"),
        ({"nik": "74710101019000AB"}, "nik", "16 digit"),
        ({"nik": "74710101019000011"}, "nik", "16 digit"),
        ({"email": "bukan-email"}, "email", "nama@contoh.id"),
        ({"phone": "call me"}, "phone", "nomor telepon"),
        ({"event_date": (date.today() + timedelta(days=3)).isoformat()}, "event_date", "masa depan"),
        ({"birth_date": (date.today() + timedelta(days=3)).isoformat()}, "birth_date", "masa depan"),
        ({"event_date": "2024-02-30"}, "event_date", "tanggal"),
        ({"chronology": "x" * 100_000}, "chronology", "10000"),
        ({"id_card": upload(EXE, "ktp.pdf")}, "id_card", "bukan berkas PDF, JPEG, atau PNG"),
        ({"id_card": upload(PNG, "ktp.pdf")}, "id_card", "tidak sesuai"),
        ({"id_card": upload(PNG, "../../etc/ktp.png")}, "id_card", "folder"),
        ({"id_card": upload(PNG, "C:\\Users\\ktp.png")}, "id_card", "folder"),
        ({"id_card": upload(b"", "ktp.png")}, "id_card", "kosong"),
        ({"id_card": upload(b"%PDF-" + b"0" * (10 * 1024 * 1024), "ktp.pdf")}, "id_card", "10 MB"),
        ({"acts_for_other": "y"}, "principal_name", "Sebutkan nama"),
        ({"acts_for_other": "y", "principal_name": "Ibu Siti"}, "power_of_attorney", "surat kuasa"),
        ({"website": "http://spam.example"}, "website", "Kosongkan"),
        ({"substance_area_code": "bukan_bidang"}, "substance_area_code", "Pilihan tidak sah"),
        ({"marital_status": "poligami"}, "marital_status", "Pilihan tidak sah"),
        ({"complained_to_unit": "yes", "prior_complaint_date": ""}, "prior_complaint_date", "Sebutkan kapan"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(client, seeded, overrides, field, message):
    before = stored_files()
    response = file_complaint(client, **overrides)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error"[^>]*>(.*?)</div>', page, re.S)
    assert error, f"no error shown for {field}"
    assert message.lower() in error.group(1).lower(), error.group(1)
    assert nothing_written(before)


def test_unit_of_another_region_is_refused(client, seeded):
    data = form_data()
    from tests.factories import unit

    baubau_unit = unit("74.72")
    response = file_complaint(client, unit_id=str(baubau_unit.id), region_id=data["region_id"])
    assert response.status_code == 422 and 'id="unit_id-error"' in response.get_data(as_text=True)
    assert count(Complaint) == 0


def test_more_than_five_files_are_refused(client, seeded):
    before = stored_files()
    response = file_complaint(client, evidence=[upload(PDF, f"bukti{i}.pdf") for i in range(5)])
    assert response.status_code == 422 and 'id="evidence-error"' in response.get_data(as_text=True)
    assert nothing_written(before)


def test_markup_in_every_text_field_is_shown_back_as_text(client, seeded):
    text_fields = [
        "full_name",
        "birth_place",
        "occupation",
        "address",
        "chronology",
        "expectation",
        "prior_complaint_response",
    ]
    # Refused (bad NIK): every value comes back escaped in the form.
    refused = file_complaint(client, nik="1", **{name: MARKUP for name in text_fields}).get_data(as_text=True)
    assert MARKUP not in refused and "&lt;script&gt;" in refused
    # Accepted: the values are stored as typed and shown escaped.
    assert file_complaint(client, **{name: MARKUP for name in text_fields}).status_code == 302
    complaint = db.session.scalar(select(Complaint))
    assert complaint.chronology == MARKUP and complaint.reporter.full_name == MARKUP
    page = client.get(f"/lacak/{complaint.tracking_number}").get_data(as_text=True)
    assert "<script>alert" not in page and "<b onmouseover" not in page


def test_a_failure_after_files_were_written_leaves_nothing(app, client, seeded, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("clock service down")

    monkeypatch.setattr(clocks, "start_clock", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    before = stored_files()
    response = file_complaint(client, evidence=[upload(PDF, "bukti.pdf")])
    assert response.status_code == 500
    assert nothing_written(before)


def test_filing_is_rate_limited_per_address(client, seeded):
    codes = [file_complaint(client).status_code for _ in range(6)]
    assert codes == [302] * 5 + [429]


def test_old_event_and_no_prior_complaint_are_explained_but_accepted(client, seeded):
    form = client.get("/lapor").get_data(as_text=True)
    assert "dua tahun" in form and 'id="warning-too-old"' in form
    response = file_complaint(
        client,
        event_date="2020-01-15",
        complained_to_unit="no",
        prior_complaint_date=None,
        prior_complaint_channel=None,
    )
    assert response.status_code == 302
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "lebih dari dua tahun" in receipt and "belum mengadu" in receipt
    event = db.session.scalar(select(CaseEvent))
    assert event.payload["event_older_than_two_years"] and event.payload["no_prior_complaint"]


def test_confidentiality_and_kuasa_are_recorded(client, seeded):
    response = file_complaint(
        client,
        confidential="y",
        acts_for_other="y",
        principal_name="Ibu Siti",
        power_of_attorney=upload(PDF, "kuasa.pdf"),
        evidence=[upload(PDF, "bukti.pdf")],
        evidence_private="y",
    )
    assert response.status_code == 302
    complaint = db.session.scalar(select(Complaint))
    assert (
        complaint.confidential and complaint.reporter.acts_for_other and complaint.reporter.principal_name == "Ibu Siti"
    )
    assert all(a.private for a in complaint.attachments)


def test_the_unit_list_follows_the_region(client, seeded):
    page = client.get("/lapor").get_data(as_text=True)
    assert page.count("<optgroup") == 17
    assert 'data-region="' in page and "js/filing.js" in page


def test_filing_form_speaks_english_on_request(client, seeded):
    client.get("/bahasa/en")
    page = client.get("/lapor").get_data(as_text=True)
    assert "File a report with the Ombudsman" in page
    refused = file_complaint(client, nik="1").get_data(as_text=True)
    assert "The NIK has exactly 16 digits." in refused


def test_the_same_form_sent_twice_files_one_report(client, seeded):
    data = form_data(submission_key="a" * 32)
    first = client.post("/lapor", data=data, content_type="multipart/form-data")
    again = client.post("/lapor", data=form_data(submission_key="a" * 32), content_type="multipart/form-data")
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert count(Complaint) == 1 and count(OutboxMessage) == 1


def test_only_filed_reports_count_against_the_filing_limit(client, seeded):
    codes = [file_complaint(client, nik="1").status_code for _ in range(6)]
    codes += [file_complaint(client).status_code for _ in range(6)]
    assert codes == [422] * 6 + [302] * 5 + [429]
    page = file_complaint(client).get_data(as_text=True)
    assert "menit" in page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nik": "٧٤٧١٠١٠١٠١٩٠٠٠٠١"}, "nik"),  # Arabic-Indic digits are digits, but not a NIK
        ({"birth_date": (date.today() - timedelta(days=10)).isoformat()}, "birth_date"),  # born after the event
        ({"prior_complaint_date": "2020-01-01"}, "prior_complaint_date"),  # complained before it happened
        ({"id_card": upload(PNG, "ktp\u202egnp.exe")}, "id_card"),  # right-to-left override disguising a name
    ],
)
def test_implausible_values_are_refused(client, seeded, overrides, field):
    response = file_complaint(client, **overrides)
    assert response.status_code == 422 and f'id="{field}-error"' in response.get_data(as_text=True)
    assert count(Complaint) == 0


def test_files_must_be_attached_again_after_a_mistake_and_the_page_says_so(client, seeded):
    page = file_complaint(client, nik="1").get_data(as_text=True)
    assert "lampirkan kembali KTP" in page


def test_signing_out_and_locking_close_reports_opened_with_a_key(app, client, seeded):
    citizen = factories.user(Role.CITIZEN)
    factories.login(client, citizen)
    file_complaint(client, email="someone.else@example.org")
    complaint = db.session.scalar(select(Complaint))
    complaint.reporter_user_id = None  # filed for someone else: only the key opens it
    db.session.commit()
    assert client.get(f"/lacak/{complaint.tracking_number}").status_code == 200
    client.post("/keluar")
    assert client.get(f"/lacak/{complaint.tracking_number}").status_code == 404
    visitor = app.test_client()
    file_complaint(visitor, email="v@example.org")
    second = db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))
    assert visitor.post(f"/lacak/{second.tracking_number}/kunci").status_code == 302
    assert visitor.get(f"/lacak/{second.tracking_number}").status_code == 404
