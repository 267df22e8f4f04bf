"""Data exchange with a region under an agreement: every case of the region with its stage, as CSV in our layout and
in SP4N-LAPOR!'s; no reporter in either; only the region's liaisons (while the agreement is active) and the office's
staff download them."""

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from complaints.extensions import db
from complaints.models import (
    Actor,
    Agreement,
    AgreementKind,
    CaseEvent,
    CaseStatus,
    Complaint,
    CorrectiveAction,
    Province,
    Region,
    RegionKind,
    Role,
)
from complaints.services.casework import clocks, examination, final_report, monitoring, verification
from complaints.services.portal import data_exchange, inbox
from tests import factories
from tests.casework import Staff
from tests.filing import PDF, file_complaint, upload

LAPOR_HEADER = [
    "Tracking ID",
    "Tanggal Laporan Masuk",
    "Waktu Laporan Masuk",
    "Nama Pelapor",
    "Klasifikasi Laporan",
    "ID Kategori",
    "Kategori",
    "Judul Laporan",
    "Isi Laporan Awal",
    "Isi Laporan Akhir",
    "Tipe Laporan (Anonim/Rahasia)",
    "Sumber Laporan",
    "Instansi Induk",
    "ID Instansi Terdisposisi",
    "Instansi Terdisposisi",
    "Status Laporan",
    "Alasan Tunda/Arsip",
    "Provinsi",
    "Kota/Kabupaten",
    "Kecamatan",
    "Kelurahan",
    "Nomor SK",
    "Url SK",
    "Url Dokumen Laporan Tahunan",
    "Laporan yang Masuk melalui Kanal Aduan Setwapres",
    "Rating",
]


def filed(client, **filing) -> Complaint:
    assert file_complaint(client, **filing).status_code == 302
    return db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))


def asked(staff: Staff, case: Complaint) -> Complaint:
    """Examined, with a clarification request to the unit: the case has been brought to the region."""
    staff.examine(case)
    examination.request_clarification(case, "Mengapa KTP belum terbit?", by=staff.examiner)
    db.session.commit()
    return case


def logged_in(app, user):
    client = app.test_client()
    factories.login(client, user)
    return client


def table(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode()), "UTF-8 with a byte-order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def joined(chunks) -> bytes:
    return b"".join(chunks)


def move_event(case: Complaint, event_type: str, when: datetime, *, nth: int = 0) -> None:
    """Date an event back (the history's hash chain is not under test here)."""
    event = db.session.scalars(
        select(CaseEvent).where(CaseEvent.complaint_id == case.id, CaseEvent.type == event_type).order_by(CaseEvent.seq)
    ).all()[nth]
    db.session.execute(update(CaseEvent).where(CaseEvent.id == event.id).values(occurred_at=when))
    db.session.commit()


