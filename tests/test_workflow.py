"""The statutory workflow: journeys through the web pages, every transition's guard, the clocks' due dates."""

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import (
    Agreement,
    CaseEvent,
    CaseKind,
    CaseStatus,
    ClarificationRequest,
    Clock,
    ClockStatus,
    Complaint,
    CorrectiveAction,
    OutboxMessage,
    Role,
)
from complaints.services.casework import clocks, examination, final_report, monitoring, opening, sweep, verification
from complaints.services.core.errors import RuleError
from complaints.services.places.working_days import add_days
from tests import factories
from tests.casework import ALL_CHECKS, Staff
from tests.filing import file_complaint


def only(model, **where):
    query = select(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


def clock_of(case, kind, status=None):
    query = select(Clock).where(Clock.complaint_id == case.id, Clock.kind == kind).order_by(Clock.id.desc())
    if status:
        query = query.where(Clock.status == status)
    return db.session.scalar(query)


def post(client, case, action, **data):
    return client.post(f"/kasus/{case.id}/{action}", data={f"{action}-{k}": v for k, v in data.items()})


@pytest.fixture
def filed(client, seeded):
    assert file_complaint(client).status_code == 302
    return db.session.scalar(select(Complaint))


@pytest.fixture
def staff(seeded):
    return Staff()


def test_journey_from_filing_to_rejection_at_verification(app, filed, staff):
    officer = app.test_client()
    factories.login(officer, staff.examiner)
    page = officer.get("/kasus").get_data(as_text=True)
    assert filed.tracking_number in page
    assert post(officer, filed, "begin_verification").status_code == 302
    checks = {k: "y" for k in ALL_CHECKS if k != "prior_complaint"}
    assert post(officer, filed, "record_checks", **checks).status_code == 302
    assert (
        post(officer, filed, "reject", reason="belum_mengadu_ke_instansi", note="x").status_code == 422
    )  # officers may not
    supervisor = app.test_client()
    factories.login(supervisor, staff.supervisor)
    refused = post(supervisor, filed, "register")
    assert refused.status_code == 422 and "mengadu lebih dahulu" in refused.get_data(as_text=True)
    wrong_reason = post(supervisor, filed, "reject", reason="selesai_rekomendasi", note="x")
    assert wrong_reason.status_code == 422
    done = post(
        supervisor, filed, "reject", reason="belum_mengadu_ke_instansi", note="Silakan mengadu ke Disdukcapil dulu."
    )
    assert done.status_code == 302
    case = db.session.get(Complaint, filed.id)
    assert case.status is CaseStatus.CLOSED and case.closure_reason_code == "belum_mengadu_ke_instansi"
    assert clock_of(case, "verification").status is ClockStatus.CANCELLED
    notice = only(OutboxMessage, kind="case_closed")
    assert notice.recipient == "siti@example.org" and "Belum mengadu ke instansi terlapor" in notice.body
    types = [e.type for e in db.session.scalars(select(CaseEvent).order_by(CaseEvent.seq))]
    assert types == ["filed", "verification_started", "checks_recorded", "closed"]


def test_missing_documents_not_supplied_close_the_report(filed, staff):
    verification.request_documents(filed, "Bukti pengaduan ke Disdukcapil", by=staff.examiner)
    db.session.commit()
    completion = clock_of(filed, "completion")
    assert completion.due_on == completion.start_on + timedelta(days=30)  # UU 37/2008 art. 25: 30 days
    assert sweep.sweep(today=completion.due_on).escalations == []  # the last day is still in time
    report = sweep.sweep(today=completion.due_on + timedelta(days=1))
    assert report.escalations == [completion.id]
    case = db.session.get(Complaint, filed.id)
    assert case.status is CaseStatus.CLOSED and case.closure_reason_code == "syarat_formil_tidak_lengkap"
    assert clock_of(case, "verification").status is ClockStatus.CANCELLED


def test_journey_through_examination_final_report_recommendation_and_closure(app, client, filed, staff):
    officer, supervisor = app.test_client(), app.test_client()
    factories.login(officer, staff.examiner)
    factories.login(supervisor, staff.supervisor)
    # Verification and registration.
    assert post(officer, filed, "record_checks", **{k: "y" for k in ALL_CHECKS}).status_code == 302
    assert post(supervisor, filed, "register").status_code == 302
    case = db.session.get(Complaint, filed.id)
    today = clocks.case_today(case)
    roman = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")[today.month - 1]
    assert case.registration_number == f"0001/LM/{roman}/{today.year}/KDI"
    assert case.rule_set == "PO58-2023" and clock_of(case, "verification").status is ClockStatus.MET
    # Examination: an examiner, a clarification request (14 days), its answer, a field check.
    assert post(supervisor, case, "assign_examiner", examiner_id=staff.examiner.id).status_code == 302
    assert post(officer, case, "request_clarification", questions="Mengapa KTP belum terbit?").status_code == 302
    clarification = clock_of(case, "clarification")
    assert (clarification.days, clarification.day_type.value) == (14, "calendar")
    assert clarification.due_on == clarification.start_on + timedelta(days=14)
    request = only(ClarificationRequest, complaint_id=case.id)
    letter = officer.get(f"/kasus/{case.id}/klarifikasi/{request.id}.pdf")
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    answer = post(officer, case, "record_clarification_answer", request_id=request.id, answer="Blangko habis.")
    assert answer.status_code == 302 and clock_of(case, "clarification").status is ClockStatus.MET
    assert post(officer, case, "record_step", step="field_check", note="Blangko tersedia di gudang.").status_code == 302
    # The notice before the final report: the reporter has 14 days.
    assert post(officer, case, "send_notice", conclusion="Penundaan berlarut terbukti.").status_code == 302
    notice = clock_of(case, "pre_report_response")
    assert (notice.who_must_act.value, notice.due_on) == ("reporter", notice.start_on + timedelta(days=14))
    tracking = client.get(f"/lacak/{case.tracking_number}").get_data(as_text=True)
    assert "Menunggu tanggapan Anda atas kesimpulan" in tracking and "Penundaan berlarut terbukti." in tracking
    early = post(supervisor, case, "issue_final_report", conclusion="not_found", summary="Terlalu cepat.")
    assert early.status_code == 422 and "14 hari" in early.get_data(as_text=True)  # the reporter's window is open
    assert client.post(f"/lacak/{case.tracking_number}/tanggapan", data={"response": "Setuju."}).status_code == 302
    # The final report (LHP under PO 58/2023) with two corrective actions, 30 working days each (art. 54).
    response = post(
        supervisor,
        case,
        "issue_final_report",
        conclusion="found",
        summary="Ditemukan penundaan berlarut.",
        forms=["penundaan_berlarut"],
        action1_addressee="unit",
        action1_name="Kepala Disdukcapil Kota Kendari",
        action1_description="Terbitkan KTP elektronik pelapor.",
        action2_addressee="superior",
        action2_name="Wali Kota Kendari",
        action2_description="Pastikan ketersediaan blangko.",
    )
    assert response.status_code == 302, re.findall(r"alert-danger[^>]*>([^<]+)", response.get_data(as_text=True))
    case = db.session.get(Complaint, filed.id)
    assert case.status is CaseStatus.CORRECTIVE_MONITORING
    actions = db.session.scalars(select(CorrectiveAction).order_by(CorrectiveAction.id)).all()
    assert len(actions) == 2
    for action in actions:
        assert (action.clock.days, action.clock.day_type.value) == (30, "working")
        assert action.clock.due_on == add_days(action.clock.start_on, 30, "working")
    # Not done in time: the sweep moves the case to resolution, once.
    due = actions[0].clock.due_on
    assert (
        post(
            officer,
            case,
            "record_verdict",
            action_id=actions[1].id,
            verdict="not_implemented",
            reason="Tidak ada laporan.",
        ).status_code
        == 302
    )
    first = sweep.sweep(today=due + timedelta(days=1))
    second = sweep.sweep(today=due + timedelta(days=1))
    assert len(first.escalations) == 1 and second.escalations == []  # the other clock stops with the move
    case = db.session.get(Complaint, filed.id)
    assert case.status is CaseStatus.RESOLUTION
    assert (
        db.session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.type == "moved_to_resolution"))
        == 1
    )
    # A recommendation: the superior reports within 60 days, the Ombudsman monitors 60 working days.
    assert (
        post(
            supervisor, case, "issue_recommendation", addressed_to="Wali Kota Kendari", text="Terbitkan KTP."
        ).status_code
        == 302
    )
    report_clock, monitoring = clock_of(case, "recommendation_report"), clock_of(case, "recommendation_monitoring")
    assert report_clock.due_on == report_clock.start_on + timedelta(days=60)
    assert monitoring.due_on == add_days(monitoring.start_on, 60, "working")
    assert (
        post(
            supervisor, case, "record_recommendation_outcome", outcome="not_implemented", note="Tidak dilaksanakan."
        ).status_code
        == 302
    )
    case = db.session.get(Complaint, filed.id)
    assert case.status is CaseStatus.CLOSED and case.closure_reason_code == "tidak_melaksanakan_rekomendasi"
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Clock)
            .where(Clock.complaint_id == case.id, Clock.status == ClockStatus.RUNNING)
        )
        == 0
    )
    page = client.get(f"/lacak/{case.tracking_number}").get_data(as_text=True)
    assert "Selesai" in page and "Rekomendasi tidak dilaksanakan" in page


