"""The retention job (UU 27/2022): reporters of cases closed longer than REPORTER_DATA_RETENTION_DAYS are anonymised
and their identity documents deleted, without changing the history, the figures, the exports or Open311; recent and
open cases are left alone, and a second run changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from complaints.extensions import db
from complaints.models import (
    Attachment,
    AttachmentKind,
    CaseEvent,
    Complaint,
    IdentityView,
    OutboxMessage,
    ReporterIdentity,
)
from complaints.services.accounts import api_tokens
from complaints.services.casework import examination
from complaints.services.casework.history import verify_history
from complaints.services.compliance import live_figures
from complaints.services.core import uploads
from complaints.services.intake import reporter_actions
from complaints.services.portal import data_exchange
from complaints.services.privacy import retention
from tests import factories
from tests.casework import Staff
from tests.filing import PDF, filed_against, kendari_disdukcapil, upload

SIX_YEARS = timedelta(days=6 * 365)


def closed_long_ago(client, staff: Staff, email: str, **form) -> Complaint:
    """A case brought to the unit (so that it is in the data exchange), resolved by it, and moved six years back."""
    case = filed_against(client, kendari_disdukcapil(), email=email, evidence=upload(PDF, "bukti.pdf"), **form)
    staff.examine(case)
    examination.request_clarification(case, "Mengapa KTP belum terbit?", by=staff.examiner)
    examination.resolved_by_unit(case, "KTP sudah terbit.", by=staff.supervisor)
    db.session.commit()
    case.received_at, case.closed_at = case.received_at - SIX_YEARS, case.closed_at - SIX_YEARS
    db.session.commit()
    return case


@pytest.fixture
def cases(app, seeded):
    client = app.test_client()
    staff = Staff()
    citizen = factories.user("citizen", email="lama@example.org")
    factories.login(client, citizen)
    old = closed_long_ago(
        client,
        staff,
        "lama@example.org",
        acts_for_other="y",
        principal_name="Budi",
        power_of_attorney=upload(PDF, "kuasa.pdf"),
    )
    client = app.test_client()
    recent = filed_against(client, kendari_disdukcapil(), email="baru@example.org")
    reporter_actions.withdraw(recent, "Sudah selesai.")
    db.session.commit()
    still_open = filed_against(client, kendari_disdukcapil(), email="buka@example.org")
    return staff, old, recent, still_open


def snapshot(case_id: int) -> dict:
    """Everything the job may touch on a case, as plain values."""
    db.session.expire_all()
    reporter = db.session.get(ReporterIdentity, case_id)
    return {
        "reporter": {c.key: getattr(reporter, c.key) for c in ReporterIdentity.__table__.columns},
        "reporter_user_id": db.session.get(Complaint, case_id).reporter_user_id,
        "attachments": sorted(
            (a.kind.value, a.stored_name)
            for a in db.session.scalars(select(Attachment).where(Attachment.complaint_id == case_id))
        ),
        "events": [
            (e.seq, e.type, e.hash)
            for e in db.session.scalars(
                select(CaseEvent).where(CaseEvent.complaint_id == case_id).order_by(CaseEvent.seq)
            )
        ],
        "mail": sorted(
            (m.id, m.recipient, m.body)
            for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.complaint_id == case_id))
        ),
    }


def published(client, case: Complaint) -> dict:
    """What the figures, the exports and Open311 say, each computed again."""
    region = case.region
    return {
        "figures": live_figures.unit_figures([case.unit_id]),
        "exchange": b"".join(data_exchange.region_csv(region, every_case=True)),
        "lapor": b"".join(data_exchange.lapor_csv(region, every_case=True)),
        "open311": client.get(f"/open311/v2/requests/{case.tracking_number}.json").get_json(),
    }


def test_a_case_closed_long_ago_is_anonymised_and_its_identity_documents_deleted(app, client, cases):
    _staff, old, _recent, _open = cases
    documents = [a for a in old.attachments if a.kind in (AttachmentKind.ID_CARD, AttachmentKind.POWER_OF_ATTORNEY)]
    files = [uploads.path_of(a) for a in documents]
    evidence = next(uploads.path_of(a) for a in old.attachments if a.kind is AttachmentKind.EVIDENCE)
    assert len(files) == 2 and all(path.exists() for path in files)
    assert old.reporter_user_id is not None

    report = retention.apply_retention()

    assert (report.cases, report.documents) == (1, 2) and report.messages >= 1
    after = snapshot(old.id)
    reporter = after["reporter"]
    assert reporter["full_name"] == retention.REMOVED_NAME and reporter["nik"] == retention.REMOVED_NIK
    for field in ("birth_place", "occupation", "address", "phone", "email", "principal_name"):
        assert reporter[field] == retention.MARKER, field
    assert reporter["birth_date"] is None and reporter["marital_status"] is None
    assert reporter["anonymised_at"] is not None and after["reporter_user_id"] is None
    assert [kind for kind, _ in after["attachments"]] == ["evidence"] and evidence.exists()
    assert not any(path.exists() for path in files)
    # The e-mails to the reporter no longer name them nor hold the access key.
    assert after["mail"] and all("lama@example.org" not in (r + b) and "Kunci" not in b for _, r, b in after["mail"])
    assert after["events"][-1][1] == "reporter_identity_removed"


def test_history_figures_exports_and_open311_are_unchanged(app, client, cases):
    _staff, old, _recent, _open = cases
    before_events = snapshot(old.id)["events"]
    before = published(client, old)

    retention.apply_retention()

    assert list(verify_history()) == []
    assert snapshot(old.id)["events"][:-1] == before_events  # appended to, never rewritten
    assert published(client, old) == before


def test_recent_and_open_cases_are_untouched_and_a_second_run_changes_nothing(app, client, cases):
    _staff, old, recent, still_open = cases
    before = {case.id: snapshot(case.id) for case in (recent, still_open)}

    retention.apply_retention()
    anonymised = snapshot(old.id)
    second = retention.apply_retention()

    assert (second.cases, second.documents, second.messages) == (0, 0, 0)
    assert snapshot(old.id) == anonymised
    assert {case.id: snapshot(case.id) for case in (recent, still_open)} == before


def test_the_period_is_a_setting(app, client, cases):
    _staff, old, recent, _open = cases
    app.config["REPORTER_DATA_RETENTION_DAYS"] = 0
    try:
        assert retention.apply_retention().cases == 2  # the case closed today too, with no retention at all
    finally:
        app.config["REPORTER_DATA_RETENTION_DAYS"] = 5 * 365 + 1
    assert snapshot(recent.id)["reporter"]["anonymised_at"] is not None


def test_batches_commit_one_by_one(app, client, cases):
    staff, old, _recent, _open = cases
    other = closed_long_ago(app.test_client(), staff, "lama2@example.org")
    commits = []
    listener = lambda session: commits.append(1)  # noqa: E731
    event.listen(Session, "after_commit", listener)
    try:
        report = retention.apply_retention(batch_size=1)
    finally:
        event.remove(Session, "after_commit", listener)
    assert report.cases == 2 and len(commits) >= 2
    assert all(snapshot(c.id)["reporter"]["anonymised_at"] for c in (old, other))


def test_the_record_of_identity_views_stays_and_the_page_says_the_identity_is_gone(app, client, cases):
    staff, old, _recent, _open = cases
    factories.login(client, staff.supervisor)
    client.get(f"/kasus/{old.id}")
    retention.apply_retention()
    page = client.get(f"/kasus/{old.id}").get_data(as_text=True)
    assert 'id="identity-removed"' in page and "7471010101900001" not in page
    secret = api_tokens.create_token(staff.examiner, "uji")[1]
    db.session.commit()
    answer = client.get(f"/api/v1/cases/{old.id}", headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert answer["reporter_identity"] is None and answer["reporter"] == retention.REMOVED_NAME
    # The old view is kept; the answers without an identity write none.
    assert len(db.session.scalars(select(IdentityView)).all()) == 1


def test_the_command_and_the_beat_task_run_it(app, cases):
    result = app.test_cli_runner().invoke(args=["retention"])
    assert result.exit_code == 0 and result.output.startswith("1 reporters anonymised, 2 identity documents")
    task = app.extensions["celery"].tasks["complaints.privacy.retention"]
    assert task.apply().get().startswith("0 reporters anonymised")
    assert "complaints.privacy.retention" in {entry["task"] for entry in app.config["CELERY"]["beat_schedule"].values()}


def test_finished_sessions_and_report_accesses_are_deleted_after_their_period(app, cases):
    from complaints.models import EndReason, ReportAccess, Role, SignInSession
    from complaints.models.types import utcnow
    from complaints.services.accounts import sessions

    _staff, _old, recent_case, _open = cases
    now = utcnow()
    user = factories.user(Role.OFFICER)
    old, recent, live = (
        sessions.find(sessions.start(user, user_agent="Firefox", ip_address="10.0.0.1")) for _ in range(3)
    )
    old.ended_at, old.ended_reason = now - timedelta(days=91), EndReason.SIGNED_OUT
    recent.ended_at, recent.ended_reason = now - timedelta(days=89), EndReason.SIGNED_OUT
    db.session.query(ReportAccess).delete()
    db.session.add_all(
        [
            ReportAccess(complaint_id=recent_case.id, secret_hash="a" * 64, created_at=now - timedelta(days=92)),
            ReportAccess(complaint_id=recent_case.id, secret_hash="b" * 64, created_at=now - timedelta(days=2)),
        ]
    )
    db.session.commit()
    old_id, kept = old.id, {recent.id, live.id}
    report = retention.apply_retention(now)
    assert report.sessions == 2
    remaining = set(db.session.scalars(select(SignInSession.id)))
    assert remaining >= kept and old_id not in remaining
    assert [a.secret_hash for a in db.session.scalars(select(ReportAccess))] == ["b" * 64]