def test_rows_follow_each_case_of_the_region_through_its_stages(app, client, people):
    staff, head, _liaison = people
    received = filed(client)

    examined = staff.examine(filed(client))
    request = examination.request_clarification(examined, "Mengapa KTP belum terbit?", by=staff.examiner)
    db.session.commit()
    inbox.answer_request(request, "Blangko tiba pekan depan.", [], by=head)
    examination.assign_examiner(examined, staff.examiner, by=staff.supervisor)  # again: the stage does not restart
    db.session.commit()

    monitored = staff.ready_for_final_report(filed(client, evidence=[upload(PDF, "bukti.pdf")]))
    staff.find_maladministration(
        monitored,
        final_report.PlannedAction("unit", "Kepala Disdukcapil", "Terbitkan KTP"),
        final_report.PlannedAction("unit", "Kepala Disdukcapil", "Perbaiki standar pelayanan"),
    )
    first_action = db.session.scalars(
        select(CorrectiveAction).where(CorrectiveAction.complaint_id == monitored.id).order_by(CorrectiveAction.id)
    ).first()
    monitoring.record_verdict(first_action, "implemented", "Terbukti", by=staff.examiner)
    db.session.commit()

    rejected = filed(client)
    verification.reject(rejected, "bukan_kewenangan", "Bukan kewenangan", by=staff.supervisor)
    db.session.commit()

    baubau = factories.unit("74.72")
    elsewhere = filed(client, region_id=str(baubau.region_id), unit_id=str(baubau.id))

    # Date the examined case's history: filed 10 days ago, registered 6, examiner assigned 4 and again 1 day ago.
    now = datetime.now(UTC)
    for event_type, days, nth in (
        ("filed", 10, 0),
        ("registered", 6, 0),
        ("examiner_assigned", 4, 0),
        ("examiner_assigned", 1, 1),
    ):
        move_event(examined, event_type, now - timedelta(days=days), nth=nth)

    region = factories.region("74.71")
    today = clocks.case_today(received)
    # The region gets the cases brought to it: a clarification request (examined), a corrective action for the
    # unit (monitored); not a report still being verified or rejected before any request (the portal's rule).
    brought = [row.tracking_number for row in data_exchange.region_rows(region, batch_size=2)]
    assert brought == [examined.tracking_number, monitored.tracking_number]
    rows = {row.tracking_number: row for row in data_exchange.region_rows(region, every_case=True, batch_size=2)}
    assert set(rows) == {c.tracking_number for c in (received, examined, monitored, rejected)}
    assert elsewhere.tracking_number not in rows

    row = rows[received.tracking_number]
    assert (row.status, row.registration_number, row.stage_since, row.received_on) == (
        CaseStatus.RECEIVED,
        None,
        today,
        today,
    )
    verification_clock = clocks.running_clock(received, "verification")
    assert (row.next_due_on, row.next_due_actor, row.next_due_clock) == (
        verification_clock.due_on,
        Actor.OMBUDSMAN,
        "verification",
    )
    assert row.clarification_requests == row.corrective_actions == 0 and row.closed_on is None

    row = rows[examined.tracking_number]
    assert row.status is CaseStatus.EXAMINATION and row.registration_number == examined.registration_number
    assert row.stage_since == (now - timedelta(days=4)).astimezone(ZoneInfo("Asia/Makassar")).date()
    assert (row.clarification_requests, row.clarifications_answered, row.clarifications_answered_on_time) == (1, 1, 1)
    assert row.registered_on == today

    row = rows[monitored.tracking_number]
    assert row.status is CaseStatus.CORRECTIVE_MONITORING and row.stage_since == today
    assert (row.corrective_actions, row.corrective_actions_implemented) == (2, 1)
    assert row.next_due_actor is Actor.SERVICE_UNIT and row.next_due_clock == "corrective_action"

    row = rows[rejected.tracking_number]
    assert (row.status, row.closure_reason_code, row.closed_on, row.stage_since) == (
        CaseStatus.CLOSED,
        "bukan_kewenangan",
        today,
        today,
    )
    assert row.next_due_on is None

    # The same rows as CSV, in the visitor's language (Indonesian by default), the oldest case first.
    assert [line[0] for line in table(joined(data_exchange.region_csv(region)))[1:]] == [
        c.registration_number for c in (examined, monitored)
    ]
    lines = table(joined(data_exchange.region_csv(region, every_case=True, batch_size=2)))
    header, body = lines[0], lines[1:]
    assert header == data_exchange.region_headers() and header[0] == "Nomor registrasi" and "Nomor lacak" not in header
    assert [line[0] for line in body] == [
        c.registration_number or "" for c in (received, examined, monitored, rejected)
    ]
    assert not any(
        c.tracking_number in joined_text
        for c in (received, examined, monitored, rejected)
        for joined_text in [str(lines)]
    )
    examined_line = dict(zip(header, body[1], strict=True))
    assert examined_line["Nomor registrasi"] == examined.registration_number
    assert (
        "Pemeriksaan" in body[1]
        and (now - timedelta(days=4)).astimezone(ZoneInfo("Asia/Makassar")).date().isoformat() in body[1]
    )
    assert "Bukan kewenangan Ombudsman" in body[3] and today.isoformat() in body[3]


def test_the_lapor_layout_has_lapor_columns_in_order(app, client, people):
    staff, _head, liaison = people
    case = asked(staff, filed(client))
    region = factories.region("74.71")
    lines = table(joined(data_exchange.lapor_csv(region)))
    assert lines[0] == LAPOR_HEADER
    line = dict(zip(LAPOR_HEADER, lines[1], strict=True))
    assert line["Tracking ID"] == case.registration_number
    assert line["Tanggal Laporan Masuk"] == clocks.case_today(case).isoformat()
    assert line["Klasifikasi Laporan"] == "Pengaduan"
    assert line["Instansi Terdisposisi"] == case.unit.name and line["Kota/Kabupaten"] == "Kota Kendari"
    assert line["Provinsi"] == "Sulawesi Tenggara" and line["Status Laporan"] == "Pemeriksaan"
    for empty in ("Nama Pelapor", "Judul Laporan", "Isi Laporan Awal", "Isi Laporan Akhir", "ID Kategori"):
        assert line[empty] == "", empty

    # An English-speaking visitor gets our layout in English, the LAPOR! layout still in Indonesian.
    english = logged_in(app, liaison)
    english.get("/bahasa/en")
    ours = table(english.get("/wilayah-saya/pertukaran-data.csv").data)
    assert ours[0][:2] == ["Registration number", "Case type"] and "Examination" in ours[1]
    assert ours[1][5] == "Civil registration" and line["Kategori"] == "Administrasi kependudukan"
    lapor = table(english.get("/wilayah-saya/pertukaran-data-lapor.csv").data)
    assert lapor[0] == LAPOR_HEADER and lapor[1] == lines[1]


