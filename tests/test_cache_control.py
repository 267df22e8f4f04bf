"""No cache keeps what the application makes (``Cache-Control: no-store``); static files stay cacheable.

The rule is one after-request hook (complaints/security.py ``forbid_caching``); this table walks the pages that carry
a secret or personal data, as each of their visitors sees them, and a few public ones the rule covers as well.
"""

from __future__ import annotations

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Agreement, Attachment, Complaint, JointReview, ReportJob
from complaints.services.accounts import api_tokens
from complaints.services.casework import examination
from complaints.services.places.working_days import office_today
from complaints.services.portal import joint_reviews
from tests import factories
from tests.filing import PDF, file_complaint, upload


def signed_in(app, user):
    client = app.test_client()
    factories.login(client, user)
    return client


def joint_review(staff, liaison, case) -> JointReview:
    examination.request_clarification(case, "Pertanyaan", by=staff.examiner)
    db.session.commit()
    today = office_today(liaison.region.province.timezone)
    joint_reviews.build_quarterly_reviews(today=today.replace(day=1, month=((today.month - 1) // 3) * 3 + 1))
    return db.session.scalar(select(JointReview).join(Agreement).where(Agreement.region_id == liaison.region_id))


def compliance_report_download(client) -> str:
    client.post("/wilayah/74.13/laporan-kepatuhan")
    job = db.session.scalar(select(ReportJob))
    return client.get(f"/laporan-kepatuhan/{job.token}/status").get_json()["download"]


def test_no_page_that_carries_a_secret_or_personal_data_can_be_cached(app, client, people):
    staff, _head, liaison = people
    filed = file_complaint(client, evidence=[upload(PDF, "bukti.pdf")])
    case = db.session.scalar(select(Complaint))
    number = case.tracking_number
    attachment = db.session.scalar(select(Attachment).where(Attachment.complaint_id == case.id))
    staff.examine(case)
    officer, reviewer = signed_in(app, staff.examiner), signed_in(app, liaison)
    review = joint_review(staff, liaison, case)
    token = api_tokens.create_token(staff.examiner, "cache")[1]
    db.session.commit()
    anonymous = app.test_client()
    table = [
        ("reporter", client, filed.headers["Location"]),  # the receipt: the one-time access key
        ("reporter", client, f"/lacak/{number}"),
        ("reporter", client, f"/lacak/{number}/tanda-terima.pdf"),
        ("reporter", client, f"/lacak/{number}/lampiran/{attachment.id}"),
        ("anyone", anonymous, "/lacak"),
        ("anyone", anonymous, "/lapor"),
        ("anyone", anonymous, "/masuk"),
        ("officer", officer, "/kasus"),
        ("officer", officer, f"/kasus/{case.id}"),  # the reporter's identity
        ("officer", officer, f"/kasus/{case.id}/lampiran/{attachment.id}"),
        ("officer", officer, "/akun"),
        ("officer", officer, "/halaman-yang-tidak-ada"),
        ("liaison", reviewer, f"/portal/tinjauan/file/{review.id}.pdf"),
        ("liaison", reviewer, f"/portal/tinjauan/file/{review.id}.xlsx"),
        ("anyone", anonymous, compliance_report_download(anonymous)),
        ("anyone", anonymous, "/kepatuhan/74"),
    ]
    api = app.test_client()
    answers = [(who, url, browser.get(url)) for who, browser, url in table]
    answers.append(("api", "/api/v1/cases", api.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})))
    answers.append(("api", f"/api/v1/cases/{case.id}", api.get(f"/api/v1/cases/{case.id}")))  # 401
    cached = [
        f"{who} {url} ({answer.status_code}): {answer.headers.get('Cache-Control')!r}"
        for who, url, answer in answers
        if "no-store" not in answer.headers.get("Cache-Control", "")
    ]
    assert cached == []
    assert {
        answer.status_code for _, url, answer in answers if "halaman" not in url and "/api/v1/cases/" not in url
    } == {200}


def test_static_files_stay_cacheable(client):
    for url in ("/static/css/app.css", "/bootstrap/static/css/bootstrap.min.css"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.headers.get("Cache-Control", ""), url