def test_an_unanswered_request_brings_a_second_one_then_the_summons_warning(filed, staff):
    staff.examine(filed)
    examination.request_clarification(filed, "Pertanyaan", by=staff.examiner)
    db.session.commit()
    first = clock_of(filed, "clarification")
    sweep.sweep(today=first.due_on + timedelta(days=1))
    requests = db.session.scalars(select(ClarificationRequest).order_by(ClarificationRequest.round)).all()
    assert [(r.round, r.status.value) for r in requests] == [(1, "unanswered"), (2, "open")]
    second = clock_of(filed, "clarification", ClockStatus.RUNNING)
    sweep.sweep(today=second.due_on + timedelta(days=1))
    alert = only(OutboxMessage, kind="supervisor_alert")
    assert alert.recipient == staff.supervisor.email and "pemanggilan" in alert.body
    with pytest.raises(RuleError):
        examination.request_clarification(filed, "Ketiga", by=staff.examiner)
    for _ in range(3):
        examination.record_summons(filed, "Panggilan", by=staff.examiner)
    db.session.commit()
    last = db.session.scalar(
        select(CaseEvent).where(CaseEvent.type == "summons_recorded").order_by(CaseEvent.seq.desc())
    )
    assert last.payload == {"number": 3, "note": "Panggilan", "police_assistance_possible": True}


