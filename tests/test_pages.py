"""What a visitor and each kind of user sees."""

import re

import pyotp
import pytest
from flask import url_for
from sqlalchemy import event

from complaints.extensions import db
from complaints.models import Role
from complaints.navigation import NAVIGATION
from complaints.services.seeding.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_demo_data


def links(html: str) -> set[str]:
    return set(re.findall(r'href="(/[^"]*)"', html))


def test_home_speaks_indonesian_by_default(client, seeded):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in page
    assert "Laporkan pelayanan publik yang buruk kepada Ombudsman" in page
    assert "Cara melapor" in page and "Apa yang terjadi selanjutnya" in page
    assert "Sulawesi Tenggara" in page


def test_english_on_request_and_back(client, seeded):
    response = client.get("/bahasa/en?next=/wilayah")
    assert response.status_code == 302 and response.headers["Location"] == "/wilayah"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Report poor public services to the Ombudsman" in page
    client.get("/bahasa/id")
    assert "Cara melapor" in client.get("/").get_data(as_text=True)
    assert client.get("/bahasa/fr").status_code == 404
    assert client.get("/bahasa/en?next=https://evil.example").headers["Location"] == "/"


def test_every_region_and_unit_is_reachable_from_home(client, seeded):
    home = client.get("/").get_data(as_text=True)
    assert "/wilayah" in links(home)
    regions_page = client.get("/wilayah").get_data(as_text=True)
    region_links = {link for link in links(regions_page) if link.startswith("/wilayah/")}
    unit_links = {link for link in links(regions_page) if link.startswith("/unit/")}
    assert len(region_links) == 17 and len(unit_links) == 102
    for link in sorted(region_links):
        page = client.get(link)
        assert page.status_code == 200, link
        assert len({u for u in links(page.get_data(as_text=True)) if u.startswith("/unit/")}) == 6
    for link in sorted(unit_links):
        assert client.get(link).status_code == 200, link


def test_region_page_shows_units_and_agreement(client, seeded):
    page = client.get("/wilayah/74.71").get_data(as_text=True)
    assert "Kota Kendari" in page and "Dinas Kependudukan dan Pencatatan Sipil Kota Kendari" in page
    assert "Kesepakatan berlaku sejak" in page and "16 Desember 2021" in page
    wakatobi = client.get("/wilayah/74.07").get_data(as_text=True)
    assert "Tidak ada kesepakatan yang berlaku" in wakatobi


@pytest.mark.parametrize("path", ["/wilayah/99.99", "/wilayah/" + "9" * 200, "/unit/999999", "/tidak-ada"])
def test_unknown_pages_are_404_in_the_visitors_language(client, seeded, path):
    response = client.get(path)
    assert response.status_code == 404 and "Halaman tidak ditemukan" in response.get_data(as_text=True)
    client.get("/bahasa/en")
    assert "Page not found" in client.get(path).get_data(as_text=True)


def test_unit_ids_are_typed(client, seeded):
    assert client.get("/unit/abc").status_code == 404
    assert client.get("/unit/-1").status_code == 404


def sign_in_demo(client, account):
    """The demo's password, then, for the Ombudsman staff, the code of the demo's published authenticator key."""
    response = client.post("/masuk", data={"email": account.email, "password": DEMO_PASSWORD})
    if response.headers.get("Location") == "/masuk/kode":
        response = client.post("/masuk/kode", data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
    return response


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.role.value)
def test_each_demo_account_signs_in_and_sees_its_own_navigation(client, app_ctx, account):
    seed_demo_data()
    db.session.commit()
    response = sign_in_demo(client, account)
    assert response.status_code == 302 and response.headers["Location"] == "/akun"
    page = client.get("/akun").get_data(as_text=True)
    assert account.full_name in page
    nav = page.split('<ul class="navbar-nav me-auto">')[1].split("</ul>")[0]
    with client.application.test_request_context():
        own = {url_for(item.endpoint) for item in NAVIGATION[account.role]}
        others = {url_for(item.endpoint) for items in NAVIGATION.values() for item in items} - own
    for url in own:
        assert f'href="{url}"' in nav, (account.role, url)
        assert client.get(url).status_code == 200, (account.role, url)
    for url in others:
        assert f'href="{url}"' not in nav, (account.role, url)


def test_unit_head_sees_their_unit_and_liaison_their_region(client, app_ctx):
    seed_demo_data()
    db.session.commit()
    head = next(a for a in DEMO_ACCOUNTS if a.role is Role.UNIT_HEAD)
    client.post("/masuk", data={"email": head.email, "password": DEMO_PASSWORD})
    page = client.get("/unit-saya").get_data(as_text=True)
    assert "Dinas Kependudukan dan Pencatatan Sipil Kota Kendari" in page and "Narahubung Kendari Demo" in page
    client.post("/keluar")
    liaison = next(a for a in DEMO_ACCOUNTS if a.role is Role.LIAISON)
    client.post("/masuk", data={"email": liaison.email, "password": DEMO_PASSWORD})
    page = client.get("/wilayah-saya").get_data(as_text=True)
    assert "Kota Kendari" in page and head.email in page


def test_office_overview_and_calendar(client, app_ctx):
    seed_demo_data()
    db.session.commit()
    officer = next(a for a in DEMO_ACCOUNTS if a.role is Role.OFFICER)
    sign_in_demo(client, officer)
    overview = client.get("/kantor").get_data(as_text=True)
    assert overview.count('href="/wilayah/74.') == 17 and "KDI" in overview
    calendar = client.get("/kantor/kalender?tahun=2026").get_data(as_text=True)
    assert "Eid al-Fitr" in calendar and "Cuti bersama" in calendar
    assert client.get("/kantor/kalender?tahun=abc").status_code == 200
    assert client.get("/kantor/kalender?tahun=99999").status_code == 200


def test_security_headers(client, seeded):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_bootstrap_is_served_by_the_app(client, seeded):
    page = client.get("/").get_data(as_text=True)
    css = re.search(r'href="([^"]*bootstrap[^"]*\.css)"', page).group(1)
    js = re.search(r'src="([^"]*bootstrap[^"]*\.js)"', page).group(1)
    assert css.startswith("/") and js.startswith("/")
    assert client.get(css).status_code == 200 and client.get(js).status_code == 200


def test_page_structure_is_accessible(client, seeded):
    page = client.get("/masuk").get_data(as_text=True)
    assert '<main id="main"' in page and 'href="#main"' in page
    assert '<label class="form-label" for="email">' in page and '<label class="form-label" for="password">' in page


def test_healthz_reports_database_and_broker(client, seeded):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "broker": "eager", "status": "ok"}


def test_healthz_is_503_when_the_database_is_down(client, seeded, monkeypatch):
    from complaints.services.core import health

    monkeypatch.setattr(health, "database_state", lambda: "unavailable")
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "unavailable"


def test_an_unexpected_error_is_a_500_page_and_rolls_back(app, client, seeded, monkeypatch):
    from complaints.services.places import directory

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(directory, "province_summaries", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/")
    assert response.status_code == 500 and "Terjadi kesalahan" in response.get_data(as_text=True)
    assert "boom" not in response.get_data(as_text=True)


def test_the_regions_page_costs_a_few_queries_not_one_per_region(client, seeded):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/wilayah").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(statements) <= 5, statements
