"""The service units' portal: what a unit head or a region's liaison sees and does.

Reach (which cases and units) is ``casework.reach``'s rule: a unit head, their own units'; a liaison, their region's
while its agreement is active; either only once a case has been brought to the unit. Nothing here ever shows a
reporter's identity: pages and files for units use ``notifications.reporter_label``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from complaints.extensions import db
from complaints.i18n import format_long_date
from complaints.models import (
    IDENTITY_KINDS,
    Addressee,
    Attachment,
    AttachmentKind,
    CaseStatus,
    ClarificationRequest,
    ClarificationStatus,
    Clock,
    ClockStatus,
    Complaint,
    CorrectiveAction,
    DigestSent,
    Region,
    Role,
    ServiceUnit,
    SubmissionKind,
    UnitSubmission,
    User,
    Verdict,
)
from complaints.models.types import utcnow
from complaints.services.casework import clocks, examination, history, notifications, reach
from complaints.services.core import outbox, uploads
from complaints.services.core.errors import RuleError
from complaints.services.core.links import external_url
from complaints.services.places.working_days import office_today


def visible_attachments(case: Complaint) -> list[Attachment]:
    """What a unit may see of a case's files: never the reporter's ID card or power of attorney, nor what the
    reporter marked private. Includes the units' own documents."""
    return [a for a in case.attachments if a.kind not in IDENTITY_KINDS and not a.private]


def shown_name(attachment: Attachment) -> str:
    """A confidential reporter's file names can carry a name or NIK: units see a neutral one."""
    if attachment.complaint.confidential and attachment.kind is not AttachmentKind.UNIT_DOCUMENT:
        return f"dokumen-{attachment.id}.{attachment.content_type.name.lower()}"
    return attachment.original_name


def report_documents(case: Complaint) -> list[Attachment]:
    """The reporter's documents a unit may see (its own documents are listed with its answers)."""
    return [a for a in visible_attachments(case) if a.kind is not AttachmentKind.UNIT_DOCUMENT]


class InboxKind(enum.StrEnum):
    REQUEST = "request"
    ACTION = "action"


