"""What a reporter can do after filing: supply missing documents, answer the notice before the final report,
withdraw the report, and rate the outcome once it is closed."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from complaints.extensions import db
from complaints.models import AttachmentKind, CaseStatus, Complaint, User
from complaints.models.types import utcnow
from complaints.services.casework import clocks, history, notifications, verification
from complaints.services.core import outbox, uploads
from complaints.services.core.errors import RuleError


def _actor(by: User | None) -> User | None:
    return by if by is not None and by.is_authenticated else None


def _keep_private(complaint: Complaint) -> bool:
    """Documents the reporter sends later stay with the Ombudsman when the reporter asked for confidentiality or
    kept their first documents from the unit: they may show who the reporter is."""
    return complaint.confidential or any(a.private and a.kind is AttachmentKind.EVIDENCE for a in complaint.attachments)


def _check_room(complaint: Complaint, files: list[uploads.CheckedFile]) -> None:
    try:
        uploads.check_room(complaint, len(files))
    except uploads.UploadError as exc:
        raise RuleError(str(exc), "documents") from exc


def supply_documents(
    complaint: Complaint, note: str, files: list[uploads.CheckedFile], *, by: User | None = None
) -> None:
    """The missing documents arrive: the completion clock is met and the Ombudsman's verification clock runs on."""
    if complaint.status is not CaseStatus.DOCUMENTS_REQUESTED:
        raise RuleError(_l("The Ombudsman has not asked you for documents."))
    if not files:
        raise RuleError(_l("Attach at least one document."), "documents")
    _check_room(complaint, files)
    for checked in files:
        uploads.store(complaint, checked, AttachmentKind.SUPPLEMENT, private=_keep_private(complaint), by=_actor(by))
    today = clocks.case_today(complaint)
    completion = clocks.running_clock(complaint, "completion")
    if completion is not None:
        clocks.meet_clock(completion)
    verification = clocks.running_clock(complaint, "verification")
    if verification is not None:
        clocks.resume_clock(verification, today)
    complaint.status = CaseStatus.VERIFICATION
    notifications.notify_office(complaint, _("the reporter supplied the missing documents"), "reporter_documents")
    history.record_event(
        complaint,
        "documents_supplied",
        actor=_actor(by),
        actor_label=_("Reporter"),
        public=True,
        payload={"files": len(files), "note": note},
    )


def respond_to_notice(
    complaint: Complaint, response: str, files: list[uploads.CheckedFile], *, by: User | None = None
) -> None:
    """The reporter answers the notice of the conclusion (14 days before the final report; PO 48/2020 art. 25(5))."""
    clock = clocks.running_clock(complaint, "pre_report_response")
    if complaint.status is not CaseStatus.PRE_REPORT_NOTICE or clock is None:
        raise RuleError(_l("There is no notice to answer, or you have already answered it."))
    _check_room(complaint, files)
    for checked in files:
        uploads.store(
            complaint, checked, AttachmentKind.NOTICE_RESPONSE, private=_keep_private(complaint), by=_actor(by)
        )
    clocks.meet_clock(clock)
    notifications.notify_office(complaint, _("the reporter answered the conclusion"), "reporter_response")
    history.record_event(
        complaint,
        "notice_answered",
        actor=_actor(by),
        actor_label=_("Reporter"),
        public=True,
        payload={"response": response, "files": len(files)},
    )


def withdraw(complaint: Complaint, reason: str, *, by: User | None = None) -> None:
    """The reporter withdraws: the case closes with reason ``dicabut_pelapor`` and every clock stops."""
    if complaint.is_closed:
        raise RuleError(_l("This report is already closed."))
    clocks.cancel_open_clocks(complaint)
    notifications.notify_office(complaint, _("the reporter withdrew the report"), "reporter_withdrew")
    complaint.status = CaseStatus.CLOSED
    complaint.closed_at = utcnow()
    complaint.closure_reason_code = verification.WITHDRAWN
    complaint.closure_note = reason
    history.record_event(
        complaint,
        "withdrawn",
        actor=_actor(by),
        actor_label=_("Reporter"),
        public=True,
        payload={"reason": reason},
    )
    outbox.queue_email(
        to=complaint.reporter.email,
        subject=_("Your report %(number)s has been withdrawn", number=complaint.tracking_number),
        body=_(
            "You withdrew report %(number)s. The Ombudsman has closed it and will take no further steps.\n\n"
            "Your reason: %(reason)s\n\n%(office)s",
            number=complaint.tracking_number,
            reason=reason,
            office=complaint.office.name,
        ),
        kind="complaint_withdrawn",
        complaint=complaint,
    )


def rate(complaint: Complaint, rating: int, comment: str | None, *, by: User | None = None) -> None:
    if not complaint.is_closed:
        raise RuleError(_l("You can rate the outcome once the report is closed."))
    if complaint.closure_reason_code == verification.WITHDRAWN:
        raise RuleError(_l("A withdrawn report has no outcome to rate."))
    if complaint.rating is not None:
        raise RuleError(_l("You have already rated this report."))
    if rating not in range(1, 6):
        raise RuleError(_l("Choose from 1 to 5."), "rating")
    complaint.rating = rating
    complaint.rating_comment = comment or None
    complaint.rated_at = utcnow()
    history.record_event(
        complaint,
        "rated",
        actor=_actor(by),
        actor_label=_("Reporter"),
        public=True,
        payload={"rating": rating},
    )
    db.session.flush()
