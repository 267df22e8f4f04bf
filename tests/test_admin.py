from datetime import date

from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import Agreement, HolidayOverride, OverrideKind, Role, ServiceUnit, User
from tests import factories


def admin_client(client):
    admin = factories.user(Role.ADMIN)
    factories.login(client, admin)
    return admin


def test_admin_creates_each_kind_of_staff_account(client, seeded):
    admin_client(client)
    kendari, office, unit = factories.region(), factories.office(), factories.unit()
    cases = [
        ("officer", {"office_id": office.id}),
        ("supervisor", {"office_id": office.id}),
        ("liaison", {"region_id": kendari.id}),
        ("unit_head", {"unit_ids": [unit.id]}),
    ]
    for role, reach in cases:
        data = {
            "full_name": f"Staf {role}",
            "email": f"{role}@example.org",
            "role": role,
            "password": "a-long-password",
            "office_id": 0,
            "region_id": 0,
            **reach,
        }
        response = client.post("/admin/pengguna/baru", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        user = db.session.scalar(select(User).where(User.email == f"{role}@example.org"))
        assert user.role is Role(role)
    assert db.session.scalar(select(User).where(User.email == "unit_head@example.org")).units == [unit]
    listing = client.get("/admin/pengguna?peran=liaison").get_data(as_text=True)
    assert "<td>liaison@example.org</td>" in listing and "<td>officer@example.org</td>" not in listing
    assert "<td>officer@example.org</td>" in client.get("/admin/pengguna?q=OFFICER").get_data(as_text=True)
    assert client.get("/admin/pengguna?q=%25&page=999").status_code == 200


def test_staff_account_without_its_reach_is_refused(client, seeded):
    admin_client(client)
    before = db.session.scalar(select(func.count()).select_from(User))
    for data in (
        {"role": "liaison", "region_id": 0, "office_id": 0},
        {"role": "officer", "region_id": 0, "office_id": 0},
        {"role": "unit_head", "region_id": 0, "office_id": 0},
        {"role": "citizen", "region_id": 0, "office_id": 0},
        {"role": "officer", "region_id": 0, "office_id": 424242},
        {"role": "unit_head", "unit_ids": [424242], "region_id": 0, "office_id": 0},
    ):
        response = client.post(
            "/admin/pengguna/baru",
            data={"full_name": "X", "email": "x@example.org", "password": "a-long-password", **data},
        )
        assert response.status_code == 422, data
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_admin_deactivates_an_account_but_not_their_own(client, seeded):
    admin = admin_client(client)
    officer = factories.user(Role.OFFICER)
    office = factories.office()
    assert (
        client.post(f"/admin/pengguna/{officer.id}", data={"office_id": office.id, "region_id": 0}).status_code == 302
    )
    assert db.session.get(User, officer.id).active is False
    own = client.post(f"/admin/pengguna/{admin.id}", data={"office_id": office.id, "region_id": 0})
    assert own.status_code == 422 and db.session.get(User, admin.id).active is True
    assert client.get("/admin/pengguna/999999").status_code == 404


def test_deactivated_user_is_signed_out_on_next_request(app, client, seeded):
    officer = factories.user(Role.OFFICER)
    factories.login(client, officer)
    assert client.get("/kantor").status_code == 200
    db.session.get(User, officer.id).active = False
    db.session.commit()
    assert client.get("/kantor").status_code == 302


def test_admin_adds_and_edits_a_unit(client, seeded):
    admin_client(client)
    kendari = factories.region()
    data = {
        "region_id": kendari.id,
        "kind": "puskesmas",
        "name": "Puskesmas Poasia",
        "head_title": "Kepala Puskesmas Poasia",
        "is_active": "y",
    }
    assert client.post("/admin/unit/baru", data=data).status_code == 302
    unit = db.session.scalar(select(ServiceUnit).where(ServiceUnit.name == "Puskesmas Poasia"))
    assert unit.region == kendari and unit.is_active
    duplicate = client.post("/admin/unit/baru", data=data)
    assert duplicate.status_code == 422
    assert client.post(f"/admin/unit/{unit.id}", data={**data, "head_name": "dr. Contoh"}).status_code == 302
    assert db.session.get(ServiceUnit, unit.id).head_name == "dr. Contoh"
    assert client.post("/admin/unit/baru", data={**data, "kind": "bank"}).status_code == 422
    assert client.post("/admin/unit/baru", data={**data, "name": "N" * 201}).status_code == 422
    assert "Puskesmas Poasia" in client.get("/admin/unit?wilayah=74.71").get_data(as_text=True)


def test_admin_sets_agreement_terms_and_liaisons(client, seeded):
    admin_client(client)
    liaison = factories.user(Role.LIAISON)
    other_region_liaison = factories.user(Role.LIAISON, region=factories.region("74.72"))
    agreement = db.session.scalar(select(Agreement).where(Agreement.region_id == factories.region().id))
    data = {
        "valid_from": "2021-12-16",
        "valid_to": "2025-12-15",
        "clarification_days": "10",
        "clarification_day_type": "working",
        "corrective_action_days": "",
        "corrective_action_day_type": "working",
        "liaison_ids": [liaison.id],
    }
    assert client.post(f"/admin/kesepakatan/{agreement.id}", data=data).status_code == 302
    saved = db.session.get(Agreement, agreement.id)
    assert saved.clock_terms == {"clarification": {"days": 10, "day_type": "working"}}
    assert saved.liaisons == [liaison] and saved.valid_to == date(2025, 12, 15)
    assert not saved.is_active(date(2026, 1, 1))
    bad = [
        {**data, "valid_to": "2020-01-01"},
        {**data, "clarification_days": "0"},
        {**data, "clarification_days": "abc"},
        {**data, "valid_from": "not-a-date"},
        {**data, "liaison_ids": [other_region_liaison.id]},
    ]
    for case in bad:
        assert client.post(f"/admin/kesepakatan/{agreement.id}", data=case).status_code == 422, case
    assert db.session.get(Agreement, agreement.id).liaisons == [liaison]
    assert "10 hari kerja" in client.get("/admin/kesepakatan").get_data(as_text=True)


def test_admin_corrects_the_holiday_calendar(client, seeded):
    admin = admin_client(client)
    data = {
        "day": "2026-12-31",
        "kind": "collective_leave",
        "name": "Cuti bersama akhir tahun",
        "legal_basis": "SKB contoh",
    }
    assert client.post("/admin/hari-libur", data=data).status_code == 302
    override = db.session.scalar(select(HolidayOverride))
    assert (override.kind, override.created_by_id) == (OverrideKind.COLLECTIVE_LEAVE, admin.id)
    assert client.post("/admin/hari-libur", data=data).status_code == 422
    assert client.post("/admin/hari-libur", data={**data, "day": "2026-02-30"}).status_code == 422
    calendar = client.get("/kantor/kalender?tahun=2026").get_data(as_text=True)
    assert "Cuti bersama akhir tahun" in calendar
    assert client.post(f"/admin/hari-libur/{override.id}/hapus").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(HolidayOverride)) == 0
    assert client.post("/admin/hari-libur/999999/hapus").status_code == 404


