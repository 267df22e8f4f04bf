"""The retention rule (UU 27/2022, see the README's "Personal data"): once a case has been closed longer than
``REPORTER_DATA_RETENTION_DAYS``, its identity documents (ID card, power of attorney) are deleted, files and rows,
and its reporter is anonymised: every field of the identity replaced by a marker, the link to the citizen's account
cut, and the e-mails sent to the reporter about the case emptied.

What stays is the case itself (the account of events, the steps, the clocks, the history, the rating), which is
what the figures, the exports (data exchange, LAPOR!) and Open311 read: none of them reads the reporter, so none
changes. History events are never touched (they carry no identity: the reporter acts as "Pelapor", and the chain is
hashed); the job appends one event saying what it removed.

Batched and idempotent: each batch of cases is anonymised and committed on its own (``services/__init__.py``), a
case once anonymised is never selected again, and on PostgreSQL two runs at once skip each other's locked cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import selectinload

from complaints.extensions import db
from complaints.models import (
    IDENTITY_KINDS,
    CaseStatus,
    Complaint,
    OutboxMessage,
    OutboxStatus,
    ReportAccess,
    ReporterIdentity,
    SignInSession,
)
from complaints.models.types import utcnow
from complaints.services.casework import history
from complaints.services.core import uploads

#: What replaces each text of an anonymised identity (the NIK column holds exactly 16 characters; no region has
#: code 00, so sixteen zeros are never a real NIK).
MARKER = "[dihapus]"
REMOVED_NAME = "Pelapor (data dihapus)"
REMOVED_NIK = "0" * 16


@dataclass
class RetentionReport:
    cases: int = 0
    documents: int = 0
    messages: int = 0
    sessions: int = 0

    def summary(self) -> str:
        return (
            f"{self.cases} reporters anonymised, {self.documents} identity documents and {self.messages} e-mails "
            f"removed, {self.sessions} finished sessions and report accesses deleted"
        )


def cutoff(now: datetime | None = None) -> datetime:
    """Cases closed before this moment are past retention."""
    return (now or utcnow()) - timedelta(days=current_app.config["REPORTER_DATA_RETENTION_DAYS"])


def _due_batch(before: datetime, size: int) -> list[Complaint]:
    query = (
        select(Complaint)
        .join(ReporterIdentity, ReporterIdentity.complaint_id == Complaint.id)
        .where(
            Complaint.status == CaseStatus.CLOSED,
            Complaint.closed_at < before,
            ReporterIdentity.anonymised_at.is_(None),
        )
        .order_by(Complaint.id)
        .limit(size)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Complaint, skip_locked=True)
    # The batch's reporters and files in two statements, not two per case.
    return list(
        db.session.scalars(query.options(selectinload(Complaint.reporter), selectinload(Complaint.attachments)))
    )


def apply_retention(now: datetime | None = None, *, batch_size: int | None = None) -> RetentionReport:
    """Anonymise every case past retention, a batch at a time, each batch committed."""
    now = now or utcnow()
    before, size = cutoff(now), batch_size or current_app.config["RETENTION_BATCH_SIZE"]
    report = RetentionReport()
    while batch := _due_batch(before, size):
        files: list[Path] = []
        report.messages += _empty_reporter_mail([case.id for case in batch])
        for case in batch:
            files += _anonymise(case, now, report)
        db.session.flush()
        # Files go before the commit: if the commit then fails, the rows are still due and the next run ends the
        # job (a missing file is no error), whereas the other way round a failure would leave files no row names.
        for path in files:
            path.unlink(missing_ok=True)
        db.session.commit()
        current_app.logger.info("Retention: batch of %d cases done (%s so far)", len(batch), report.summary())
    report.sessions = _delete_finished_sessions(now)
    db.session.commit()
    return report


def _delete_finished_sessions(now: datetime) -> int:
    """Sign-in sessions and report accesses (device, IP address) finished more than SESSION_RECORD_DAYS ago."""
    before = now - timedelta(days=current_app.config["SESSION_RECORD_DAYS"])
    access_lapsed = before - timedelta(hours=current_app.config["REPORT_ACCESS_HOURS"])
    sessions = db.session.execute(
        delete(SignInSession).where(or_(SignInSession.ended_at < before, SignInSession.expires_at < before))
    )
    accesses = db.session.execute(
        delete(ReportAccess).where(or_(ReportAccess.ended_at < before, ReportAccess.created_at < access_lapsed))
    )
    return sessions.rowcount + accesses.rowcount


def _anonymise(case: Complaint, now: datetime, report: RetentionReport) -> list[Path]:
    """Replace the case's reporter with markers, delete its identity documents' rows (flushed, not committed) and
    return their files for the caller to remove."""
    reporter = case.reporter
    for field in ("birth_place", "occupation", "address", "phone", "email"):
        setattr(reporter, field, MARKER)
    reporter.full_name, reporter.nik = REMOVED_NAME, REMOVED_NIK
    reporter.birth_date = reporter.marital_status = None
    if reporter.principal_name is not None:
        reporter.principal_name = MARKER
    reporter.anonymised_at = now
    case.reporter_user_id = None
    documents = [a for a in case.attachments if a.kind in IDENTITY_KINDS]
    paths = [uploads.path_of(a) for a in documents]
    for document in documents:
        db.session.delete(document)
    report.cases += 1
    report.documents += len(documents)
    history.record_event(
        case,
        "reporter_identity_removed",
        actor_label=_("System"),
        payload={"identity_documents_removed": len(documents)},
    )
    return paths


def _empty_reporter_mail(case_ids: list[int]) -> int:
    """The e-mails to the reporters of these cases (receipt, notices) name them and carried the access key: those
    already sent or given up are emptied, in one statement, before the reporters' addresses are replaced. The rest of
    the outbox (to staff, to units) names no reporter."""
    reporter_address = (
        select(ReporterIdentity.email)
        .where(ReporterIdentity.complaint_id == OutboxMessage.complaint_id)
        .scalar_subquery()
    )
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.complaint_id.in_(case_ids),
            OutboxMessage.recipient == reporter_address,
            OutboxMessage.status != OutboxStatus.PENDING,
        )
        .values(recipient=MARKER, body=MARKER)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
