"""The service units' portal: unit heads answer and report, liaisons follow their region; nobody sees a
confidential reporter, and nobody reaches another unit's or region's cases."""

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import (
    Agreement,
    ClarificationRequest,
    ClockStatus,
    Complaint,
    CorrectiveAction,
    DigestSent,
    OutboxMessage,
    Role,
    UnitKind,
)
from complaints.services.casework import clocks, examination, final_report, monitoring, sweep, verification
from complaints.services.compliance import live_figures
from complaints.services.portal import inbox
from complaints.tasks.portal import send_liaison_digests
from tests import factories
from tests.filing import PDF, file_complaint, upload


def examined_case(client, staff, **filing):
    assert file_complaint(client, evidence=[upload(PDF, "bukti.pdf")], **filing).status_code == 302
    case = db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))
    staff.examine(case)
    return case


def with_corrective_action(case, staff, head):
    """Answer the open request, notify, let the reporter agree, and issue a final report with one action."""
    from complaints.services.intake import reporter_actions

    for request in db.session.scalars(select(ClarificationRequest).where(ClarificationRequest.complaint_id == case.id)):
        if request.status.value == "open":
            inbox.answer_request(request, "Jawaban unit", [], by=head)
    examination.send_notice(case, "Kesimpulan", by=staff.examiner)
    reporter_actions.respond_to_notice(case, "Setuju", [])
    staff.find_maladministration(case, final_report.PlannedAction("unit", "Kepala Disdukcapil", "Terbitkan KTP"))
    return db.session.scalar(select(CorrectiveAction).where(CorrectiveAction.complaint_id == case.id))


def logged_in(app, user):
    client = app.test_client()
    factories.login(client, user)
    return client


def test_a_unit_head_answers_with_a_document_and_the_officer_sees_it(app, client, people):
    staff, head, _ = people
    case = examined_case(client, staff)
    request = examination.request_clarification(case, "Mengapa KTP belum terbit?", by=staff.examiner)
    db.session.commit()
    portal_client = logged_in(app, head)
    inbox = portal_client.get("/unit-saya").get_data(as_text=True)
    assert "Permintaan klarifikasi 1" in inbox and case.registration_number in inbox
    page = portal_client.get(f"/portal/permintaan/{request.id}").get_data(as_text=True)
    assert "Mengapa KTP belum terbit?" in page
    empty = portal_client.post(f"/portal/permintaan/{request.id}", data={"answer-text": ""})
    assert empty.status_code == 422
    answer = portal_client.post(
        f"/portal/permintaan/{request.id}",
        data={"answer-text": "Blangko KTP habis, tiba pekan depan.", "answer-documents": [upload(PDF, "surat.pdf")]},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    request = db.session.get(ClarificationRequest, request.id)
    assert request.status.value == "answered" and request.clock.status is ClockStatus.MET
    assert request.clock.met_on <= request.clock.due_on
    again = portal_client.post(f"/portal/permintaan/{request.id}", data={"answer-text": "Dua kali klik."})
    assert again.status_code == 422  # a second "answer" is refused, not stored as a supplement
    supplement = portal_client.post(
        f"/portal/permintaan/{request.id}",
        data={"answer-text": "Blangko sudah tiba.", "answer-mode": "supplement"},
        content_type="multipart/form-data",
    )
    assert supplement.status_code == 302
    officer_page = logged_in(app, staff.examiner).get(f"/kasus/{case.id}").get_data(as_text=True)
    assert "Blangko KTP habis, tiba pekan depan." in officer_page and "Blangko sudah tiba." in officer_page
    assert "surat.pdf" in officer_page
    assert (
        db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "unit_answer"))
        == 1
    )


