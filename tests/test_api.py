"""The JSON API: personal tokens (created, shown once, revoked), the same reach as the pages, and no confidential
reporter outside the Ombudsman through any endpoint."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Agreement, ApiToken, Role, UnitKind
from complaints.services.accounts import api_tokens
from complaints.services.casework import examination
from complaints.services.places.working_days import office_today
from tests import factories
from tests.casework import Staff
from tests.filing import filed_against

REPORTER = {
    "full_name": "Wa Ode Rahmawati",
    "nik": "7471015508900002",
    "phone": "0812 9999 1234",
    "email": "rahma@example.org",
}


@pytest.fixture
def world(seeded, client):
    """Kota Kendari's Disdukcapil has a confidential case with a clarification request (A) and a case never sent to
    it (C); Kota Baubau's Disdukcapil has a case with a request (B)."""
    staff = Staff()
    kendari, baubau = factories.unit("74.71", UnitKind.DISDUKCAPIL), factories.unit("74.72", UnitKind.DISDUKCAPIL)
    a = filed_against(
        client,
        kendari,
        confidential="y",
        full_name=REPORTER["full_name"],
        nik=REPORTER["nik"],
        phone=REPORTER["phone"],
        email=REPORTER["email"],
    )
    staff.examine(a)
    examination.request_clarification(a, "Mengapa KTP belum terbit?", by=staff.examiner)
    db.session.commit()
    b = filed_against(client, baubau, email="b@example.org")
    staff.examine(b)
    examination.request_clarification(b, "Mengapa?", by=staff.examiner)
    db.session.commit()
    c = filed_against(client, kendari, email="c@example.org")
    db.session.commit()
    head = factories.user(Role.UNIT_HEAD)  # Kendari's Disdukcapil
    liaison = factories.user(Role.LIAISON)  # Kota Kendari
    agreement = db.session.scalar(select(Agreement).where(Agreement.region_id == liaison.region_id))
    agreement.liaisons.append(liaison)
    db.session.commit()
    tokens = {}
    for name, user in (
        ("officer", staff.examiner),
        ("supervisor", staff.supervisor),
        ("head", head),
        ("liaison", liaison),
    ):
        tokens[name] = api_tokens.create_token(user, "uji")[1]
    db.session.commit()
    return {"a": a, "b": b, "c": c, "tokens": tokens, "head": head, "liaison": liaison, "agreement": agreement}


def get(client, token: str, url: str):
    return client.get(url, headers={"Authorization": f"Bearer {token}"})


def case_urls(case_id: int) -> list[str]:
    return [f"/api/v1/cases/{case_id}", f"/api/v1/cases/{case_id}/events", f"/api/v1/cases/{case_id}/clocks"]


def test_a_token_is_created_shown_once_listed_and_revoked(client, seeded):
    officer = factories.user(Role.OFFICER)
    factories.login(client, officer)
    created = client.post("/akun/token", data={"name": "Register kantor"})
    page = created.get_data(as_text=True)
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    secret = page[page.index("omb_") :].split("<", 1)[0].strip()
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash != secret and secret not in json.dumps([stored.prefix, stored.token_hash])
    assert secret not in client.get("/akun/token").get_data(as_text=True)  # never shown again
    assert get(client, secret, "/api/v1/me").get_json()["email"] == officer.email
    assert client.post(f"/akun/token/{stored.id}/cabut").status_code == 303
    assert get(client, secret, "/api/v1/me").status_code == 401


def test_tokens_belong_to_staff_and_their_owner(app, client, seeded):
    factories.login(client, factories.user(Role.CITIZEN))
    assert client.get("/akun/token").status_code == 403
    token, _secret = api_tokens.create_token(factories.user(Role.OFFICER), "milik orang lain")
    db.session.commit()
    other = app.test_client()
    factories.login(other, factories.user(Role.SUPERVISOR))
    assert other.post(f"/akun/token/{token.id}/cabut").status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_unusable_tokens_get_401_problems(client, world):
    for header in ("", "Bearer", "Bearer omb_x", "Basic abc", f"Token {world['tokens']['officer']}"):
        response = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
        assert response.status_code == 401 and response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    world["head"].active = False
    db.session.commit()
    assert get(client, world["tokens"]["head"], "/api/v1/me").status_code == 401


def test_a_unit_heads_token_sees_only_its_units_cases_that_came_to_it(client, world):
    token = world["tokens"]["head"]
    listed = get(client, token, "/api/v1/cases?include_closed=true").get_json()
    assert [item["id"] for item in listed["items"]] == [world["a"].id]
    for case in (world["b"], world["c"]):  # another unit's, and one never sent to the unit
        for url in case_urls(case.id):
            assert get(client, token, url).status_code == 404, url
    other_unit = get(client, token, f"/api/v1/cases?unit_id={world['b'].unit_id}").get_json()
    assert other_unit["items"] == [] and other_unit["total"] == 0


def test_a_liaison_follows_the_region_only_under_an_active_agreement(client, world):
    token = world["tokens"]["liaison"]
    assert [i["id"] for i in get(client, token, "/api/v1/cases").get_json()["items"]] == [world["a"].id]
    agreement = world["agreement"]
    agreement.valid_to = office_today(agreement.region.province.timezone) - timedelta(days=1)
    db.session.commit()
    assert get(client, token, "/api/v1/cases").get_json()["items"] == []
    assert get(client, token, f"/api/v1/cases/{world['a'].id}").status_code == 404