def test_no_reporter_appears_in_either_file(app, client, people):
    staff, _head, liaison = people
    secret_case = asked(
        staff,
        filed(
            client,
            confidential="y",
            full_name="Zulaikha Rahmawati",
            nik="7471019912880042",
            birth_place="Lasusua",
            address="Jl. Melati Rahasia No. 7",
            phone="0813 9999 1111",
            email="zulaikha.rahasia@example.org",
            chronology="Saya Zulaikha Rahmawati, rumah saya di Jl. Melati Rahasia No. 7, KTP saya belum terbit.",
            expectation="Tolong hubungi Zulaikha di 0813 9999 1111.",
        ),
    )
    open_case = asked(
        staff,
        filed(
            client,
            full_name="Bahrun Lamaindo",
            nik="7471010505750003",
            phone="0852 1234 0000",
            email="bahrun@example.org",
            address="Jl. Terbuka No. 9",
        ),
    )
    secrets = []
    for case in (secret_case, open_case):
        identity = case.reporter
        secrets += [identity.full_name, identity.nik, identity.phone, identity.email, identity.address]
        secrets += [identity.phone.replace(" ", ""), case.chronology, case.expectation]
    secrets += ["Zulaikha", "Melati Rahasia", "zulaikha", "Bahrun"]
    downloads = {
        "liaison": logged_in(app, liaison),
        "officer": logged_in(app, staff.examiner),
    }
    paths = {
        "liaison": ["/wilayah-saya/pertukaran-data.csv", "/wilayah-saya/pertukaran-data-lapor.csv"],
        "officer": ["/kantor/wilayah/74.71/pertukaran-data.csv", "/kantor/wilayah/74.71/pertukaran-data-lapor.csv"],
    }
    for who, http in downloads.items():
        for path in paths[who]:
            response = http.get(path)
            assert response.status_code == 200, (who, path)
            text = response.data.decode("utf-8-sig")
            assert secret_case.registration_number in text and open_case.registration_number in text
            assert secret_case.tracking_number not in text and open_case.tracking_number not in text
            for secret in secrets:
                assert secret not in text, (who, path, secret)
    # Nor when the Ombudsman reads every case of the region (the same rows, more of them).
    region = factories.region("74.71")
    for chunks in (data_exchange.region_csv(region, every_case=True), data_exchange.lapor_csv(region, every_case=True)):
        text = joined(chunks).decode("utf-8-sig")
        assert secret_case.registration_number in text
        assert not any(secret in text for secret in secrets)
    # The confidential case says only that the reporter asked for it.
    lapor = table(logged_in(app, liaison).get("/wilayah-saya/pertukaran-data-lapor.csv").data)
    by_id = {line[0]: dict(zip(LAPOR_HEADER, line, strict=True)) for line in lapor[1:]}
    assert by_id[secret_case.registration_number]["Tipe Laporan (Anonim/Rahasia)"] == "Rahasia"
    assert by_id[open_case.registration_number]["Tipe Laporan (Anonim/Rahasia)"] == ""


