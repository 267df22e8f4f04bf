"""Forms demand the CSRF token when protection is on, as it is everywhere but in most tests."""

import re

import pytest
from sqlalchemy import func, select

from complaints import create_app
from complaints.extensions import db
from complaints.models import Complaint, Role, User
from tests import factories
from tests.conftest import RequestIsolatedClient, SuiteConfig
from tests.mail import delivered_text


def test_forms_without_a_csrf_token_are_refused(database_url, app, seeded):
    csrf_app = create_app(SuiteConfig(database_url, WTF_CSRF_ENABLED=True))
    csrf_app.test_client_class = RequestIsolatedClient
    client = csrf_app.test_client()
    user = factories.user()
    data = {"email": user.email, "password": factories.PASSWORD}
    refused = client.post("/masuk", data=data)
    assert refused.status_code == 400
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/masuk").get_data(as_text=True)
    ).group(1)
    assert client.post("/masuk", data={**data, "csrf_token": token}).status_code == 302
    assert client.post("/keluar").status_code == 400  # signing out needs the token too


@pytest.mark.parametrize(
    "path",
    [
        "/unit/99999999999999999999999",
        "/unit/2147483648",
        "/unit/0",
        "/admin/pengguna/99999999999999999999999",
        "/admin/unit/3000000000",
        "/admin/kesepakatan/99999999999999999999",
        "/lacak/ABCD-EFGH/lampiran/99999999999999999999",
    ],
)
def test_absurd_ids_are_404_not_database_errors(client, seeded, path):
    factories.login(client, factories.user(Role.ADMIN))
    assert client.get(path).status_code == 404


def test_absurd_page_numbers_are_served(client, seeded):
    factories.login(client, factories.user(Role.ADMIN))
    for page in ("400000000000000000", "-5", "abc", "0"):
        assert client.get(f"/admin/pengguna?page={page}").status_code == 200
        assert client.get(f"/admin/unit?page={page}").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "/wilayah/74.71%00", None),
        ("GET", "/admin/pengguna?q=%00", None),
        ("GET", "/lapor?x=%01", None),
        (
            "POST",
            "/daftar",
            {"full_name": "Bu\x00di", "email": "b@example.org", "password": "p" * 12, "confirm": "p" * 12},
        ),
        ("POST", "/masuk", {"email": "a@example.org\x00", "password": "x" * 12}),
    ],
)
def test_control_characters_are_refused_with_400(client, seeded, method, path, data):
    factories.login(client, factories.user(Role.ADMIN))
    response = client.open(path, method=method, data=data)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_line_breaks_and_tabs_are_still_welcome(client, seeded):
    from tests.filing import file_complaint

    assert (
        file_complaint(client, chronology="Baris satu.\r\n\tBaris dua, cukup panjang untuk dibaca.").status_code == 302
    )


def test_a_password_change_ends_the_other_sessions(app, client, seeded):
    user = factories.user(Role.CITIZEN)
    other_device = app.test_client()
    factories.login(client, user)
    factories.login(other_device, user)
    change = {"current_password": factories.PASSWORD, "new_password": "a-brand-new-one", "confirm": "a-brand-new-one"}
    assert client.post("/akun/kata-sandi", data=change).status_code == 302
    assert client.get("/akun").status_code == 200  # this device goes on
    assert other_device.get("/akun").status_code == 302  # the other is signed out


def test_deactivation_ends_every_session(app, client, seeded):
    officer = factories.user(Role.OFFICER)
    factories.login(client, officer)
    admin_client = app.test_client()
    factories.login(admin_client, factories.user(Role.ADMIN))
    admin_client.post(f"/admin/pengguna/{officer.id}", data={"office_id": officer.office_id})
    db.session.expire_all()
    assert db.session.get(User, officer.id).active is False
    assert client.get("/kantor").status_code == 302


def test_guessing_the_current_password_from_a_session_is_limited(client, seeded):
    factories.login(client, factories.user(Role.CITIZEN))
    wrong = {"current_password": "not-it-at-all", "new_password": "a-brand-new-one", "confirm": "a-brand-new-one"}
    codes = [client.post("/akun/kata-sandi", data=wrong).status_code for _ in range(11)]
    assert codes == [422] * 10 + [429]


def test_the_language_link_keeps_a_clean_next(client, seeded):
    page = client.get("/wilayah").get_data(as_text=True)
    assert 'href="/bahasa/en?next=/wilayah"' in page


def test_emailed_links_never_follow_the_host_header(app, client, seeded, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://pengaduan.example.go.id")

    client.post(
        "/daftar",
        data={"full_name": "Xena", "email": "x@example.org", "password": "host-test-pass", "confirm": "host-test-pass"},
        headers={"Host": "evil.example"},
    )
    from complaints.models import OutboxMessage

    body = delivered_text(db.session.scalar(select(OutboxMessage)))
    assert "https://pengaduan.example.go.id/akun/verifikasi/" in body and "evil.example" not in body


def test_an_expired_form_says_so(database_url, app, seeded):
    csrf_app = create_app(SuiteConfig(database_url, WTF_CSRF_ENABLED=True))
    csrf_app.test_client_class = RequestIsolatedClient
    response = csrf_app.test_client().post("/masuk", data={"email": "a@example.org", "password": "x" * 12})
    assert response.status_code == 400 and "Halaman sudah kedaluwarsa" in response.get_data(as_text=True)


def test_case_actions_demand_the_csrf_token(database_url, app, client, seeded):
    from tests.filing import file_complaint

    file_complaint(client)
    csrf_app = create_app(SuiteConfig(database_url, WTF_CSRF_ENABLED=True))
    csrf_app.test_client_class = RequestIsolatedClient
    officer = csrf_app.test_client()
    user = factories.user(Role.OFFICER)
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', officer.get("/masuk").get_data(as_text=True)
    ).group(1)
    officer.post("/masuk", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token})
    case_id = db.session.scalar(select(func.min(Complaint.id)))
    assert officer.post(f"/kasus/{case_id}/begin_verification").status_code == 400
    page = officer.get(f"/kasus/{case_id}").get_data(as_text=True)
    case_token = re.search(r'name="begin_verification-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    done = officer.post(f"/kasus/{case_id}/begin_verification", data={"begin_verification-csrf_token": case_token})
    assert done.status_code == 302