def test_an_agreement_sets_the_clarification_term_for_its_region(filed, staff):
    agreement = db.session.scalar(select(Agreement).where(Agreement.region_id == filed.region_id))
    agreement.clock_terms = {"clarification": {"days": 10, "day_type": "working"}}
    db.session.commit()
    staff.examine(filed)
    examination.request_clarification(filed, "Pertanyaan", by=staff.examiner)
    db.session.commit()
    clock = clock_of(filed, "clarification")
    assert (clock.days, clock.day_type.value, clock.agreement_id) == (10, "working", agreement.id)
    assert clock.due_on == add_days(clock.start_on, 10, "working")
    assert "jangka waktu menurut kesepakatan" in clock.legal_basis


def test_old_rule_set_gives_one_more_monitoring_period(filed, staff):
    staff.ready_for_final_report(filed)
    filed.rule_set = clocks.OLD_RULE_SET  # a case registered before the switch-over keeps the old rules
    db.session.commit()
    staff.find_maladministration(filed, final_report.PlannedAction("unit", "Kepala Disdukcapil", "Terbitkan KTP"))
    first = clock_of(filed, "corrective_action")
    assert (first.days, first.day_type.value) == (30, "calendar")
    assert only(Complaint, id=filed.id).status is CaseStatus.CORRECTIVE_MONITORING
    assert db.session.get(Complaint, filed.id).registration_number is not None
    sweep.sweep(today=first.due_on + timedelta(days=1))
    assert db.session.get(Complaint, filed.id).status is CaseStatus.CORRECTIVE_MONITORING
    again = clock_of(filed, "corrective_action", ClockStatus.RUNNING)
    sweep.sweep(today=again.due_on + timedelta(days=1))
    assert db.session.get(Complaint, filed.id).status is CaseStatus.RESOLUTION


