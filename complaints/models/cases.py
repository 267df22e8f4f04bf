"""Cases: a report (laporan) against a service unit, its reporter's identity and its attachments."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.extensions import db
from complaints.models.people import User
from complaints.models.places import Office, Region, ServiceUnit
from complaints.models.reference import ClosureReason, MaladministrationForm, SubstanceArea
from complaints.models.types import StrEnumType, UTCDateTime, one_of, utcnow


class CaseStatus(enum.StrEnum):
    """What the Ombudsman sees: every stage of the statutory workflow (DESIGN §2)."""

    RECEIVED = "received"
    DOCUMENTS_REQUESTED = "documents_requested"
    VERIFICATION = "verification"
    REGISTERED = "registered"
    EXAMINATION = "examination"
    PRE_REPORT_NOTICE = "pre_report_notice"
    CORRECTIVE_MONITORING = "corrective_monitoring"
    RESOLUTION = "resolution"
    RECOMMENDATION = "recommendation"
    CLOSED = "closed"


class CaseKind(enum.StrEnum):
    """A report from the public, a quick response (Respon Cepat Ombudsman) to an emergency, or an own-motion
    investigation (investigasi atas prakarsa sendiri, UU 37/2008 art. 7(d)) opened with no reporter."""

    REPORT = "report"
    QUICK_RESPONSE = "quick_response"
    OWN_MOTION = "own_motion"


#: Statuses a case reaches only once registered: it has a registration number from then on.
REGISTERED_STATUSES = (
    "registered",
    "examination",
    "pre_report_notice",
    "corrective_monitoring",
    "resolution",
    "recommendation",
)


class Channel(enum.StrEnum):
    ONLINE = "online"
    WALK_IN = "walk_in"
    LETTER = "letter"
    PHONE = "phone"
    WHATSAPP = "whatsapp"
    #: Filed by a registered client application through Open311 GeoReport v2.
    OPEN311 = "open311"


class MaritalStatus(enum.StrEnum):
    SINGLE = "belum_kawin"
    MARRIED = "kawin"
    DIVORCED = "cerai_hidup"
    WIDOWED = "cerai_mati"


class PriorComplaintChannel(enum.StrEnum):
    IN_PERSON = "langsung"
    LETTER = "surat"
    PHONE = "telepon"
    ONLINE = "online"
    OTHER = "lainnya"


class Complaint(db.Model):
    """A report filed with the Ombudsman. The reporter's identity lives apart, in ``ReporterIdentity``."""

    __tablename__ = "complaints"
    __table_args__ = (
        one_of("status", CaseStatus),
        one_of("channel", Channel),
        CheckConstraint(
            "(status = 'closed') = (closed_at IS NOT NULL AND closure_reason_code IS NOT NULL)",
            name="closed_has_reason",
        ),
        CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5 AND status = 'closed')", name="rating_when_closed"),
        one_of("kind", CaseKind),
        CheckConstraint(
            f"status NOT IN ({', '.join(repr(s) for s in REGISTERED_STATUSES)}) OR registration_number IS NOT NULL",
            name="registered_has_number",
        ),
        CheckConstraint("status != 'examination' OR examiner_id IS NOT NULL", name="examination_has_examiner"),
        Index("ix_complaints_office_id_status", "office_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short, readable and random ("7KQ4-X9TP"): what the citizen quotes; never derived from another number.
    tracking_number: Mapped[str] = mapped_column(String(9), unique=True)
    #: SHA-256 of the private access key given on the receipt (the key has 60 random bits, so a fast hash is fine).
    access_key_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[CaseKind] = mapped_column(StrEnumType(CaseKind, 20), default=CaseKind.REPORT)
    #: The random key of the form that filed it: sending the same form twice (a double click, a replay) files one
    #: report, not two.
    submission_key: Mapped[str | None] = mapped_column(String(32), unique=True)
    channel: Mapped[Channel] = mapped_column(StrEnumType(Channel, 20), default=Channel.ONLINE)
    status: Mapped[CaseStatus] = mapped_column(StrEnumType(CaseStatus, 30), default=CaseStatus.RECEIVED)
    #: The procedural rule set (e.g. "PO58-2023") whose clocks this case runs on: the one in force when filed,
    #: fixed again at registration.
    rule_set: Mapped[str] = mapped_column(String(30))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("service_units.id"), index=True)
    #: The citizen account that follows the case, if any (linked at filing or when the e-mail is verified).
    reporter_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    confidential: Mapped[bool] = mapped_column(default=False)

    event_date: Mapped[date] = mapped_column(Date)
    chronology: Mapped[str] = mapped_column(Text)
    complained_to_unit: Mapped[bool] = mapped_column()
    prior_complaint_date: Mapped[date | None] = mapped_column(Date)
    prior_complaint_channel: Mapped[str | None] = mapped_column(String(20))
    prior_complaint_response: Mapped[str | None] = mapped_column(Text)
    expectation: Mapped[str] = mapped_column(Text)
    substance_area_code: Mapped[str] = mapped_column(ForeignKey("substance_areas.code"))
    suspected_form_code: Mapped[str | None] = mapped_column(ForeignKey("maladministration_forms.code"))

    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: The formal and material checklists of verification: item code → met or not.
    verification_checks: Mapped[dict] = mapped_column(JSON, default=dict)
    #: "<sequence>/LM/<month in Roman numerals>/<year>/<office code>", given when the office registers the case.
    registration_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    examiner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Summons issued to the unit; after the third ignored one the police may be asked to bring the official
    #: (UU 37/2008 art. 31).
    summons_count: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closure_reason_code: Mapped[str | None] = mapped_column(ForeignKey("closure_reasons.code"))
    closure_note: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    office: Mapped[Office] = relationship()
    region: Mapped[Region] = relationship()
    unit: Mapped[ServiceUnit] = relationship()
    reporter_user: Mapped[User | None] = relationship(foreign_keys=[reporter_user_id])
    examiner: Mapped[User | None] = relationship(foreign_keys=[examiner_id])
    #: None only for own-motion investigations, which have no reporter.
    reporter: Mapped[ReporterIdentity | None] = relationship(back_populates="complaint", uselist=False)
    substance_area: Mapped[SubstanceArea] = relationship()
    suspected_form: Mapped[MaladministrationForm | None] = relationship()
    closure_reason: Mapped[ClosureReason | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(back_populates="complaint", order_by="Attachment.id")

    @property
    def is_closed(self) -> bool:
        return self.status is CaseStatus.CLOSED


class ReporterIdentity(db.Model):
    """Who filed the report, as UU 37/2008 art. 24 asks. Only the Ombudsman and the reporter ever read this row;
    when ``Complaint.confidential`` is set, everyone else sees "Pelapor (dirahasiakan)"."""

    __tablename__ = "reporter_identities"
    __table_args__ = (
        CheckConstraint("length(nik) = 16", name="nik_16_digits"),
        one_of("marital_status", MaritalStatus),
        CheckConstraint("NOT acts_for_other OR principal_name IS NOT NULL", name="principal_named"),
        CheckConstraint(
            "anonymised_at IS NOT NULL OR (birth_date IS NOT NULL AND marital_status IS NOT NULL)",
            name="complete_until_anonymised",
        ),
    )

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    #: Nomor Induk Kependudukan: the 16-digit national identity number on the KTP.
    nik: Mapped[str] = mapped_column(String(16))
    birth_place: Mapped[str] = mapped_column(String(80))
    #: Empty only once anonymised (``anonymised_at``), like the marital status.
    birth_date: Mapped[date | None] = mapped_column(Date)
    marital_status: Mapped[MaritalStatus | None] = mapped_column(StrEnumType(MaritalStatus, 20))
    occupation: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(254), index=True)
    #: Filed on behalf of someone else (kuasa), with a power of attorney among the attachments.
    acts_for_other: Mapped[bool] = mapped_column(default=False)
    principal_name: Mapped[str | None] = mapped_column(String(120))
    #: When the retention job replaced the identity with markers (services/privacy/retention.py); None until then.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    complaint: Mapped[Complaint] = relationship(back_populates="reporter")