class DueState(enum.StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    OPEN = "open"


@dataclass(frozen=True)
class InboxItem:
    kind: InboxKind
    id: int
    case: Complaint
    due_on: date
    state: DueState
    title: str


def _state(due_on: date, clock_status: ClockStatus, today: date) -> DueState:
    if clock_status is ClockStatus.BREACHED or due_on < today:
        return DueState.OVERDUE
    if due_on <= today + timedelta(days=current_app.config["CLOCK_REMINDER_DAYS"]):
        return DueState.DUE_SOON
    return DueState.OPEN


def inbox(user: User, today: date | None = None) -> list[InboxItem]:
    """Open clarification requests and corrective actions for the units in reach, the nearest due date first."""
    units = reach.unit_ids_in_reach(user, today)
    if not units:
        return []
    today = today or office_today(user.timezone)
    items: list[InboxItem] = []
    requests = db.session.execute(
        select(ClarificationRequest, Clock)
        .join(Clock, Clock.id == ClarificationRequest.clock_id)
        .where(ClarificationRequest.unit_id.in_(units), ClarificationRequest.status == ClarificationStatus.OPEN)
    ).all()
    for request, clock in requests:
        items.append(
            InboxItem(
                InboxKind.REQUEST,
                request.id,
                request.complaint,
                clock.due_on,
                _state(clock.due_on, clock.status, today),
                _("Clarification request %(round)d", round=request.round),
            )
        )
    actions = db.session.execute(
        select(CorrectiveAction, Clock)
        .join(Clock, Clock.id == CorrectiveAction.clock_id)
        .join(Complaint, Complaint.id == CorrectiveAction.complaint_id)
        .where(
            Complaint.unit_id.in_(units),
            Complaint.status == CaseStatus.CORRECTIVE_MONITORING,
            CorrectiveAction.addressee == Addressee.UNIT,
            (CorrectiveAction.verdict.is_(None)) | (CorrectiveAction.verdict != Verdict.IMPLEMENTED),
        )
    ).all()
    for action, clock in actions:
        items.append(
            InboxItem(
                InboxKind.ACTION,
                action.id,
                db.session.get(Complaint, action.complaint_id),
                clock.due_on,
                _state(clock.due_on, clock.status, today),
                _("Corrective action"),
            )
        )
    return sorted(items, key=lambda item: (item.due_on, item.kind, item.id))


def request_in_reach(request_id: int, user: User) -> ClarificationRequest | None:
    request = db.session.get(ClarificationRequest, request_id)
    if request is None or request.unit_id not in reach.unit_ids_in_reach(user):
        return None
    return request


def action_in_reach(action_id: int, user: User) -> CorrectiveAction | None:
    action = db.session.get(CorrectiveAction, action_id)
    if action is None:
        return None
    case = db.session.get(Complaint, action.complaint_id)
    return action if reach.reaches(user, case) else None


def submissions_for(*, request_id: int | None = None, action_id: int | None = None) -> list[UnitSubmission]:
    query = select(UnitSubmission).order_by(UnitSubmission.id)
    query = (
        query.where(UnitSubmission.request_id == request_id)
        if request_id
        else query.where(UnitSubmission.action_id == action_id)
    )
    return list(db.session.scalars(query))


def _submit(case, kind, text, files, by, *, request=None, action=None, done_on=None) -> UnitSubmission:
    try:
        uploads.check_room(case, len(files), from_unit=True)
    except uploads.UploadError as exc:
        raise RuleError(str(exc), "documents") from exc
    submission = UnitSubmission(
        complaint_id=case.id,
        request_id=request.id if request else None,
        action_id=action.id if action else None,
        kind=kind,
        text=text,
        done_on=done_on,
        submitted_by_id=by.id,
    )
    db.session.add(submission)
    db.session.flush()
    for checked in files:
        uploads.store(case, checked, AttachmentKind.UNIT_DOCUMENT, by=by).submission_id = submission.id
    return submission


def answer_request(request: ClarificationRequest, text: str, files: list, *, by: User) -> UnitSubmission:
    """The unit head's written answer: it meets the clarification clock and reaches the examiner. Answered once
    (record_clarification_answer refuses a second); what follows are supplements."""
    if by.role is not Role.UNIT_HEAD or request.unit_id not in {u.id for u in by.units}:
        raise RuleError(_l("Only the head of the unit addressed may answer."))
    examination.record_clarification_answer(request, text, by=by)
    submission = _submit(request.complaint, SubmissionKind.ANSWER, text, files, by, request=request)
    notifications.notify_office(request.complaint, _("the unit answered the clarification request"), "unit_answer")
    return submission


def add_supplement(request: ClarificationRequest, text: str, files: list, *, by: User) -> UnitSubmission:
    if by.role is not Role.UNIT_HEAD or request.unit_id not in {u.id for u in by.units}:
        raise RuleError(_l("Only the head of the unit addressed may answer."))
    if request.status is not ClarificationStatus.ANSWERED:
        raise RuleError(_l("Answer the request first; supplements come after the answer."))
    case = request.complaint
    if case.status is not CaseStatus.EXAMINATION:
        raise RuleError(_l("The examination of this case is over."))
    if not text.strip():
        raise RuleError(_l("Write the answer."), "text")
    submission = _submit(case, SubmissionKind.SUPPLEMENT, text, files, by, request=request)
    history.record_event(
        case,
        "unit_supplement",
        actor=by,
        actor_label=f"{by.full_name} ({case.unit.name})",
        payload={"round": request.round},
    )
    notifications.notify_office(case, _("the unit sent a supplement to its answer"), "unit_supplement")
    return submission


def report_action(action: CorrectiveAction, text: str, done_on: date, files: list, *, by: User) -> UnitSubmission:
    """The unit reports what it did, with evidence; the examiner then gives the verdict."""
    case = db.session.get(Complaint, action.complaint_id)
    if by.role is not Role.UNIT_HEAD or case.unit_id not in {u.id for u in by.units}:
        raise RuleError(_l("Only the head of the unit concerned may report."))
    if action.addressee is not Addressee.UNIT:
        raise RuleError(_l("This corrective action is addressed to another body, which reports on it."))
    if case.status is not CaseStatus.CORRECTIVE_MONITORING or action.verdict is Verdict.IMPLEMENTED:
        raise RuleError(_l("This corrective action is no longer open."))
    if not text.strip():
        raise RuleError(_l("Say what was done."), "text")
    if done_on > clocks.case_today(case) or done_on < action.final_report.issued_on:
        raise RuleError(_l("The date must fall between the final report and today."), "done_on")
    action.report, action.reported_at = text, utcnow()
    submission = _submit(case, SubmissionKind.ACTION_REPORT, text, files, by, action=action, done_on=done_on)
    history.record_event(
        case,
        "action_reported",
        actor=by,
        actor_label=f"{by.full_name} ({case.unit.name})",
        payload={"action_id": action.id, "done_on": done_on.isoformat()},
    )
    notifications.notify_office(case, _("the unit reported on a corrective action"), "unit_action_report")
    return submission


def forward(case: Complaint, item_title: str, link: str, to: User, note: str, *, by: User) -> None:
    """A liaison passes an item to the unit head who must act on it."""
    if by.role is not Role.LIAISON or not reach.reaches(by, case):
        raise RuleError(_l("Only the region's liaison may forward this."))
    if to.role is not Role.UNIT_HEAD or not to.active or case.unit_id not in {u.id for u in to.units}:
        raise RuleError(_l("Choose a head of the unit concerned."), "to")
    outbox.queue_email(
        to=to.email,
        subject=_("Forwarded by the liaison: %(title)s, case %(reg)s", title=item_title, reg=case.registration_number),
        body=_("%(liaison)s forwards this to you:\n\n%(note)s\n\n%(link)s", liaison=by.full_name, note=note, link=link),
        kind="liaison_forward",
        complaint=case,
    )
    history.record_event(
        case,
        "forwarded",
        actor=by,
        actor_label=f"{by.full_name} ({case.region.name})",
        payload={"to_user_id": to.id, "item": item_title},
    )


def heads_of(case: Complaint) -> list[User]:
    """The unit heads an item of this case can be forwarded to: those of its unit."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.UNIT_HEAD, User.active, User.units.any(ServiceUnit.id == case.unit_id))
            .order_by(User.full_name)
        )
    )


# --- the liaisons' daily digest -------------------------------------------------------------------------------


def send_digests(today: date | None = None) -> int:
    """One e-mail per liaison per day with what is due soon or overdue in their region. The DigestSent row, unique
    per liaison and day, is written in the same transaction as the e-mail: a second run finds it and sends nothing."""
    sent = 0
    liaisons = db.session.scalars(
        select(User).join(Region, Region.id == User.region_id).where(User.role == Role.LIAISON, User.active)
    ).all()
    for liaison in liaisons:
        day = today or office_today(liaison.region.province.timezone)
        items = [item for item in inbox(liaison, day) if item.state is not DueState.OPEN]
        if not items:
            continue
        if db.session.scalar(select(DigestSent.id).where(DigestSent.user_id == liaison.id, DigestSent.day == day)):
            continue  # already sent today
        lines = [
            f"- {format_long_date(item.due_on)} · {item.title} · {item.case.unit.name} · "
            f"{item.case.registration_number} ({_('overdue') if item.state is DueState.OVERDUE else _('due soon')})"
            for item in items
        ]
        try:
            db.session.add(DigestSent(user_id=liaison.id, day=day, items=len(items)))
            outbox.queue_email(
                to=liaison.email,
                subject=_("%(region)s: %(n)d items due soon or overdue", region=liaison.region.name, n=len(items)),
                body=_(
                    "Requests and corrective actions of the Ombudsman for %(region)s that are due soon or overdue:"
                    "\n\n%(lines)s\n\n%(link)s",
                    region=liaison.region.name,
                    lines="\n".join(lines),
                    link=external_url("units.region"),
                ),
                kind="liaison_digest",
            )
            db.session.commit()
        except IntegrityError:  # another run sent it a moment ago: its row and e-mail stand, ours roll back
            db.session.rollback()
            continue
        sent += 1
    return sent