def test_no_maladministration_closes_the_case(filed, staff):
    staff.ready_for_final_report(filed)
    with pytest.raises(RuleError):
        final_report.issue_final_report(
            filed, conclusion="not_found", summary="x", form_codes=["tidak_patut"], by=staff.supervisor
        )
    db.session.rollback()
    report = final_report.issue_final_report(
        filed, conclusion="not_found", summary="Tidak terbukti.", by=staff.supervisor
    )
    db.session.commit()
    assert report.title == "LHP"
    case = db.session.get(Complaint, filed.id)
    assert case.status is CaseStatus.CLOSED and case.closure_reason_code == "tidak_ditemukan_maladministrasi"


def test_closing_after_monitoring_needs_every_action_implemented(filed, staff):
    staff.ready_for_final_report(filed)
    staff.find_maladministration(
        filed, final_report.PlannedAction("unit", "Kepala", "A"), final_report.PlannedAction("unit", "Kepala", "B")
    )
    actions = db.session.scalars(select(CorrectiveAction).order_by(CorrectiveAction.id)).all()
    monitoring.record_verdict(actions[0], "implemented", "Sudah", by=staff.examiner)
    with pytest.raises(RuleError):
        monitoring.close_after_monitoring(filed, "Selesai", by=staff.supervisor)
    monitoring.record_verdict(actions[1], "implemented", "Sudah", by=staff.examiner)
    monitoring.close_after_monitoring(filed, "Selesai", by=staff.supervisor)
    db.session.commit()
    assert db.session.get(Complaint, filed.id).closure_reason_code == "selesai_tindakan_korektif"


def test_resolved_by_the_unit_during_examination(filed, staff):
    staff.examine(filed)
    examination.request_clarification(filed, "Pertanyaan", by=staff.examiner)
    examination.resolved_by_unit(filed, "KTP sudah diterbitkan.", by=staff.supervisor)
    db.session.commit()
    case = db.session.get(Complaint, filed.id)
    assert case.closure_reason_code == "sudah_diselesaikan_instansi"
    assert clock_of(case, "clarification").status is ClockStatus.CANCELLED


def test_registration_numbers_follow_each_other(client, seeded):
    staff = Staff()
    for n in range(3):
        file_complaint(client, email=f"p{n}@example.org")
    numbers = [
        staff.register(case).registration_number
        for case in db.session.scalars(select(Complaint).order_by(Complaint.id))
    ]
    assert [n.split("/")[0] for n in numbers] == ["0001", "0002", "0003"]
    assert all(re.fullmatch(r"\d{4}/LM/[IVX]+/\d{4}/KDI", n) for n in numbers)


