"""Filing a report: everything the law asks of it, in one transaction with its history, clock and notifications.

UU 37/2008 art. 24: (1) the reporter's identity, a detailed account, and a prior complaint to the unit or its
superior; (2) the reporter's identity may be kept confidential; (3) the event no older than two years. A report
that misses (1)(c) or (3) is still received: the Ombudsman decides at verification (closure reasons
``belum_mengadu_ke_instansi`` and ``kedaluwarsa``), and the citizen is told so before filing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from complaints.extensions import db
from complaints.i18n import format_long_date
from complaints.models import (
    AttachmentKind,
    Channel,
    Complaint,
    MaritalStatus,
    Region,
    ReporterIdentity,
    Role,
    ServiceUnit,
    User,
)
from complaints.services.casework import clocks, history
from complaints.services.core import outbox, uploads
from complaints.services.core.errors import RuleError
from complaints.services.core.links import external_url
from complaints.services.places.working_days import office_today

#: Crockford's base 32: no I, L, O or U, so a number read aloud or copied by hand is not misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


class AlreadyFiled(Exception):
    """This form was sent before: here is the report it filed."""

    def __init__(self, complaint: Complaint):
        super().__init__(complaint.tracking_number)
        self.complaint = complaint


def find_by_submission_key(key: str | None) -> Complaint | None:
    if not key:
        return None
    return db.session.scalar(select(Complaint).where(Complaint.submission_key == key))


class IntakeError(RuleError):
    """A report that breaks a rule; ``field`` names the form field it concerns."""


def _random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    """What a person typed ("7kq4 x9tp", "7KQ4-X9TP") as the canonical code without separators."""
    return "".join(ch for ch in (text or "").upper().translate(_READ_AS) if ch in ALPHABET)


def format_tracking_number(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}"


def new_tracking_number() -> str:
    """Eight random characters (40 bits): unique, and not guessable from any other number."""
    while True:
        number = format_tracking_number(_random_code(8))
        if not db.session.scalar(select(Complaint.id).where(Complaint.tracking_number == number)):
            return number


def new_access_key() -> str:
    code = _random_code(12)
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def hash_access_key(key: str) -> str:
    return hashlib.sha256(normalise_code(key).encode()).hexdigest()


def access_key_matches(complaint: Complaint, key: str) -> bool:
    return hmac.compare_digest(complaint.access_key_hash, hash_access_key(key))


@dataclass
class Submission:
    """What the filing form collected, already validated field by field."""

    full_name: str
    nik: str
    birth_place: str
    birth_date: date
    marital_status: str
    occupation: str
    address: str
    phone: str
    email: str
    region_id: int
    unit_id: int
    event_date: date
    chronology: str
    complained_to_unit: bool
    expectation: str
    substance_area_code: str
    confidential: bool = False
    acts_for_other: bool = False
    principal_name: str | None = None
    prior_complaint_date: date | None = None
    prior_complaint_channel: str | None = None
    prior_complaint_response: str | None = None
    suspected_form_code: str | None = None


@dataclass
class Files:
    id_card: uploads.CheckedFile
    power_of_attorney: uploads.CheckedFile | None = None
    evidence: list[uploads.CheckedFile] = field(default_factory=list)
    #: Indexes into ``evidence`` of files the reporter does not want the service unit to see.
    private_evidence: set[int] = field(default_factory=set)

    def count(self) -> int:
        return 1 + (self.power_of_attorney is not None) + len(self.evidence)


@dataclass(frozen=True)
class Filed:
    complaint: Complaint
    access_key: str


@dataclass(frozen=True)
class Warnings:
    """What may keep the Ombudsman from taking the report up, explained to the citizen (they may still file)."""

    too_old: bool
    no_prior_complaint: bool


def warnings_for(event_date: date | None, complained_to_unit: bool | None, today: date, years: int) -> Warnings:
    try:
        limit = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        limit = today.replace(year=today.year - years, day=28)
    return Warnings(
        too_old=bool(event_date and event_date < limit),
        no_prior_complaint=complained_to_unit is False,
    )


def file_complaint(
    submission: Submission,
    files: Files,
    *,
    user: User | None = None,
    channel: Channel = Channel.ONLINE,
    submission_key: str | None = None,
) -> Filed:
    """Receive a report. Flushes, never commits: the caller commits once, then notifications go out.

    Files are written as the report is; if the transaction rolls back they are removed again (services/core/uploads.py).
    """
    earlier = find_by_submission_key(submission_key)
    if earlier is not None:
        raise AlreadyFiled(earlier)
    region, unit = _region_and_unit(submission)
    today = office_today(region.province.timezone)
    _check_submission(submission, files, today)
    complaint = _new_complaint(submission, region, unit, today, user=user, channel=channel, key=submission_key)
    access_key = new_access_key()
    complaint.access_key_hash = hash_access_key(access_key)
    complaint.reporter = _reporter_identity(submission)
    db.session.add(complaint)
    db.session.flush()
    _store_files(complaint, files, user)
    _record_filing(complaint, files, today, user=user, channel=channel)
    verification = clocks.start_clock(complaint, "verification", on=today)
    outbox.queue_email(
        to=complaint.reporter.email,
        subject=_("Your report %(number)s has been received", number=complaint.tracking_number),
        body=receipt_email_body(complaint, verification.due_on),
        kind="complaint_receipt",
        complaint=complaint,
        secret=access_key,  # kept apart from the stored body, and wiped once sent
    )
    return Filed(complaint=complaint, access_key=access_key)


def _region_and_unit(submission: Submission) -> tuple[Region, ServiceUnit]:
    """The region and its active unit the report concerns, in a region an office covers."""
    unit = db.session.get(ServiceUnit, submission.unit_id)
    region = db.session.get(Region, submission.region_id)
    if region is None:
        raise IntakeError(_l("Choose the region."), "region_id")
    if unit is None or unit.region_id != region.id or not unit.is_active:
        raise IntakeError(_l("Choose a service unit of the chosen region."), "unit_id")
    if region.province.office is None:
        raise IntakeError(_l("No Ombudsman office covers this region yet."), "region_id")
    return region, unit


def _check_submission(submission: Submission, files: Files, today: date) -> None:
    max_attachments = current_app.config["MAX_ATTACHMENTS"]
    if submission.event_date > today:
        raise IntakeError(_l("The date cannot be in the future."), "event_date")
    if submission.acts_for_other and (not submission.principal_name or files.power_of_attorney is None):
        raise IntakeError(_l("Someone acting for another person attaches the power of attorney."), "power_of_attorney")
    if files.count() > max_attachments:
        raise IntakeError(_l("At most %(n)d files in all.", n=max_attachments), "evidence")


def _new_complaint(
    submission: Submission,
    region: Region,
    unit: ServiceUnit,
    today: date,
    *,
    user: User | None,
    channel: Channel,
    key: str | None,
) -> Complaint:
    complained = submission.complained_to_unit
    return Complaint(
        tracking_number=new_tracking_number(),
        submission_key=key,
        channel=channel,
        rule_set=clocks.rule_set_on(today),
        office=region.province.office,
        region=region,
        unit=unit,
        reporter_user_id=user.id if user is not None and user.role is Role.CITIZEN else None,
        confidential=submission.confidential,
        event_date=submission.event_date,
        chronology=submission.chronology,
        complained_to_unit=complained,
        prior_complaint_date=submission.prior_complaint_date if complained else None,
        prior_complaint_channel=submission.prior_complaint_channel if complained else None,
        prior_complaint_response=submission.prior_complaint_response if complained else None,
        expectation=submission.expectation,
        substance_area_code=submission.substance_area_code,
        suspected_form_code=submission.suspected_form_code or None,
    )


def _reporter_identity(submission: Submission) -> ReporterIdentity:
    return ReporterIdentity(
        full_name=submission.full_name,
        nik=submission.nik,
        birth_place=submission.birth_place,
        birth_date=submission.birth_date,
        marital_status=MaritalStatus(submission.marital_status),
        occupation=submission.occupation,
        address=submission.address,
        phone=submission.phone,
        email=submission.email.lower(),
        acts_for_other=submission.acts_for_other,
        principal_name=submission.principal_name if submission.acts_for_other else None,
    )


def _store_files(complaint: Complaint, files: Files, user: User | None) -> None:
    """The ID card and power of attorney stay with the Ombudsman; evidence too, where the reporter asked."""
    uploads.store(complaint, files.id_card, AttachmentKind.ID_CARD, private=True, by=user)
    if files.power_of_attorney is not None:
        uploads.store(complaint, files.power_of_attorney, AttachmentKind.POWER_OF_ATTORNEY, private=True, by=user)
    for index, evidence in enumerate(files.evidence):
        uploads.store(complaint, evidence, AttachmentKind.EVIDENCE, private=index in files.private_evidence, by=user)


def _record_filing(complaint: Complaint, files: Files, today: date, *, user: User | None, channel: Channel) -> None:
    """The first event of the history, with what may keep the Ombudsman from taking the report up."""
    warnings = warnings_for(
        complaint.event_date, complaint.complained_to_unit, today, current_app.config["EVENT_AGE_LIMIT_YEARS"]
    )
    db.session.flush()  # received_at is given on insert
    history.record_event(
        complaint,
        "filed",
        at=complaint.received_at,  # filing and receipt are one moment (Open311's requested and updated times agree)
        actor=user,
        actor_label=_("Reporter"),
        public=True,
        payload={
            "channel": channel.value,
            "attachments": files.count(),
            "event_older_than_two_years": warnings.too_old,
            "no_prior_complaint": warnings.no_prior_complaint,
        },
    )


def receipt_email_body(complaint: Complaint, verification_due: date) -> str:
    """The receipt e-mail; the access key goes where it says ``outbox.SECRET_PLACEHOLDER``, in the e-mail only."""
    track_url = external_url("reports.track")
    return "\n".join(
        [
            _("Dear %(name)s,", name=complaint.reporter.full_name),
            "",
            _("The Ombudsman has received your report about %(unit)s.", unit=complaint.unit.name),
            "",
            _("Tracking number: %(number)s", number=complaint.tracking_number),
            _("Access key: %(key)s", key=outbox.SECRET_PLACEHOLDER),
            "",
            _("Keep the access key private: with the tracking number it opens your report at %(url)s", url=track_url),
            "",
            _(
                "Next step: the Ombudsman verifies your report by %(date)s. If documents are missing, you will be "
                "told which, and you then have 30 days to supply them.",
                date=format_long_date(verification_due),
            ),
            "",
            _("Filing a report with the Ombudsman is free of charge."),
            "",
            complaint.office.name,
        ]
    )