def test_a_unit_head_reports_a_corrective_action_and_sees_the_verdict(app, client, people):
    staff, head, _ = people
    case = examined_case(client, staff)
    examination.send_notice(case, "Kesimpulan", by=staff.examiner)
    from complaints.services.intake import reporter_actions

    reporter_actions.respond_to_notice(case, "Setuju", [])
    staff.find_maladministration(case, final_report.PlannedAction("unit", "Kepala Disdukcapil", "Terbitkan KTP"))
    action = db.session.scalar(select(CorrectiveAction))
    portal_client = logged_in(app, head)
    assert "Tindakan korektif" in portal_client.get("/unit-saya").get_data(as_text=True)
    today = clocks.case_today(case)
    future = portal_client.post(
        f"/portal/tindakan/{action.id}",
        data={"report-text": "x", "report-done_on": (today + timedelta(days=2)).isoformat()},
    )
    assert future.status_code == 422
    done = portal_client.post(
        f"/portal/tindakan/{action.id}",
        data={
            "report-text": "KTP telah diterbitkan.",
            "report-done_on": today.isoformat(),
            "report-documents": [upload(PDF, "ktp-terbit.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    monitoring.record_verdict(db.session.get(CorrectiveAction, action.id), "implemented", "Terbukti", by=staff.examiner)
    db.session.commit()
    page = portal_client.get(f"/portal/tindakan/{action.id}").get_data(as_text=True)
    assert "KTP telah diterbitkan." in page and "dilaksanakan" in page and "Terbukti" in page


def test_reach_stops_at_the_unit_and_the_region(app, client, people):
    staff, head, liaison = people
    case = examined_case(client, staff)
    request = examination.request_clarification(case, "Pertanyaan", by=staff.examiner)
    db.session.commit()
    evidence = next(a for a in case.attachments if a.kind.value == "evidence")
    other_head = factories.user(Role.UNIT_HEAD, units=[factories.unit(kind=UnitKind.DPMPTSP)])
    other_liaison = factories.user(Role.LIAISON, region=factories.region("74.72"))
    paths = [
        f"/portal/permintaan/{request.id}",
        f"/portal/permintaan/{request.id}/surat.pdf",
        f"/portal/kasus/{case.id}/lampiran/{evidence.id}",
    ]
    for outsider in (other_head, other_liaison):
        outsider_client = logged_in(app, outsider)
        for path in paths:
            assert outsider_client.get(path).status_code == 404, (outsider.role, path)
        assert case.registration_number not in outsider_client.get(
            "/unit-saya" if outsider.role is Role.UNIT_HEAD else "/wilayah-saya"
        ).get_data(as_text=True)
    action = with_corrective_action(case, staff, head)
    paths.append(f"/portal/tindakan/{action.id}")
    for outsider in (other_head, other_liaison):
        assert logged_in(app, outsider).get(paths[-1]).status_code == 404
    for insider in (head, liaison):
        insider_client = logged_in(app, insider)
        for path in paths:
            assert insider_client.get(path).status_code == 200, (insider.role, path)
    # The ID card is never shown to a unit.
    id_card = next(a for a in case.attachments if a.kind.value == "id_card")
    assert logged_in(app, head).get(f"/portal/kasus/{case.id}/lampiran/{id_card.id}").status_code == 404
    # Without an active agreement the liaison follows nothing.
    agreement = db.session.scalar(select(Agreement).where(Agreement.region_id == liaison.region_id))
    agreement.valid_to = agreement.valid_from
    db.session.commit()
    assert logged_in(app, liaison).get(f"/portal/permintaan/{request.id}").status_code == 404


def test_no_page_or_document_a_unit_can_reach_names_a_confidential_reporter(app, client, people):
    staff, head, liaison = people
    case = examined_case(
        client,
        staff,
        confidential="y",
        evidence_private="y",
        full_name="Zulaikha Rahmawati",
        birth_place="Lasusua",
        address="Jl. Melati Rahasia No. 7",
        phone="0813 9999 1111",
        email="zulaikha@example.org",
    )
    request = examination.request_clarification(case, "Pertanyaan untuk unit", by=staff.examiner)
    db.session.commit()
    secrets = [
        case.reporter.full_name,
        case.reporter.nik,
        case.reporter.phone,
        case.reporter.email,
        case.reporter.address,
        case.reporter.birth_place,
    ]
    for user in (head, liaison):
        portal_client = logged_in(app, user)
        pages = [
            "/unit-saya" if user.role is Role.UNIT_HEAD else "/wilayah-saya",
            "/portal/rekap",
            f"/portal/permintaan/{request.id}",
        ]
        for path in pages:
            page = portal_client.get(path).get_data(as_text=True)
            for secret in secrets:
                assert secret not in page, (user.role, path, secret)
        assert "Pelapor (dirahasiakan)" in portal_client.get(f"/portal/permintaan/{request.id}").get_data(as_text=True)
        letter = portal_client.get(f"/portal/permintaan/{request.id}/surat.pdf").data
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(letter)).pages)
        assert "Pelapor (dirahasiakan)" in text and not any(secret in text for secret in secrets)
        for attachment in case.attachments:  # ID card and private evidence alike
            assert portal_client.get(f"/portal/kasus/{case.id}/lampiran/{attachment.id}").status_code == 404
    for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient.in_([head.email, liaison.email]))
    ):
        assert not any(secret in message.body for secret in secrets)


