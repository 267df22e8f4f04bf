"""Verification of a report (formal, then material): asking the reporter for what is missing."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from complaints.i18n import format_long_date
from complaints.models import CaseStatus, Complaint, User
from complaints.services import clocks, history, outbox
from complaints.services.errors import RuleError
from complaints.services.links import external_url


def request_documents(complaint: Complaint, missing: str, *, by: User) -> None:
    """Tell the reporter what is missing. They have 30 days (UU 37/2008 art. 25; the completion clock); the
    Ombudsman's own verification clock waits meanwhile."""
    if complaint.status not in {CaseStatus.RECEIVED, CaseStatus.VERIFICATION}:
        raise RuleError(_l("Documents can only be requested during verification."))
    if not missing.strip():
        raise RuleError(_l("Say which documents are missing."), "missing")
    today = clocks.case_today(complaint)
    verification = clocks.running_clock(complaint, "verification")
    if verification is not None:
        clocks.pause_clock(verification, today)
    completion = clocks.start_clock(complaint, "completion", on=today)
    complaint.status = CaseStatus.DOCUMENTS_REQUESTED
    history.record_event(
        complaint,
        "documents_requested",
        actor=by,
        actor_label=_("Ombudsman"),
        public=True,
        payload={"missing": missing, "due_on": completion.due_on.isoformat()},
    )
    outbox.queue_email(
        to=complaint.reporter.email,
        subject=_("Report %(number)s: documents needed", number=complaint.tracking_number),
        body=_(
            "To verify report %(number)s the Ombudsman needs:\n\n%(missing)s\n\n"
            "Please supply them by %(date)s at %(url)s (tracking number and access key). After that date the "
            "report is closed.\n\n%(office)s",
            number=complaint.tracking_number,
            missing=missing,
            date=format_long_date(completion.due_on),
            url=external_url("reports.track"),
            office=complaint.office.name,
        ),
        kind="documents_requested",
        complaint=complaint,
    )