def test_no_endpoint_gives_a_confidential_reporter_to_anyone_outside_the_ombudsman(client, world):
    secrets = [REPORTER["full_name"], REPORTER["nik"], REPORTER["email"], REPORTER["phone"], "Wa Ode"]
    urls = ["/api/v1/cases?include_closed=true", *case_urls(world["a"].id), "/api/v1/regions/74.71/profile"]
    for who in ("head", "liaison"):
        for url in urls:
            body = get(client, world["tokens"][who], url).get_data(as_text=True)
            assert not [s for s in secrets if s in body], (who, url)
        detail = get(client, world["tokens"][who], f"/api/v1/cases/{world['a'].id}").get_json()
        assert detail["reporter"] == "Pelapor (dirahasiakan)" and detail["reporter_identity"] is None
        assert detail["tracking_number"] is None
    staff_view = get(client, world["tokens"]["officer"], f"/api/v1/cases/{world['a'].id}").get_json()
    assert staff_view["reporter_identity"]["full_name"] == REPORTER["full_name"]
    assert REPORTER["nik"] not in json.dumps(staff_view)  # the NIK is in no API answer at all


def test_units_see_the_public_history_only(client, world):
    staff_events = get(client, world["tokens"]["officer"], f"/api/v1/cases/{world['a'].id}/events").get_json()
    unit_events = get(client, world["tokens"]["head"], f"/api/v1/cases/{world['a'].id}/events").get_json()
    assert len(unit_events) < len(staff_events)
    assert all(e["public"] and e["payload"] is None for e in unit_events)


def test_pages_filters_and_bad_parameters(client, world):
    token = world["tokens"]["officer"]
    first = get(client, token, "/api/v1/cases?per_page=1&include_closed=true").get_json()
    assert first["total"] == 3 and len(first["items"]) == 1 and "page=2" in first["next"]
    last = get(client, token, "/api/v1/cases?per_page=1&page=3&include_closed=true").get_json()
    assert last["next"] is None
    assert get(client, token, "/api/v1/cases?region=74.72").get_json()["total"] == 1
    for query in ("page=0", "per_page=101", "status=bogus", "overdue=maybe", "region=99.99", "unit_id=-1"):
        response = get(client, token, f"/api/v1/cases?{query}")
        assert response.status_code == 400 and response.mimetype == "application/problem+json", query
        assert response.get_json()["status"] == 400
    assert get(client, token, "/api/v1/cases/999999").status_code == 404
    assert get(client, token, "/api/v1/regions/zz").status_code == 404


def test_places_profiles_and_assessments(client, world):
    token = world["tokens"]["head"]
    assert get(client, token, "/api/v1/regions").get_json()["total"] == 17
    assert get(client, token, "/api/v1/units?region=74.71").get_json()["total"] == 6
    profile = get(client, token, "/api/v1/regions/74.13/profile").get_json()
    assert profile["latest_assessment"]["score"] == 93.46 and profile["latest_assessment"]["category"] == "A"
    assert profile["targets"][0]["state"] == "met"
    y2024 = get(client, token, "/api/v1/assessments?year=2024").get_json()
    assert y2024["total"] == 5


def test_the_description_and_its_page_are_public(client, seeded):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1") and "/cases/{case_id}" in spec["paths"]
    page = client.get("/api/v1/").get_data(as_text=True)
    assert "/api/v1/cases" in page and "Authorization: Bearer" in page


def test_administrators_tokens_do_not_reach_cases(client, world):
    admin = factories.user(Role.ADMIN)
    secret = api_tokens.create_token(admin, "admin")[1]
    db.session.commit()
    response = get(client, secret, "/api/v1/cases")
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert get(client, secret, f"/api/v1/cases/{world['a'].id}").status_code == 403
    assert get(client, secret, "/api/v1/regions").status_code == 200


def test_a_new_password_revokes_the_accounts_tokens(client, seeded):
    from complaints.services.accounts.users import change_password

    officer = factories.user(Role.OFFICER)
    secret = api_tokens.create_token(officer, "uji")[1]
    db.session.commit()
    assert get(client, secret, "/api/v1/me").status_code == 200
    change_password(officer, factories.PASSWORD, "Sandi-baru-yang-panjang-2026")
    db.session.commit()
    assert get(client, secret, "/api/v1/me").status_code == 401


def test_answers_are_not_cached_and_odd_values_are_refused(client, world):
    token = world["tokens"]["officer"]
    answer = get(client, token, f"/api/v1/cases/{world['a'].id}")
    assert answer.headers["Cache-Control"] == "no-store"
    for query in ("page=²", "due_within_days=³", "unit_id=١٢", "form=tidak_ada", "area=tidak_ada"):
        assert get(client, token, f"/api/v1/cases?{query}").status_code == 400, query
    assert get(client, token, "/api/v1/regions/74.71/profile?year=²⁰²⁴").status_code == 400
    wrong = get(client, "omb_wrong", "/api/v1/me")
    assert 'error="invalid_token"' in wrong.headers["WWW-Authenticate"]


def test_the_described_statuses_are_the_real_ones():
    from complaints.blueprints.api.openapi import CASE_STATUSES
    from complaints.models import CaseStatus

    assert [s.value for s in CaseStatus] == CASE_STATUSES


def test_assessment_parts_say_what_they_are(client, world):
    from complaints.services.compliance.assessment_import import import_assessments

    rows = b"year,region_code,score,dimension_process,unit_puskesmas\n2023,74.71,64.14,70.00,55.50\n"
    assert import_assessments("parts.csv", rows).ok
    db.session.commit()
    [kendari] = get(client, world["tokens"]["head"], "/api/v1/assessments?year=2023&region=74.71").get_json()["items"]
    assert sorted((p["kind"], p["score"]) for p in kendari["parts"]) == [("dimension", 70.0), ("unit", 55.5)]
