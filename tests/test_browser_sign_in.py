"""In real Chromium: a unit head sets up two-step sign-in from the QR page, signs in with a code, sees this device
among the active sessions, and a second browser signed in as them is signed out from the first."""

import re
from datetime import UTC, datetime, timedelta

import pyotp

from complaints.models import Role
from tests import factories
from tests.factories import PASSWORD


def code(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30 * steps_ahead))


def password_step(page, base, user):
    page.goto(f"{base}/masuk")
    page.get_by_label("Alamat e-mail").fill(user.email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_two_step_sign_in_and_ending_another_session(browser, live_server):
    head = factories.user(Role.UNIT_HEAD)
    first = browser.new_context(locale="id-ID").new_page()
    password_step(first, live_server, head)
    first.wait_for_url(f"{live_server}/akun")
    first.get_by_role("link", name="Siapkan verifikasi dua langkah").click()
    assert first.locator("svg").first.is_visible()  # the QR code
    secret = first.locator("code.user-select-all").inner_text()
    first.get_by_label("Kode dari aplikasi").fill(code(secret))
    first.get_by_role("button", name="Aktifkan verifikasi dua langkah").click()
    recovery = first.locator("#recovery-codes li").all_inner_texts()
    assert len(recovery) == 10 and all(re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", c) for c in recovery)

    second = browser.new_context(locale="id-ID").new_page()
    password_step(second, live_server, head)
    second.wait_for_url(f"{live_server}/masuk/kode")
    second.get_by_label("Kode dari aplikasi").fill(code(secret, 1))
    second.get_by_role("button", name="Masuk").click()
    second.wait_for_url(f"{live_server}/akun")

    first.goto(f"{live_server}/akun")
    sessions = first.locator("#sessions li")
    assert sessions.count() == 2 and "perangkat ini" in sessions.first.inner_text() + sessions.last.inner_text()
    first.locator("#sessions").get_by_role("button", name="Akhiri").click()
    second.goto(f"{live_server}/unit-saya")
    assert second.url.startswith(f"{live_server}/masuk")