def test_a_liaison_downloads_the_region_while_its_agreement_is_active(app, client, people):
    staff, _head, liaison = people
    case = asked(staff, filed(client))
    not_yet = filed(client)  # still being verified: not the region's to see
    liaison_client = logged_in(app, liaison)
    response = liaison_client.get("/wilayah-saya/pertukaran-data.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "charset=utf-8" in response.headers["Content-Type"]
    assert response.headers["Content-Disposition"].startswith('attachment; filename="pertukaran-data-74.71-')
    assert response.headers["Cache-Control"] == "private, no-store"
    assert case.registration_number in response.data.decode("utf-8-sig")
    assert not_yet.tracking_number not in response.data.decode("utf-8-sig") and len(table(response.data)) == 2
    page = liaison_client.get("/wilayah-saya").get_data(as_text=True)
    assert "/wilayah-saya/pertukaran-data.csv" in page and "/wilayah-saya/pertukaran-data-lapor.csv" in page

    # Another region's liaison gets their own region, without Kendari's cases, and no office route.
    other = factories.user(Role.LIAISON, region=factories.region("74.72"))
    other_client = logged_in(app, other)
    own = other_client.get("/wilayah-saya/pertukaran-data.csv")
    assert own.status_code == 200 and case.registration_number not in own.data.decode("utf-8-sig")
    assert other_client.get("/kantor/wilayah/74.71/pertukaran-data.csv").status_code == 403

    # Once the agreement has ended: 404, and the page no longer offers the files.
    agreement = db.session.scalar(select(Agreement).where(Agreement.region_id == liaison.region_id))
    agreement.valid_to = agreement.valid_from
    db.session.commit()
    for path in ("/wilayah-saya/pertukaran-data.csv", "/wilayah-saya/pertukaran-data-lapor.csv"):
        assert liaison_client.get(path).status_code == 404, path
    assert "pertukaran-data" not in liaison_client.get("/wilayah-saya").get_data(as_text=True)


def test_office_staff_download_their_office_regions_only(app, client, people):
    staff, head, _liaison = people
    case = asked(staff, filed(client))
    officer = logged_in(app, staff.examiner)
    for path in ("/kantor/wilayah/74.71/pertukaran-data.csv", "/kantor/wilayah/74.71/pertukaran-data-lapor.csv"):
        response = officer.get(path)
        assert response.status_code == 200 and case.registration_number in response.data.decode("utf-8-sig"), path
    overview = officer.get("/kantor").get_data(as_text=True)
    assert "/kantor/wilayah/74.71/pertukaran-data.csv" in overview
    assert "/kantor/wilayah/74.71/pertukaran-data-lapor.csv" in overview
    assert logged_in(app, staff.supervisor).get("/kantor/wilayah/74.71/pertukaran-data.csv").status_code == 200
    assert (
        logged_in(app, factories.user(Role.ADMIN)).get("/kantor/wilayah/74.71/pertukaran-data.csv").status_code == 200
    )

    # Unknown region, a region of another province's office, a region without an active agreement: 404.
    province = Province(code="73", name="Sulawesi Selatan", timezone="Asia/Makassar")
    makassar = Region(code="73.71", name="Kota Makassar", kind=RegionKind.KOTA, province=province)
    db.session.add(
        Agreement(
            region=makassar,
            kind=AgreementKind.NOTA_KESEPAKATAN,
            signed_on=datetime(2024, 1, 1).date(),
            signatories="Uji",
            valid_from=datetime(2024, 1, 1).date(),
        )
    )
    db.session.commit()
    agreement = db.session.scalar(select(Agreement).where(Agreement.region_id == factories.region("74.71").id))
    agreement.valid_to = agreement.valid_from
    db.session.commit()
    for code in ("99.99", "73.71", "74.71"):
        for suffix in ("pertukaran-data.csv", "pertukaran-data-lapor.csv"):
            assert officer.get(f"/kantor/wilayah/{code}/{suffix}").status_code == 404, (code, suffix)

    # Neither a unit head nor a citizen reaches any of the files.
    paths = [
        "/wilayah-saya/pertukaran-data.csv",
        "/wilayah-saya/pertukaran-data-lapor.csv",
        "/kantor/wilayah/74.71/pertukaran-data.csv",
        "/kantor/wilayah/74.71/pertukaran-data-lapor.csv",
    ]
    for outsider in (head, factories.user(Role.CITIZEN)):
        outsider_client = logged_in(app, outsider)
        for path in paths:
            assert outsider_client.get(path).status_code in {403, 404}, (outsider.role, path)


def test_rows_are_read_in_one_statement_whatever_the_number_of_cases(app, client, people):
    """No query per case: reading the rows costs the same few statements for 2 cases as for 4."""
    from sqlalchemy import event

    staff, _head, _liaison = people
    region = factories.region("74.71")

    def statements() -> int:
        seen = []

        def count(*_args):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert joined(data_exchange.region_csv(region, batch_size=1))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    for _ in range(2):
        asked(staff, filed(client))
    few = statements()
    for _ in range(2):
        asked(staff, filed(client))
    assert statements() == few
    assert len(list(data_exchange.region_rows(region))) == 4
