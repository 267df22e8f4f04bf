"""The live record of a region's units: figures from constructed cases against figures worked out by hand, the
summary kept current by case events, the Wilson interval and the honest ranking."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import (
    Addressee,
    CaseKind,
    ClarificationRequest,
    Clock,
    ClockStatus,
    Conclusion,
    CorrectiveAction,
    FinalReport,
    Recommendation,
    Region,
    ServiceUnit,
    UnitFigures,
    UnitKind,
    Verdict,
)
from complaints.services.casework import examination, opening
from complaints.services.compliance import live_figures, region_profiles
from complaints.services.places.working_days import office_today
from tests.casework import Staff
from tests.filing import file_complaint


def kendari(kind: UnitKind) -> ServiceUnit:
    return db.session.scalar(
        select(ServiceUnit).join(ServiceUnit.region).where(Region.code == "74.71", ServiceUnit.kind == kind)
    )


def own_motion(staff: Staff, unit: ServiceUnit, received: date, *, form=None, area="administrasi_kependudukan"):
    case = opening.open_case(
        CaseKind.OWN_MOTION,
        unit_id=unit.id,
        event_date=received,
        account="Temuan pemantauan",
        substance_area_code=area,
        by=staff.examiner,
    )
    case.suspected_form_code = form
    case.received_at = datetime(received.year, received.month, received.day, 2, 0, tzinfo=UTC)  # 10:00 WITA
    db.session.commit()
    return case


def closed_after(staff: Staff, case, days: int):
    examination.resolved_by_unit(case, "Sudah diselesaikan", by=staff.supervisor)
    case.closed_at = case.received_at + timedelta(days=days)
    db.session.commit()


def request(staff: Staff, case) -> ClarificationRequest:
    made = examination.request_clarification(case, "Mohon penjelasan", by=staff.examiner)
    db.session.commit()
    return made


def run_late(clock: Clock, today: date) -> None:
    """The clock started 20 days ago and ran out 6 days ago."""
    clock.start_on, clock.due_on = today - timedelta(days=20), today - timedelta(days=6)


def final_report_with_actions(staff: Staff, case, *verdicts_on_time):
    report = FinalReport(
        complaint=case,
        title="LAHP",
        conclusion=Conclusion.FOUND,
        summary="Temuan",
        issued_on=office_today(case.office.timezone),
        issued_by_id=staff.supervisor.id,
    )
    db.session.add(report)
    db.session.flush()
    from complaints.services.casework import clocks

    for done_on_time in verdicts_on_time:
        clock = clocks.start_clock(case, "corrective_action")
        action = CorrectiveAction(
            final_report_id=report.id,
            complaint_id=case.id,
            addressee=Addressee.UNIT,
            addressee_name="Kepala Dinas",
            description="Perbaiki layanan",
            clock_id=clock.id,
        )
        if done_on_time:
            clocks.meet_clock(clock)
            action.verdict = Verdict.IMPLEMENTED
        db.session.add(action)
    db.session.commit()


def recommendation(staff: Staff, case, outcome: Verdict | None):
    db.session.add(
        Recommendation(
            complaint=case,
            addressed_to="Wali Kota Kendari",
            text="Rekomendasi",
            issued_on=office_today(case.office.timezone),
            issued_by_id=staff.supervisor.id,
            outcome=outcome,
        )
    )
    db.session.commit()


@pytest.fixture
def constructed(seeded, client):
    """Kota Kendari. Disdukcapil: six cases received in March of this year, three closed after 10, 20 and 31 days;
    three clarification requests (one answered on time, one late, one unanswered and overdue); a final report with two
    corrective actions for the unit (one implemented on time, one still running); three recommendations (implemented,
    partly implemented, no outcome yet). Dinas Kesehatan: two cases received in June last year, one closed after 5
    days, one request answered on time this year. One report filed online and not registered (it counts nowhere)."""
    staff = Staff()
    today = office_today(staff.supervisor.office.timezone)
    this_year = today.year
    dukcapil, dinkes = kendari(UnitKind.DISDUKCAPIL), kendari(UnitKind.DINAS_KESEHATAN)
    forms = ["penundaan_berlarut", "penundaan_berlarut", "penyimpangan_prosedur", None, None, "penundaan_berlarut"]
    a = [own_motion(staff, dukcapil, date(this_year, 3, 2 + i), form=forms[i]) for i in range(6)]
    for case, days in zip(a[:3], (10, 20, 31), strict=True):
        closed_after(staff, case, days)
    on_time = request(staff, a[3])
    examination.record_clarification_answer(on_time, "Jawaban", by=staff.examiner)
    late = request(staff, a[4])
    examination.record_clarification_answer(late, "Jawaban terlambat", by=staff.examiner)
    run_late(late.clock, today)
    unanswered = request(staff, a[5])
    run_late(unanswered.clock, today)
    db.session.commit()
    final_report_with_actions(staff, a[3], True, False)
    recommendation(staff, a[4], Verdict.IMPLEMENTED)
    recommendation(staff, a[5], None)
    recommendation(staff, a[2], Verdict.PARTLY)

    b = [own_motion(staff, dinkes, date(this_year - 1, 6, 1 + i), area="kesehatan") for i in range(2)]
    closed_after(staff, b[0], 5)
    answered = request(staff, b[1])
    examination.record_clarification_answer(answered, "Jawaban", by=staff.examiner)
    db.session.commit()

    assert file_complaint(client, email="online@example.org").status_code == 302  # received, never registered
    live_figures.refresh_changed(everything=True)
    db.session.commit()
    return dukcapil, dinkes, this_year


def record_of(year=None):
    return region_profiles.live_record(db.session.scalar(select(Region).where(Region.code == "74.71")), year)


def unit_in(record, unit):
    return next(r for r in record.units if r.unit_id == unit.id)


def test_the_units_figures_match_those_worked_out_by_hand(app, constructed):
    dukcapil, dinkes, this_year = constructed
    with app.test_request_context():
        record = record_of(this_year)
    a = unit_in(record, dukcapil)
    assert (a.cases, a.closed) == (6, 3)
    assert a.median_close_days == 20  # 10, 20, 31
    assert (a.requests, a.answered_on_time) == (3, 1)
    # The action still within its term and the recommendation without an outcome are not judged yet; a partly
    # implemented recommendation is judged, and not implemented.
    assert (a.actions, a.actions_on_time) == (1, 1)
    assert (a.recommendations, a.recommendations_implemented) == (2, 1)
    assert a.overdue_open == 1  # the unanswered request; the running action is not due yet
    assert dict(a.by_form) == {"penundaan_berlarut": 3, "penyimpangan_prosedur": 1, "": 2}
    assert dict(a.by_area) == {"administrasi_kependudukan": 6}
    # Dinas Kesehatan this year: no case received, but the request it answered was sent this year.
    b = unit_in(record, dinkes)
    assert (b.cases, b.requests, b.answered_on_time) == (0, 1, 1)
    # The region: Disdukcapil's figures plus Dinkes' request; the online report is not registered, so not counted.
    assert (record.total.cases, record.total.requests, record.total.answered_on_time) == (6, 4, 2)


def test_all_years_add_up_and_the_median_is_exact(app, constructed):
    dukcapil, dinkes, _ = constructed
    with app.test_request_context():
        record = record_of(None)
    assert (record.total.cases, record.total.closed) == (8, 4)
    assert record.total.median_close_days == 15  # 5, 10, 20, 31: the mean of the two middle values
    assert unit_in(record, dinkes).median_close_days == 5
    assert dict(record.total.by_area) == {"administrasi_kependudukan": 6, "kesehatan": 2}


def test_wilson_intervals_and_the_minimum_for_a_rank(app, constructed):
    dukcapil, dinkes, _ = constructed
    with app.test_request_context():
        record = record_of(None)
    a, b = unit_in(record, dukcapil), unit_in(record, dinkes)
    low, high = a.answers.interval
    # 1 of 3 at 95 %: the textbook Wilson interval is 0.0615 to 0.7923.
    assert low == pytest.approx(0.0615, abs=1e-4) and high == pytest.approx(0.7923, abs=1e-4)
    assert a.rank == 1  # 6 cases, at least the minimum of 5
    assert b.rank is None  # 2 cases: shown, not ranked
    assert record.units[0].unit_id == dukcapil.id  # ranked units first


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [(0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0), (45, 50, 0.7864, 0.9565), (1, 1, 0.2065, 1.0)],
)
def test_wilson_textbook_values(successes, trials, low, high):
    got = region_profiles.wilson(successes, trials)
    assert got[0] == pytest.approx(low, abs=1e-4) and got[1] == pytest.approx(high, abs=1e-4)
    assert region_profiles.wilson(0, 0) is None


def test_one_of_one_does_not_outrank_forty_five_of_fifty():
    assert region_profiles.wilson(1, 1)[0] < region_profiles.wilson(45, 50)[0]


def test_a_case_event_refreshes_only_its_unit_and_the_page_follows(app, client, constructed):
    dukcapil, dinkes, this_year = constructed
    staff = Staff()
    untouched = db.session.scalar(
        select(UnitFigures.refreshed_at).where(UnitFigures.unit_id == dinkes.id).order_by(UnitFigures.year).limit(1)
    )
    own_motion(staff, dukcapil, date(this_year, 4, 1), form="permintaan_imbalan")  # commits an "opened" event
    # Celery is eager in the suite: the after-commit refresh has run; nothing was called by hand.
    row = db.session.scalar(
        select(UnitFigures).where(UnitFigures.unit_id == dukcapil.id, UnitFigures.year == this_year)
    )
    db.session.refresh(row)
    assert row.cases == 7 and row.by_form["permintaan_imbalan"] == 1
    assert (
        db.session.scalar(
            select(UnitFigures.refreshed_at).where(UnitFigures.unit_id == dinkes.id).order_by(UnitFigures.year).limit(1)
        )
        == untouched
    )
    assert live_figures.refresh_changed() == 0  # nothing new since
    page = client.get(f"/wilayah/74.71?tahun={this_year}").get_data(as_text=True)
    assert "Permintaan imbalan" in page or "permintaan imbalan" in page.lower()


def test_the_profile_page_reads_the_summary_not_the_cases(app, client, constructed):
    """The page's queries do not touch the case tables: its cost does not grow with the complaints."""
    from sqlalchemy import event

    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        assert client.get("/wilayah/74.71").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    touching = [s for s in statements if any(f" {t}" in s for t in ("complaints", "clocks", "case_events"))]
    assert statements and not touching


def test_overdue_items_are_counted_until_met(app, constructed):
    dukcapil, _, this_year = constructed
    request_ = db.session.scalar(
        select(ClarificationRequest)
        .join(Clock, Clock.id == ClarificationRequest.clock_id)
        .where(
            ClarificationRequest.unit_id == dukcapil.id,
            Clock.status == ClockStatus.RUNNING,
            Clock.due_on < office_today(dukcapil.region.province.timezone),
        )
    )
    examination.record_clarification_answer(request_, "Akhirnya dijawab", by=Staff().supervisor)
    db.session.commit()
    with app.test_request_context():
        assert unit_in(record_of(this_year), dukcapil).overdue_open == 0
    assert db.session.scalar(select(func.count()).select_from(UnitFigures)) >= 2
