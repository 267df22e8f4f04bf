"""The record of who was shown a reporter's identity (issue 12): written with the answer that showed it, never for
those who are shown none, readable by supervisors only, and unchangeable on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.exc import DBAPIError

from complaints.extensions import db
from complaints.models import (
    AttachmentKind,
    ClarificationRequest,
    IdentityChannel,
    IdentityShown,
    IdentityView,
    Role,
)
from complaints.models.types import utcnow
from complaints.services.accounts import api_tokens
from complaints.services.casework import examination
from complaints.services.privacy import identity_views
from tests import factories
from tests.casework import Staff
from tests.filing import filed_against, kendari_disdukcapil


def views() -> list[IdentityView]:
    return list(db.session.scalars(select(IdentityView).order_by(IdentityView.id)))


@pytest.fixture
def world(app, seeded):
    client = app.test_client()
    staff = Staff()
    case = filed_against(client, kendari_disdukcapil(), confidential="y")
    staff.examine(case)
    examination.request_clarification(case, "Mengapa KTP belum terbit?", by=staff.examiner)
    db.session.commit()
    return staff, case


def bearer(user) -> dict:
    secret = api_tokens.create_token(user, "uji")[1]
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_the_case_page_writes_one_row_with_who_when_what_and_through_what(client, world):
    staff, case = world
    factories.login(client, staff.examiner)
    before = utcnow()
    page = client.get(f"/kasus/{case.id}")
    assert page.status_code == 200 and case.reporter.nik in page.get_data(as_text=True)
    [view] = views()
    assert (view.user_id, view.complaint_id) == (staff.examiner.id, case.id)
    assert (view.shown.value, view.channel.value, view.office_id) == ("identity", "page", case.office_id)
    assert before - timedelta(seconds=5) <= view.viewed_at <= utcnow()
    client.get(f"/kasus/{case.id}")
    assert len(views()) == 2  # every showing, not the first only


def test_recording_costs_the_page_one_insert(client, world):
    staff, case = world
    factories.login(client, staff.examiner)
    client.get(f"/kasus/{case.id}")  # the session's own writes (sign-in bookkeeping) out of the way
    writes = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement.split("(")[0].strip())

    event.listen(Engine, "before_cursor_execute", note)
    try:
        assert client.get(f"/kasus/{case.id}").status_code == 200
    finally:
        event.remove(Engine, "before_cursor_execute", note)
    assert writes == ["INSERT INTO identity_views"]


def test_the_id_card_download_and_the_api_answer_are_recorded(client, world):
    staff, case = world
    factories.login(client, staff.supervisor)
    id_card = next(a for a in case.attachments if a.kind is AttachmentKind.ID_CARD)
    assert client.get(f"/kasus/{case.id}/lampiran/{id_card.id}").status_code == 200
    answer = client.get(f"/api/v1/cases/{case.id}", headers=bearer(staff.examiner))
    assert answer.get_json()["reporter_identity"]["full_name"] == case.reporter.full_name
    assert [(v.user_id, v.shown.value, v.channel.value) for v in views()] == [
        (staff.supervisor.id, "id_card", "download"),
        (staff.examiner.id, "contacts", "api"),
    ]
    assert client.get(f"/api/v1/cases/{case.id}/clocks", headers=bearer(staff.examiner)).status_code == 200
    assert len(views()) == 2  # an answer without the identity writes nothing


def test_a_unit_head_and_a_liaison_are_shown_no_identity_and_leave_no_row(app, world, people):
    _staff, case = world
    _, head, liaison = people
    request = db.session.scalar(select(ClarificationRequest).where(ClarificationRequest.complaint_id == case.id))
    for user in (head, liaison):
        client = app.test_client()
        factories.login(client, user)
        page = client.get(f"/portal/permintaan/{request.id}")
        assert page.status_code == 200
        answer = client.get(f"/api/v1/cases/{case.id}", headers=bearer(user))
        assert answer.status_code == 200 and answer.get_json()["reporter_identity"] is None
        for shown in (page.get_data(as_text=True), answer.get_data(as_text=True)):
            assert case.reporter.full_name not in shown and case.reporter.nik not in shown
    assert views() == []


def test_a_refused_action_shows_the_page_again_and_records_it(client, world):
    staff, case = world
    factories.login(client, staff.examiner)
    refused = client.post(f"/kasus/{case.id}/record_step", data={"record_step-step": "", "record_step-note": ""})
    assert refused.status_code == 422
    assert [(v.user_id, v.shown.value) for v in views()] == [(staff.examiner.id, "identity")]


def test_the_supervisor_reads_the_record_per_case_and_for_the_office(app, client, world):
    staff, case = world
    officer = app.test_client()
    factories.login(officer, staff.examiner)
    officer.get(f"/kasus/{case.id}")
    factories.login(client, staff.supervisor)
    per_case = client.get(f"/kasus/{case.id}/riwayat-identitas")
    assert per_case.status_code == 200
    assert staff.examiner.full_name in per_case.get_data(as_text=True)
    office = client.get("/kasus/akses-identitas")
    body = office.get_data(as_text=True)
    assert office.status_code == 200 and staff.examiner.full_name in body and case.registration_number in body
    assert case.reporter.full_name not in body and case.reporter.nik not in body  # the record names no reporter
    assert "/kasus/akses-identitas" in client.get("/kasus").get_data(as_text=True)  # in the supervisor's header


def test_the_office_record_filters_by_date_user_and_case(app, client, world):
    staff, case = world
    for user in (staff.examiner, staff.supervisor):
        other = app.test_client()
        factories.login(other, user)
        other.get(f"/kasus/{case.id}")
    factories.login(client, staff.supervisor)
    today = utcnow().date()

    def listed(**args) -> int:
        response = client.get("/kasus/akses-identitas", query_string=args)
        assert response.status_code == 200
        return response.get_data(as_text=True).count('<td class="font-monospace">')

    assert listed() == 2
    assert listed(user_id=staff.examiner.id) == 1
    assert listed(case=case.registration_number) == 2 and listed(case="XXXX-XXXX") == 0
    assert listed(start=(today - timedelta(days=1)).isoformat(), end=(today + timedelta(days=1)).isoformat()) == 2
    assert listed(start=(today + timedelta(days=2)).isoformat()) == 0


@pytest.mark.parametrize(
    "args",
    [{"start": "2026-13-45"}, {"user_id": "abc"}, {"start": "2026-05-02", "end": "2026-05-01"}, {"case": "x" * 41}],
)
def test_bad_filters_are_a_400_with_the_reason(client, world, args):
    staff, _case = world
    factories.login(client, staff.supervisor)
    response = client.get("/kasus/akses-identitas", query_string=args)
    assert response.status_code == 400
    assert "invalid-feedback" in response.get_data(as_text=True)


def test_the_office_record_is_paginated(app, client, world):
    staff, case = world
    for _ in range(55):
        identity_views.record(staff.examiner, case, IdentityShown.IDENTITY, IdentityChannel.PAGE)
    db.session.commit()
    factories.login(client, staff.supervisor)
    first = client.get("/kasus/akses-identitas").get_data(as_text=True)
    second = client.get("/kasus/akses-identitas?page=2").get_data(as_text=True)
    assert first.count('<td class="font-monospace">') == 50 and second.count('<td class="font-monospace">') == 5
    assert "page=2" in first and "page=3" not in second  # a next page only where there is one
    per_case = client.get(f"/kasus/{case.id}/riwayat-identitas?page=2").get_data(as_text=True)
    assert per_case.count("<tr>") == 1 + 5 and f"/kasus/{case.id}/riwayat-identitas?page=1" in per_case


def test_only_supervisors_read_the_record(app, world, people):
    staff, case = world
    _, head, liaison = people
    for user in (staff.examiner, head, liaison, factories.user(Role.ADMIN), factories.user(Role.CITIZEN)):
        client = app.test_client()
        factories.login(client, user)
        assert client.get("/kasus/akses-identitas").status_code == 403, user.role
        assert client.get(f"/kasus/{case.id}/riwayat-identitas").status_code == 403, user.role
    anonymous = app.test_client().get("/kasus/akses-identitas")
    assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]


def test_another_offices_supervisor_gets_404_for_the_case(client, world):
    from complaints.models import Office, Province

    _staff, case = world
    province = Province(code="73", name="Sulawesi Selatan", timezone="Asia/Makassar")
    office = Office(code="MKS", name="Perwakilan Sulawesi Selatan", province=province, city="Makassar")
    db.session.add(office)
    db.session.commit()
    factories.login(client, factories.user(Role.SUPERVISOR, office=office))
    assert client.get(f"/kasus/{case.id}/riwayat-identitas").status_code == 404
    assert client.get("/kasus/akses-identitas").get_data(as_text=True).count('<td class="font-monospace">') == 0


def test_rows_cannot_be_updated_or_deleted_on_postgresql(client, world):
    staff, case = world
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's (CI runs this on PostgreSQL)")
    factories.login(client, staff.examiner)
    client.get(f"/kasus/{case.id}")
    for statement in (
        "UPDATE identity_views SET user_id = user_id",
        "DELETE FROM identity_views",
        "UPDATE identity_views SET viewed_at = viewed_at - interval '1 day'",
        "DELETE FROM identity_views WHERE shown = 'identity'",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    assert db.session.scalar(select(func.count()).select_from(IdentityView)) == 1


def test_the_application_has_no_path_that_changes_the_record():
    """No module updates or deletes a view: the only write is the INSERT of ``identity_views.record``."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "complaints"
    for path in root.rglob("*.py"):
        source = path.read_text()
        for forbidden in ("update(IdentityView", "delete(IdentityView", "identity_views SET", "FROM identity_views"):
            assert forbidden not in source, (path, forbidden)