def test_quick_response_and_own_motion_cases(app, seeded):
    staff = Staff()
    officer = app.test_client()
    factories.login(officer, staff.examiner)
    unit = factories.unit()
    for kind, series in (("quick_response", "RCO"), ("own_motion", "IPS")):
        response = officer.post(
            "/kasus/baru",
            data={
                "kind": kind,
                "unit_id": unit.id,
                "event_date": "2026-11-01",
                "account": "Situasi darurat",
                "substance_area_code": "kesehatan",
            },
        )
        assert response.status_code == 302
        case = db.session.scalar(select(Complaint).where(Complaint.kind == CaseKind(kind)))
        assert f"/{series}/" in case.registration_number and case.status is CaseStatus.EXAMINATION
        assert case.examiner_id == staff.examiner.id and case.reporter is None
    rco = db.session.scalar(select(Complaint).where(Complaint.kind == CaseKind.QUICK_RESPONSE))
    assert clock_of(rco, "quick_response").due_on == clock_of(rco, "quick_response").start_on + timedelta(days=3)
    own = db.session.scalar(select(Complaint).where(Complaint.kind == CaseKind.OWN_MOTION))
    with pytest.raises(RuleError):
        examination.send_notice(own, "Kesimpulan", by=staff.examiner)
    db.session.rollback()
    final_report.issue_final_report(own, conclusion="stopped", summary="Dihentikan.", by=staff.supervisor)
    db.session.commit()
    assert db.session.get(Complaint, own.id).closure_reason_code == "pemeriksaan_dihentikan"
    bad = officer.post(
        "/kasus/baru",
        data={
            "kind": "report",
            "unit_id": unit.id,
            "event_date": "2026-11-01",
            "account": "x",
            "substance_area_code": "kesehatan",
        },
    )
    assert bad.status_code == 422


def test_the_clarification_letter_never_names_a_confidential_reporter(client, seeded):
    file_complaint(client, confidential="y")
    case = db.session.scalar(select(Complaint))
    factories.user(Role.UNIT_HEAD)  # heads Kota Kendari's Disdukcapil: the request is e-mailed to them
    staff = Staff()
    staff.examine(case)
    request = examination.request_clarification(case, "Pertanyaan untuk unit", by=staff.examiner)
    db.session.commit()
    officer = client.application.test_client()
    factories.login(officer, staff.examiner)
    pdf = officer.get(f"/kasus/{case.id}/klarifikasi/{request.id}.pdf").data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Pelapor (dirahasiakan)" in text
    for secret in (case.reporter.full_name, case.reporter.nik, case.reporter.email, case.reporter.phone):
        assert secret not in text
    emails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "clarification_request")).all()
    assert len(emails) == 1 and "Pelapor (dirahasiakan)" in emails[0].body
    assert case.reporter.full_name not in emails[0].body and case.reporter.nik not in emails[0].body


@pytest.mark.parametrize(
    "contradiction",
    [
        {"status": CaseStatus.CLOSED},  # closed without a date and a reason
        {"status": CaseStatus.REGISTERED},  # registered without a number
        {"status": CaseStatus.EXAMINATION, "registration_number": "0099/LM/I/2026/KDI"},  # examined by nobody
        {"rating": 5},  # rated while still open
    ],
)
def test_the_database_refuses_rows_whose_status_contradicts_their_columns(filed, contradiction):
    from sqlalchemy.exc import IntegrityError

    case = db.session.get(Complaint, filed.id)
    for key, value in contradiction.items():
        setattr(case, key, value)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_rules_from_the_casework_review(filed, staff):
    # Registration needs the material checks as well as the formal ones.
    verification.record_checks(filed, {**ALL_CHECKS, "within_remit": False}, by=staff.supervisor)
    with pytest.raises(RuleError):
        verification.register(filed, by=staff.supervisor)
    # Staff never close a report as withdrawn by its reporter.
    with pytest.raises(RuleError):
        verification.reject(filed, "dicabut_pelapor", "x", by=staff.supervisor)
    db.session.rollback()
    staff.examine(db.session.get(Complaint, filed.id))
    case = db.session.get(Complaint, filed.id)
    examination.request_clarification(case, "Pertanyaan", by=staff.examiner)
    db.session.commit()
    # No notice while the unit's answer is still awaited.
    with pytest.raises(RuleError):
        examination.send_notice(case, "Kesimpulan", by=staff.examiner)
    db.session.rollback()


