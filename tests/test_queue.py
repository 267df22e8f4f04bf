"""The officers' queue: filters, the next legal date first, counts, pagination."""

import re

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Complaint, Role
from complaints.services.casework import clocks, examination, verification
from tests import factories
from tests.casework import Staff
from tests.filing import file_complaint, form_data


def numbers_in(page: str) -> list[str]:
    return re.findall(r'class="font-monospace">([^<]+)</a>', page)


def test_queue_filters_sorts_and_counts(app, client, seeded):
    staff = Staff()
    baubau = factories.unit("74.72")
    file_complaint(client, email="a@example.org")
    file_complaint(client, email="b@example.org", unit_id=str(baubau.id), region_id=str(baubau.region_id))
    file_complaint(client, email="c@example.org", suspected_form_code="permintaan_imbalan")
    a, b, c = db.session.scalars(select(Complaint).order_by(Complaint.id)).all()
    staff.examine(b)
    examination.request_clarification(b, "Pertanyaan", by=staff.examiner)  # due in 14 days
    verification.request_documents(
        c, "Bukti", by=staff.examiner
    )  # the verification clock waits; 30 days for the reporter
    db.session.commit()

    officer = app.test_client()
    factories.login(officer, staff.examiner)
    everything = officer.get("/kasus").get_data(as_text=True)
    # The next legal date first: b's clarification (14 calendar days), a's verification (14 working days) and c's
    # completion (30 days for the reporter) fall in an order that depends on the holidays ahead; compute it.
    today = clocks.case_today(a)
    due = {
        a.tracking_number: clocks.running_clock(a, "verification").due_on,
        b.registration_number: clocks.running_clock(b, "clarification").due_on,
        c.tracking_number: clocks.running_clock(c, "completion").due_on,
    }
    order = {a.tracking_number: a.id, b.registration_number: b.id, c.tracking_number: c.id}
    by_due = sorted(due, key=lambda number: (due[number], order[number]))  # ties: the older case first
    assert numbers_in(everything) == by_due
    assert "Diterima · 1" in everything and "Pemeriksaan · 1" in everything

    def listed(**query):
        return numbers_in(officer.get("/kasus", query_string=query).get_data(as_text=True))

    assert listed(status="examination") == [b.registration_number]
    assert listed(region_id=baubau.region_id) == [b.registration_number]
    assert listed(unit_id=baubau.id) == [b.registration_number]
    assert listed(examiner_id=staff.examiner.id) == [b.registration_number]
    assert listed(form_code="permintaan_imbalan") == [c.tracking_number]
    assert listed(area_code="administrasi_kependudukan") == by_due
    assert listed(due_within=14) == [b.registration_number]  # 14 calendar days; 14 working days are always more
    within = (due[a.tracking_number] - today).days
    assert listed(due_within=within) == [n for n in by_due if due[n] <= due[a.tracking_number]]
    assert listed(overdue="y") == []
    assert listed(status="closed") == []
    # Junk in the filters is ignored, never a 500.
    for junk in ({"region_id": "abc"}, {"due_within": "-5"}, {"status": "nonsense"}, {"page": "99999999999"}):
        assert officer.get("/kasus", query_string=junk).status_code == 200


def test_queue_pages(app, client, seeded):
    staff = Staff()
    for n in range(27):
        client.post("/lapor", data=form_data(email=f"p{n}@example.org"), content_type="multipart/form-data")
    from complaints.extensions import limiter

    limiter.reset()
    count = db.session.query(Complaint).count()
    officer = app.test_client()
    factories.login(officer, staff.examiner)
    first = officer.get("/kasus").get_data(as_text=True)
    second = officer.get("/kasus?page=2").get_data(as_text=True)
    assert len(numbers_in(first)) == min(count, 25)
    assert len(numbers_in(first)) + len(numbers_in(second)) == count
    assert not set(numbers_in(first)) & set(numbers_in(second))


def test_a_breached_clock_stays_overdue_until_done(app, client, seeded):
    from datetime import timedelta

    from complaints.services.casework import sweep

    staff = Staff()
    factories.user(Role.SUPERVISOR)
    file_complaint(client)
    case = db.session.scalar(select(Complaint))
    due = clocks.running_clock(case, "verification").due_on
    sweep.sweep(today=due + timedelta(days=1))  # breached: still the Ombudsman's to do
    officer = app.test_client()
    factories.login(officer, staff.examiner)
    from complaints.services.casework import officer_queue

    assert officer_queue.overdue_count(case.office, due + timedelta(days=1)) == 1
    assert numbers_in(officer.get("/kasus", query_string={"overdue": "y"}).get_data(as_text=True)) == [
        case.tracking_number
    ]
    staff.register(case)  # done, late: the clock is met and the case leaves the overdue list
    assert clocks.running_clock(case, "verification", include_breached=True) is None
    assert numbers_in(officer.get("/kasus", query_string={"overdue": "y"}).get_data(as_text=True)) == []
