"""Who reaches a case, decided once (complaints/services/casework/reach.py): one matrix of roles × cases, checked
against the rule itself and through every surface that shows a case (the officers' pages, the JSON API, Open311,
the data exchange, the e-mail recipients)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Agreement, Complaint, Office, Province, Role, UnitKind
from complaints.services.accounts import api_tokens
from complaints.services.casework import examination, reach
from complaints.services.places.working_days import office_today
from tests import factories
from tests.casework import Staff
from tests.filing import filed_against

CASES = ("verifying", "requested", "other_unit", "other_region")

#: role -> the cases it reaches. Staff reach their office's cases; heads and liaisons only cases brought to their
#: units (never one still being verified), a liaison only under an active agreement; another office nothing.
EXPECTED = {
    "officer": set(CASES),
    "supervisor": set(CASES),
    "admin": set(CASES),
    "officer_elsewhere": set(),
    "head": {"requested"},
    "head_of_other_unit": {"other_unit"},
    "liaison": {"requested", "other_unit"},
    "liaison_of_other_region": {"other_region"},
    "liaison_without_agreement": set(),
    "citizen": set(),
}


def liaison_of(region_code: str):
    liaison = factories.user(Role.LIAISON, region=factories.region(region_code))
    agreement = db.session.scalar(select(Agreement).where(Agreement.region_id == liaison.region_id))
    if agreement is not None:
        agreement.liaisons.append(liaison)
    db.session.commit()
    return liaison


@pytest.fixture
def world(seeded, client):
    staff = Staff()
    dukcapil, perizinan = factories.unit("74.71", UnitKind.DISDUKCAPIL), factories.unit("74.71", UnitKind.DPMPTSP)
    cases = {"verifying": filed_against(client, dukcapil, email="v@example.org")}
    for name, unit_, extra in (
        ("requested", dukcapil, {"confidential": "y"}),
        ("other_unit", perizinan, {}),
        ("other_region", factories.unit("74.72", UnitKind.DISDUKCAPIL), {}),
    ):
        case = filed_against(client, unit_, email=f"{name}@example.org", **extra)
        staff.examine(case)
        examination.request_clarification(case, "Mengapa?", by=staff.examiner)
        db.session.commit()
        cases[name] = case
    elsewhere = Province(code="73", name="Sulawesi Selatan", timezone="Asia/Makassar")
    db.session.add(elsewhere)
    db.session.flush()
    office = Office(code="MKS", name="Perwakilan Sulawesi Selatan", province_id=elsewhere.id, city="Makassar")
    db.session.add(office)
    db.session.commit()
    users = {
        "officer": staff.examiner,
        "supervisor": staff.supervisor,
        "admin": factories.user(Role.ADMIN),
        "officer_elsewhere": factories.user(Role.OFFICER, office=office),
        "head": factories.user(Role.UNIT_HEAD, units=[dukcapil]),
        "head_of_other_unit": factories.user(Role.UNIT_HEAD, units=[perizinan]),
        "liaison": liaison_of("74.71"),
        "liaison_of_other_region": liaison_of("74.72"),
        "liaison_without_agreement": liaison_of("74.05"),  # Konawe Selatan has no agreement
        "citizen": factories.user(Role.CITIZEN),
    }
    assert reach.liaison_follows(users["liaison"].region) and not reach.liaison_follows(factories.region("74.05"))
    return cases, users


def reached(users, cases) -> dict[str, set[str]]:
    return {role: {name for name, case in cases.items() if reach.reaches(user, case)} for role, user in users.items()}


def test_the_rule_for_one_case_and_for_lists_agree_for_every_role(app_ctx, world):
    cases, users = world
    assert reached(users, cases) == EXPECTED
    for role, user in users.items():
        listed = set(db.session.scalars(select(Complaint.id).where(reach.case_scope(user))))
        assert listed == {cases[name].id for name in EXPECTED[role]}, role
        for name, case in cases.items():
            found = reach.case_in_reach(user, case.id, lock=True)
            assert (found is not None) == (name in EXPECTED[role]), (role, name)


def test_a_liaison_loses_the_region_when_its_agreement_ends(app_ctx, world):
    cases, users = world
    agreement = db.session.scalar(select(Agreement).where(Agreement.region_id == users["liaison"].region_id))
    agreement.valid_to = office_today("Asia/Makassar") - timedelta(days=1)
    db.session.commit()
    assert reached(users, cases)["liaison"] == set()
    assert reach.followed_agreements(users["liaison"]) == []
    assert users["liaison"].email not in reach.unit_recipients(cases["requested"], office_today("Asia/Makassar"))


def test_the_officers_pages_follow_the_rule(app, world):
    cases, users = world
    for role in ("officer", "supervisor", "officer_elsewhere"):
        client = app.test_client()
        factories.login(client, users[role])
        for name, case in cases.items():
            expected = 200 if name in EXPECTED[role] else 404
            assert client.get(f"/kasus/{case.id}").status_code == expected, (role, name)


def test_the_api_follows_the_rule(app, client, world):
    cases, users = world
    for role in ("officer", "supervisor", "officer_elsewhere", "head", "head_of_other_unit", "liaison"):
        token = api_tokens.create_token(users[role], "uji")[1]
        db.session.commit()
        listed = client.get("/api/v1/cases?include_closed=true", headers={"Authorization": f"Bearer {token}"})
        assert {item["id"] for item in listed.get_json()["items"]} == {cases[n].id for n in EXPECTED[role]}, role
        for name, case in cases.items():
            response = client.get(f"/api/v1/cases/{case.id}", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == (200 if name in EXPECTED[role] else 404), (role, name)


def test_open311_shows_public_reports_and_lists_no_confidential_one(client, world):
    cases, _users = world
    listed = {r["service_request_id"] for r in client.get("/open311/v2/requests.json").get_json()}
    assert listed == {cases[n].tracking_number for n in ("verifying", "other_unit", "other_region")}
    for case in cases.values():  # asked for by its number, which only the reporter and the application know
        assert client.get(f"/open311/v2/requests/{case.tracking_number}.json").status_code == 200


def test_the_data_exchange_follows_the_rule(app, world):
    cases, users = world
    client = app.test_client()
    factories.login(client, users["liaison"])
    rows = csv.reader(io.StringIO(client.get("/wilayah-saya/pertukaran-data.csv").data.decode("utf-8-sig")))
    cells = {cell for row in rows for cell in row}
    numbers = {name for name, case in cases.items() if case.registration_number in cells}
    assert numbers == {"requested", "other_unit"}  # the region's cases brought to its units, not Baubau's
    other = app.test_client()
    factories.login(other, users["liaison_without_agreement"])
    assert other.get("/wilayah-saya/pertukaran-data.csv").status_code == 404


def test_unit_e_mails_go_to_the_heads_and_the_liaisons_under_an_agreement(app_ctx, world):
    cases, users = world
    today = office_today("Asia/Makassar")
    assert reach.unit_recipients(cases["requested"], today) == sorted([users["head"].email, users["liaison"].email])
    assert reach.unit_recipients(cases["other_region"], today) == [users["liaison_of_other_region"].email]


def test_the_reporter_reaches_their_own_report_only(app_ctx, world):
    cases, users = world
    citizen = users["citizen"]
    case = cases["verifying"]
    assert not reach.reporter_reaches(case, citizen, set())
    assert reach.reporter_reaches(case, citizen, {case.id})
    assert not reach.reporter_reaches(cases["requested"], citizen, {case.id})
    case.reporter_user_id = citizen.id
    db.session.commit()
    assert reach.reporter_reaches(case, citizen, set())
    assert not reach.sees_identity(citizen) and not reach.sees_identity(users["liaison"])
    assert reach.sees_identity(users["officer"])