def test_a_liaison_forwards_an_item_to_a_unit_head(app, client, people):
    staff, head, liaison = people
    case = examined_case(client, staff)
    request = examination.request_clarification(case, "Pertanyaan", by=staff.examiner)
    db.session.commit()
    liaison_client = logged_in(app, liaison)
    assert (
        liaison_client.post(
            f"/portal/permintaan/{request.id}", data={"forward-to": head.id, "forward-note": "Mohon dijawab"}
        ).status_code
        == 302
    )
    stranger = factories.user(Role.UNIT_HEAD, units=[factories.unit("74.72")])
    refused = liaison_client.post(
        f"/portal/permintaan/{request.id}", data={"forward-to": stranger.id, "forward-note": "x"}
    )
    assert refused.status_code == 422
    forwarded = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "liaison_forward")).all()
    assert [m.recipient for m in forwarded] == [head.email] and "Mohon dijawab" in forwarded[0].body


def test_the_daily_digest_goes_once_per_liaison_per_day(app, client, people):
    staff, _, liaison = people
    case = examined_case(client, staff)
    examination.request_clarification(case, "Pertanyaan", by=staff.examiner)
    db.session.commit()
    due = clocks.running_clock(case, "clarification").due_on
    day = due - timedelta(days=1)  # due soon
    assert inbox.send_digests(today=day) == 1
    assert inbox.send_digests(today=day) == 0
    # The beat task, run twice on a day when the request is overdue: one more digest, not two.
    clock = clocks.running_clock(case, "clarification")
    clock.due_on = clock.start_on  # make it fall due today for the task, which takes today's date
    db.session.commit()
    assert [send_liaison_digests.apply().get() for _ in range(2)] == ["1 digests", "0 digests"]
    digests = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "liaison_digest")).all()
    assert [m.recipient for m in digests] == [liaison.email] * 2 and case.registration_number in digests[0].body
    assert db.session.scalar(select(func.count()).select_from(DigestSent)) == 2
    assert inbox.send_digests(today=day + timedelta(days=1)) == 1  # the next day, a new one


def test_the_units_record_counts_what_happened(app, client, people):
    staff, head, _ = people
    first = examined_case(client, staff, email="a@example.org")
    second = examined_case(client, staff, email="b@example.org")
    answered = examination.request_clarification(first, "Satu", by=staff.examiner)
    db.session.commit()
    from complaints.services.portal.inbox import answer_request

    answer_request(answered, "Jawaban", [], by=head)
    late = examination.request_clarification(second, "Dua", by=staff.examiner)
    db.session.commit()
    sweep.sweep(today=late.clock.due_on + timedelta(days=1))  # unanswered: a second request goes out
    file_complaint(client, email="c@example.org")
    third = db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))
    verification.record_checks(third, {}, by=staff.supervisor)
    verification.reject(third, "bukan_kewenangan", "Bukan kewenangan", by=staff.supervisor)
    db.session.commit()
    [row] = live_figures.unit_figures([head.units[0].id])
    # By hand: 2 registered cases (the third was rejected unregistered, no finding about the unit), none closed;
    # 3 requests: one answered in time, one run out, its second still within its term (not judged yet).
    assert (row.cases, row.closed, row.open) == (2, 0, 2)
    assert (row.requests, row.answered_on_time) == (2, 1)
    assert (row.actions, row.recommendations) == (0, 0)
    page = logged_in(app, head).get("/portal/rekap").get_data(as_text=True)
    assert "1 / 2" in page