class AttachmentKind(enum.StrEnum):
    ID_CARD = "id_card"
    POWER_OF_ATTORNEY = "power_of_attorney"
    EVIDENCE = "evidence"
    SUPPLEMENT = "supplement"
    NOTICE_RESPONSE = "notice_response"
    #: Sent by a service unit with an answer or an action report (see UnitSubmission).
    UNIT_DOCUMENT = "unit_document"


class UploadType(enum.StrEnum):
    """The only file types accepted, recognised by their first bytes (see services/core/uploads.py)."""

    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"


#: Kinds that identify the reporter: never shown outside the Ombudsman, whatever the reporter chose.
IDENTITY_KINDS = frozenset({AttachmentKind.ID_CARD, AttachmentKind.POWER_OF_ATTORNEY})


class Attachment(db.Model):
    """A file on a case. Stored under a random name outside static files; served only after an access check."""

    __tablename__ = "attachments"
    __table_args__ = (
        one_of("kind", AttachmentKind),
        one_of("content_type", UploadType),
        UniqueConstraint("stored_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(StrEnumType(AttachmentKind, 30))
    #: The name the uploader gave, cleaned (no folders); shown, never used on disk.
    original_name: Mapped[str] = mapped_column(String(200))
    #: 32 random hex characters: the file's name on disk.
    stored_name: Mapped[str] = mapped_column(String(32))
    #: Detected from the content, not from the name.
    content_type: Mapped[UploadType] = mapped_column(StrEnumType(UploadType, 40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    #: The reporter asked that the service unit not see this file.
    private: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The unit's answer or report this file came with.
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("unit_submissions.id"), index=True)

    complaint: Mapped[Complaint] = relationship(back_populates="attachments")
