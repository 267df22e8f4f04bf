"""A unit head answers a clarification request in real Chromium, with a document; the officer sees the answer."""

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Complaint, Role
from complaints.services.casework import examination
from tests import factories
from tests.casework import Staff
from tests.factories import PASSWORD
from tests.filing import PDF, file_complaint


def sign_in(page, base, user):
    page.goto(f"{base}/masuk")
    page.get_by_label("Alamat e-mail").fill(user.email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/akun")


def test_unit_head_answers_a_request_and_the_officer_sees_it(browser, live_server, client, tmp_path):
    staff = Staff()
    head = factories.user(Role.UNIT_HEAD)
    assert file_complaint(client, confidential="y").status_code == 302
    case = db.session.scalar(select(Complaint))
    staff.examine(case)
    examination.request_clarification(case, "Mengapa KTP pelapor belum terbit?", by=staff.examiner)
    db.session.commit()
    letter = tmp_path / "jawaban dinas.pdf"
    letter.write_bytes(PDF)

    unit_page = browser.new_context(locale="id-ID").new_page()
    sign_in(unit_page, live_server, head)
    unit_page.get_by_role("navigation").get_by_role("link", name="Unit saya").click()
    unit_page.get_by_role("link", name="Permintaan klarifikasi 1").click()
    assert "Mengapa KTP pelapor belum terbit?" in unit_page.locator("main").inner_text()
    assert unit_page.locator("#reporter-label").inner_text() == "Pelapor (dirahasiakan)"
    unit_page.get_by_role("textbox", name="Jawaban Anda").fill("Blangko KTP habis; pelapor dilayani pekan depan.")
    unit_page.get_by_label(
        "Dokumen (PDF, JPEG, atau PNG, masing-masing paling besar 10 MB; tidak wajib)"
    ).set_input_files(str(letter))
    unit_page.get_by_role("button", name="Kirim", exact=True).click()
    unit_page.wait_for_load_state()
    assert "Jawaban Anda telah dikirim kepada Ombudsman." in unit_page.locator("main").inner_text()

    officer_page = browser.new_context(locale="id-ID").new_page()
    sign_in(officer_page, live_server, staff.examiner)
    officer_page.goto(f"{live_server}/kasus/{case.id}")
    answer = officer_page.locator(".unit-submission").first.inner_text()
    assert "Blangko KTP habis; pelapor dilayani pekan depan." in answer and "jawaban dinas.pdf" in answer
    unit_page.screenshot(path=str(tmp_path / "unit.png"), full_page=True)