def test_quarterly_joint_reviews_name_no_reporter_and_are_built_once(app, client, people):
    from openpyxl import load_workbook

    from complaints.models import JointReview
    from complaints.services.places.working_days import office_today
    from complaints.services.portal import joint_reviews

    staff, head, liaison = people
    case = examined_case(client, staff, confidential="y", full_name="Zulaikha Rahmawati", email="zulaikha@example.org")
    examination.request_clarification(case, "Pertanyaan", by=staff.examiner)
    db.session.commit()
    today = office_today(liaison.region.province.timezone)
    first_of_quarter = today.replace(day=1, month=((today.month - 1) // 3) * 3 + 1)
    built = joint_reviews.build_quarterly_reviews(today=first_of_quarter)
    assert built == db.session.scalar(select(func.count()).select_from(Agreement)) == 9
    assert joint_reviews.build_quarterly_reviews(today=first_of_quarter) == 0
    review = db.session.scalar(select(JointReview).join(Agreement).where(Agreement.region_id == liaison.region_id))
    assert review.period == joint_reviews.previous_quarter(first_of_quarter)
    liaison_client = logged_in(app, liaison)
    assert "tinjauan" in liaison_client.get("/portal/tinjauan").get_data(as_text=True)
    pdf = liaison_client.get(f"/portal/tinjauan/file/{review.id}.pdf")
    xlsx = liaison_client.get(f"/portal/tinjauan/file/{review.id}.xlsx")
    assert pdf.status_code == xlsx.status_code == 200
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    cells = " ".join(
        str(cell.value) for sheet in load_workbook(io.BytesIO(xlsx.data)) for row in sheet.iter_rows() for cell in row
    )
    for content in (text, cells):
        assert case.registration_number in content and "Permintaan klarifikasi 1" in content
        for secret in (case.reporter.full_name, case.reporter.nik, case.reporter.email, case.reporter.phone):
            assert secret not in content
    other_region = factories.user(Role.LIAISON, region=factories.region("74.72"))
    assert logged_in(app, other_region).get(f"/portal/tinjauan/file/{review.id}.pdf").status_code == 404
    assert logged_in(app, head).get("/portal/tinjauan").status_code == 403
    supervisor_client = logged_in(app, staff.supervisor)
    agreement_id = review.agreement_id
    assert supervisor_client.post(f"/portal/tinjauan/{agreement_id}").status_code == 302
    now = db.session.scalar(
        select(JointReview).where(
            JointReview.agreement_id == agreement_id, JointReview.period == joint_reviews.quarter_of(today)
        )
    )
    assert now is not None and supervisor_client.get(f"/portal/tinjauan/file/{now.id}.xlsx").status_code == 200


def test_what_the_reporter_sends_later_stays_with_the_ombudsman_when_confidential(app, client, people):
    staff, head, liaison = people
    assert file_complaint(client, confidential="y").status_code == 302
    case = db.session.scalar(select(Complaint))
    verification.request_documents(case, "KTP ulang", by=staff.examiner)
    db.session.commit()
    client.post(
        f"/lacak/{case.tracking_number}/dokumen",
        data={"documents": [upload(PDF, "KTP-Siti-7471010101900001.pdf")]},
        content_type="multipart/form-data",
    )
    later = next(a for a in db.session.get(Complaint, case.id).attachments if a.kind.value == "supplement")
    assert later.private
    staff.examine(db.session.get(Complaint, case.id))
    request = examination.request_clarification(db.session.get(Complaint, case.id), "Pertanyaan", by=staff.examiner)
    db.session.commit()
    for user in (head, liaison):
        portal_client = logged_in(app, user)
        assert "7471010101900001" not in portal_client.get(f"/portal/permintaan/{request.id}").get_data(as_text=True)
        assert portal_client.get(f"/portal/kasus/{case.id}/lampiran/{later.id}").status_code == 404


def test_actions_for_other_bodies_and_forwarding_stay_with_the_right_people(app, client, people):
    staff, head, liaison = people
    case = examined_case(client, staff)
    examination.send_notice(case, "Kesimpulan", by=staff.examiner)
    from complaints.services.intake import reporter_actions

    reporter_actions.respond_to_notice(case, "Setuju", [])
    staff.find_maladministration(case, final_report.PlannedAction("superior", "Wali Kota Kendari", "Awasi SOP"))
    action = db.session.scalar(select(CorrectiveAction))
    portal_client = logged_in(app, head)
    assert "Tindakan korektif" not in portal_client.get("/unit-saya").get_data(as_text=True)
    today = clocks.case_today(case).isoformat()
    # An action for the superior, on a case never sent to the unit: not the unit's to see or answer.
    assert (
        portal_client.post(
            f"/portal/tindakan/{action.id}", data={"report-text": "x", "report-done_on": today}
        ).status_code
        == 404
    )
    other_head = factories.user(Role.UNIT_HEAD, units=[factories.unit(kind=UnitKind.DINAS_KESEHATAN)])
    refused = logged_in(app, liaison).post(
        f"/portal/tindakan/{action.id}", data={"forward-to": other_head.id, "forward-note": "x"}
    )
    assert refused.status_code == 404


def test_a_liaison_loses_the_reviews_with_the_agreement(app, client, people):
    from complaints.services.portal import joint_reviews

    _, _, liaison = people
    agreement = db.session.scalar(select(Agreement).where(Agreement.region_id == liaison.region_id))
    review = joint_reviews.build_review(agreement, "2026-Q3")
    agreement.valid_to = agreement.valid_from
    db.session.commit()
    liaison_client = logged_in(app, liaison)
    assert liaison_client.get(f"/portal/tinjauan/file/{review.id}.pdf").status_code == 404
    assert liaison_client.post(f"/portal/tinjauan/{agreement.id}").status_code == 404
    assert "2026-Q3" not in liaison_client.get("/portal/tinjauan").get_data(as_text=True)


def test_a_units_documents_stay_closed_until_the_case_is_sent_to_it(app, client, people):
    """A report still being verified is the Ombudsman's alone: its documents are not the unit's to download."""
    _staff, head, liaison = people
    assert file_complaint(client, confidential="y", evidence=[upload(PDF, "bukti.pdf")]).status_code == 302
    case = db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))
    ids = [a.id for a in case.attachments]
    for user in (head, liaison):
        browser = logged_in(app, user)
        for attachment_id in ids:
            assert browser.get(f"/portal/kasus/{case.id}/lampiran/{attachment_id}").status_code == 404


def test_a_review_asked_for_while_the_broker_is_down_is_refused_with_a_message_not_a_500(database_url, people):
    from tests.conftest import app_with_broker

    staff, _, liaison = people
    agreement_id = db.session.scalar(select(Agreement.id).where(Agreement.region_id == liaison.region_id))
    down = app_with_broker(database_url, "redis://127.0.0.1:1/0")
    supervisor_client = logged_in(down, staff.supervisor)
    answer = supervisor_client.post(f"/portal/tinjauan/{agreement_id}")
    assert answer.status_code == 302
    page = supervisor_client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Tinjauan belum dapat disiapkan sekarang" in page
    assert "Tinjauan sedang disiapkan" not in page
