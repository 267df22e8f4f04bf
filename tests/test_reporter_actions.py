"""After filing: the reporter supplies documents, answers the notice, withdraws, and rates the outcome."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import CaseEvent, CaseStatus, Clock, ClockStatus, Complaint, OutboxMessage, Role, User
from complaints.services.casework import clocks, verification
from complaints.services.core.errors import RuleError
from complaints.services.places.working_days import add_days
from tests import factories
from tests.casework import Staff
from tests.filing import EXE, PDF, file_complaint, upload
from tests.mail import delivered_text


@pytest.fixture
def filed(client, seeded):
    """A report filed by an anonymous visitor whose browser session holds its access."""
    assert file_complaint(client).status_code == 302
    return db.session.scalar(select(Complaint))


def clock(complaint, kind):
    return db.session.scalar(select(Clock).where(Clock.complaint_id == complaint.id, Clock.kind == kind))


def test_documents_requested_then_supplied_moves_the_clocks(client, filed):
    officer = factories.user(Role.OFFICER)
    before_due = clock(filed, "verification").due_on
    verification.request_documents(filed, "Fotokopi bukti pengaduan ke Disdukcapil", by=officer)
    db.session.commit()
    complaint = db.session.get(Complaint, filed.id)
    assert complaint.status is CaseStatus.DOCUMENTS_REQUESTED
    paused = clock(complaint, "verification")
    assert paused.status is ClockStatus.PAUSED and paused.remaining_days == 14
    completion = clock(complaint, "completion")
    assert completion.days == 30 and completion.day_type.value == "calendar"
    assert completion.due_on == completion.start_on + timedelta(days=30)
    page = client.get(f"/lacak/{complaint.tracking_number}").get_data(as_text=True)
    assert "Menunggu kelengkapan dokumen dari Anda" in page and "Fotokopi bukti pengaduan" in page
    assert "Anda (pelapor)" in page  # the next date is the reporter's

    refused = client.post(f"/lacak/{complaint.tracking_number}/dokumen", data={"documents": upload(EXE, "bukti.pdf")})
    assert refused.status_code == 422 and db.session.get(Complaint, filed.id).status is CaseStatus.DOCUMENTS_REQUESTED
    response = client.post(
        f"/lacak/{complaint.tracking_number}/dokumen",
        data={"documents": [upload(PDF, "bukti.pdf")], "note": "Terlampir"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    complaint = db.session.get(Complaint, filed.id)
    assert complaint.status is CaseStatus.VERIFICATION
    assert clock(complaint, "completion").status is ClockStatus.MET
    resumed = clock(complaint, "verification")
    assert resumed.status is ClockStatus.RUNNING
    assert resumed.due_on == max(before_due, add_days(clocks.case_today(complaint), 14, "working"))
    assert [a.kind.value for a in complaint.attachments].count("supplement") == 1
    types = [e.type for e in db.session.scalars(select(CaseEvent).order_by(CaseEvent.seq))]
    assert types == ["filed", "documents_requested", "documents_supplied"]


def test_documents_cannot_be_supplied_unless_asked(client, filed):
    response = client.post(
        f"/lacak/{filed.tracking_number}/dokumen",
        data={"documents": [upload(PDF, "x.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "tidak sedang meminta dokumen" in response.get_data(as_text=True)
    assert len(db.session.get(Complaint, filed.id).attachments) == 1


def test_withdrawal_closes_the_report_and_stops_the_clocks(client, filed):
    refused = client.post(f"/lacak/{filed.tracking_number}/cabut", data={"reason": "Sudah selesai"})
    assert refused.status_code == 422  # the confirmation box is required
    response = client.post(
        f"/lacak/{filed.tracking_number}/cabut", data={"reason": "Sudah diselesaikan", "confirm": "y"}
    )
    assert response.status_code == 302
    complaint = db.session.get(Complaint, filed.id)
    assert complaint.status is CaseStatus.CLOSED and complaint.closure_reason_code == "dicabut_pelapor"
    assert complaint.closed_at is not None and complaint.closure_note == "Sudah diselesaikan"
    assert clock(complaint, "verification").status is ClockStatus.CANCELLED
    kinds = [m.kind for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert kinds == ["complaint_receipt", "complaint_withdrawn"]
    page = client.get(f"/lacak/{complaint.tracking_number}").get_data(as_text=True)
    assert "Selesai" in page and "Dicabut oleh pelapor" in page
    again = client.post(f"/lacak/{filed.tracking_number}/cabut", data={"reason": "lagi", "confirm": "y"})
    assert again.status_code == 422


def test_rating_only_once_and_only_when_closed(client, filed):
    early = client.post(f"/lacak/{filed.tracking_number}/nilai", data={"rating": "5"})
    assert early.status_code == 422 and db.session.get(Complaint, filed.id).rating is None
    staff = Staff()
    verification.record_checks(filed, {}, by=staff.supervisor)
    verification.reject(filed, "bukan_kewenangan", "Bukan kewenangan Ombudsman.", by=staff.supervisor)
    db.session.commit()
    for bad in ("0", "6", "abc", ""):
        assert client.post(f"/lacak/{filed.tracking_number}/nilai", data={"rating": bad}).status_code == 422
    assert (
        client.post(f"/lacak/{filed.tracking_number}/nilai", data={"rating": "4", "comment": "Cepat"}).status_code
        == 302
    )
    complaint = db.session.get(Complaint, filed.id)
    assert (complaint.rating, complaint.rating_comment) == (4, "Cepat")
    assert client.post(f"/lacak/{filed.tracking_number}/nilai", data={"rating": "1"}).status_code == 422
    assert db.session.get(Complaint, filed.id).rating == 4


def test_answering_the_notice_before_the_final_report(client, filed):
    refused = client.post(f"/lacak/{filed.tracking_number}/tanggapan", data={"response": "Saya keberatan"})
    assert refused.status_code == 422
    complaint = Staff().notify(db.session.get(Complaint, filed.id))
    page = client.get(f"/lacak/{filed.tracking_number}").get_data(as_text=True)
    assert "Tanggapi kesimpulan Ombudsman" in page
    response = client.post(
        f"/lacak/{filed.tracking_number}/tanggapan",
        data={"response": "Saya punya bukti baru", "documents": [upload(PDF, "baru.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert clock(complaint, "pre_report_response").status is ClockStatus.MET
    event = db.session.scalar(select(CaseEvent).order_by(CaseEvent.seq.desc()))
    assert event.type == "notice_answered" and event.payload["response"] == "Saya punya bukti baru"


def test_request_documents_refuses_the_wrong_state(filed):
    officer = factories.user(Role.OFFICER)
    with pytest.raises(RuleError):
        verification.request_documents(filed, "   ", by=officer)
    filed.status = CaseStatus.EXAMINATION
    with pytest.raises(RuleError):
        verification.request_documents(filed, "KTP", by=officer)


def test_registered_citizen_sees_reports_filed_earlier_once_the_email_is_confirmed(app, client, seeded):
    file_complaint(client, email="budi@example.org")
    complaint = db.session.scalar(select(Complaint))
    citizen_client = app.test_client()
    citizen_client.post(
        "/daftar",
        data={
            "full_name": "Budi",
            "email": "budi@example.org",
            "password": "kendari-2026-ok",
            "confirm": "kendari-2026-ok",
        },
    )
    factories.login(
        citizen_client, db.session.scalar(select(User).where(User.email == "budi@example.org")), "kendari-2026-ok"
    )
    assert complaint.tracking_number not in citizen_client.get("/akun/laporan").get_data(as_text=True)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "email_verification"))
    link = re.search(r"https?://\S+/akun/verifikasi/\S+", delivered_text(message)).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    # Opening the link needs the account's own session: someone else's browser is sent to sign in, and
    # another account gets nothing.
    stranger = app.test_client()
    assert stranger.get("/" + path).headers["Location"].startswith("/masuk")
    other = factories.user(Role.CITIZEN)
    factories.login(stranger, other)
    stranger.get("/" + path)
    assert db.session.get(User, other.id).email_verified_at is None
    assert complaint.tracking_number not in stranger.get("/akun/laporan").get_data(as_text=True)
    assert citizen_client.get("/" + path).status_code == 302
    assert complaint.tracking_number in citizen_client.get("/akun/laporan").get_data(as_text=True)
    assert citizen_client.get(f"/lacak/{complaint.tracking_number}").status_code == 200
    # A forged or altered link does nothing.
    assert citizen_client.get("/akun/verifikasi/" + path.rsplit("/", 1)[1][:-2] + "xx").status_code == 302


def test_a_withdrawn_report_cannot_be_rated(client, filed):
    client.post(f"/lacak/{filed.tracking_number}/cabut", data={"reason": "Selesai", "confirm": "y"})
    response = client.post(f"/lacak/{filed.tracking_number}/nilai", data={"rating": "5"})
    assert response.status_code == 422 and db.session.get(Complaint, filed.id).rating is None


def test_documents_supplied_later_are_bounded(app, client, filed):
    verification.request_documents(filed, "Bukti", by=factories.user(Role.OFFICER))
    db.session.commit()
    too_many = client.post(
        f"/lacak/{filed.tracking_number}/dokumen",
        data={"documents": [upload(PDF, f"b{i}.pdf") for i in range(6)]},
        content_type="multipart/form-data",
    )
    assert too_many.status_code == 422 and len(db.session.get(Complaint, filed.id).attachments) == 1


def test_the_notice_is_answered_once(client, filed):
    Staff().notify(db.session.get(Complaint, filed.id))
    first = client.post(f"/lacak/{filed.tracking_number}/tanggapan", data={"response": "Tanggapan"})
    second = client.post(f"/lacak/{filed.tracking_number}/tanggapan", data={"response": "Lagi"})
    assert (first.status_code, second.status_code) == (302, 422)