def test_a_liaison_moved_to_another_region_leaves_the_old_agreement(client, seeded):
    admin_client(client)
    liaison = factories.user(Role.LIAISON)
    agreement = db.session.scalar(select(Agreement).where(Agreement.region_id == factories.region().id))
    agreement.liaisons.append(liaison)
    db.session.commit()
    baubau = factories.region("74.72")
    assert client.post(f"/admin/pengguna/{liaison.id}", data={"region_id": baubau.id, "active": "y"}).status_code == 302
    assert db.session.get(Agreement, agreement.id).liaisons == []
    assert db.session.get(User, liaison.id).region_id == baubau.id


def test_reach_that_does_not_fit_the_role_is_refused_on_its_field(client, seeded):
    admin_client(client)
    kendari, office, unit = factories.region(), factories.office(), factories.unit()
    base = {"full_name": "X", "email": "x@example.org", "password": "a-long-password"}
    cases = [
        ({"role": "liaison", "office_id": office.id, "region_id": kendari.id, "unit_ids": [unit.id]}, "office_id"),
        ({"role": "admin", "office_id": office.id, "region_id": kendari.id}, "region_id"),
        ({"role": "unit_head", "office_id": office.id, "region_id": 0, "unit_ids": [unit.id]}, "office_id"),
    ]
    for data, field in cases:
        response = client.post("/admin/pengguna/baru", data={**base, "office_id": 0, "region_id": 0, **data})
        assert response.status_code == 422 and f'id="{field}-error"' in response.get_data(as_text=True), data
    factories.user(Role.OFFICER, email="taken@example.org")
    duplicate = client.post(
        "/admin/pengguna/baru", data={**base, "email": "taken@example.org", "role": "officer", "office_id": office.id}
    )
    assert duplicate.status_code == 422 and 'id="email-error"' in duplicate.get_data(as_text=True)


def test_unit_names_are_unique_whatever_their_case(client, seeded):
    admin_client(client)
    kendari = factories.region()
    data = {
        "region_id": kendari.id,
        "kind": "dinas_sosial",
        "name": "dinas sosial kota kendari",
        "head_title": "Kepala",
    }
    response = client.post("/admin/unit/baru", data=data)
    assert response.status_code == 422 and 'id="name-error"' in response.get_data(as_text=True)


def test_implausible_and_impossible_dates_are_refused(client, seeded):
    admin_client(client)
    agreement = db.session.scalar(select(Agreement))
    for valid_from, valid_to in (("0001-01-01", ""), ("2021-12-16", "9999-12-31")):
        response = client.post(
            f"/admin/kesepakatan/{agreement.id}", data={"valid_from": valid_from, "valid_to": valid_to}
        )
        assert response.status_code == 422
    for day in ("0001-01-01", "9999-12-31"):
        response = client.post("/admin/hari-libur", data={"day": day, "kind": "holiday", "name": "X"})
        assert response.status_code == 422
    impossible = client.post("/admin/hari-libur", data={"day": "2026-02-30", "kind": "holiday", "name": "X"})
    assert impossible.status_code == 422 and "Tanggal tidak sah" in impossible.get_data(as_text=True)
    saturday = client.post("/admin/hari-libur", data={"day": "2026-11-28", "kind": "working_day", "name": "X"})
    assert saturday.status_code == 422 and "Sabtu dan Minggu" in saturday.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(HolidayOverride)) == 0


def test_agreed_terms_are_named_not_keyed(client, seeded):
    admin_client(client)
    agreement = db.session.scalar(select(Agreement))
    agreement.clock_terms = {"clarification": {"days": 10, "day_type": "working"}}
    db.session.commit()
    page = client.get("/admin/kesepakatan").get_data(as_text=True)
    assert "menjawab permintaan klarifikasi: 10 hari kerja" in page and "clarification:" not in page