def test_manual_resolution_needs_a_reason_in_fact(filed, staff):
    staff.ready_for_final_report(filed)
    staff.find_maladministration(filed, final_report.PlannedAction("unit", "Kepala", "A"))
    with pytest.raises(RuleError):
        monitoring.escalate_to_resolution(filed, "Terlalu cepat", by=staff.examiner)
    db.session.rollback()
    action = db.session.scalar(select(CorrectiveAction))
    monitoring.record_verdict(action, "partly", "Sebagian", by=staff.examiner)
    monitoring.record_verdict(action, "implemented", "Kini lengkap", by=staff.examiner)  # a verdict can improve
    db.session.commit()
    with pytest.raises(RuleError):
        monitoring.record_verdict(action, "not_implemented", "Mundur", by=staff.examiner)
    db.session.rollback()
    assert action.clock.status is ClockStatus.MET


def test_old_rules_second_period_spares_implemented_actions(filed, staff):
    staff.ready_for_final_report(filed)
    filed.rule_set = clocks.OLD_RULE_SET
    db.session.commit()
    staff.find_maladministration(
        filed, final_report.PlannedAction("unit", "Kepala", "A"), final_report.PlannedAction("unit", "Kepala", "B")
    )
    first, second = db.session.scalars(select(CorrectiveAction).order_by(CorrectiveAction.id)).all()
    monitoring.record_verdict(first, "implemented", "Selesai", by=staff.examiner)
    db.session.commit()
    sweep.sweep(today=second.clock.due_on + timedelta(days=1))
    first, second = db.session.scalars(select(CorrectiveAction).order_by(CorrectiveAction.id)).all()
    assert first.clock.status is ClockStatus.MET and second.clock.status is ClockStatus.RUNNING  # its second period
    monitoring.record_verdict(second, "implemented", "Selesai", by=staff.examiner)
    db.session.commit()
    sweep.sweep(today=second.clock.due_on + timedelta(days=1))
    assert db.session.get(Complaint, filed.id).status is CaseStatus.CORRECTIVE_MONITORING
    monitoring.close_after_monitoring(filed, "Semua dilaksanakan", by=staff.supervisor)
    db.session.commit()
    assert db.session.get(Complaint, filed.id).closure_reason_code == "selesai_tindakan_korektif"


def test_a_quick_response_clock_is_met_by_the_first_step(seeded):
    staff = Staff()
    case = opening.open_case(
        CaseKind.QUICK_RESPONSE,
        unit_id=factories.unit().id,
        event_date=clocks.case_today_for(staff.examiner.office),
        account="Pasien ditolak",
        substance_area_code="kesehatan",
        by=staff.examiner,
    )
    examination.record_step(case, "direct_clarification", "Menghubungi kepala puskesmas", by=staff.examiner)
    db.session.commit()
    assert clock_of(case, "quick_response").status is ClockStatus.MET


def test_the_same_new_case_form_twice_opens_one_case(app, seeded):
    staff = Staff()
    officer = app.test_client()
    factories.login(officer, staff.examiner)
    data = {
        "kind": "own_motion",
        "unit_id": factories.unit().id,
        "event_date": "2026-11-01",
        "account": "Situasi",
        "substance_area_code": "kesehatan",
        "submission_key": "b" * 32,
    }
    first, second = officer.post("/kasus/baru", data=data), officer.post("/kasus/baru", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Complaint)) == 1
    old = officer.post("/kasus/baru", data={**data, "submission_key": "c" * 32, "event_date": "1900-01-01"})
    assert old.status_code == 422


def test_staff_hear_when_the_reporter_acts(client, filed, staff):
    verification.request_documents(filed, "Bukti", by=staff.examiner)
    db.session.commit()
    from tests.filing import PDF, upload

    client.post(
        f"/lacak/{filed.tracking_number}/dokumen",
        data={"documents": [upload(PDF, "b.pdf")]},
        content_type="multipart/form-data",
    )
    notices = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reporter_documents")).all()
    assert [m.recipient for m in notices] == [staff.supervisor.email] and f"/kasus/{filed.id}" in notices[0].body
