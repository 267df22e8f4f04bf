"""What examination produces: registration numbers, clarification requests, the final report, corrective actions
and recommendations."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.extensions import db
from complaints.models.cases import Complaint
from complaints.models.clocks import Clock
from complaints.models.people import User
from complaints.models.places import Office, ServiceUnit
from complaints.models.reference import MaladministrationForm
from complaints.models.types import StrEnumType, UTCDateTime, one_of, utcnow


class RegistrationCounter(db.Model):
    """The last registration number given, per office, year and series; locked while the next one is taken."""

    __tablename__ = "registration_counters"
    __table_args__ = (UniqueConstraint("office_id", "year", "series"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    year: Mapped[int] = mapped_column(Integer)
    #: "LM" (laporan masyarakat) and the other series of REGISTRATION_SERIES.
    series: Mapped[str] = mapped_column(String(10))
    last_number: Mapped[int] = mapped_column(Integer, default=0)

    office: Mapped[Office] = relationship()


class ClarificationStatus(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    UNANSWERED = "unanswered"  # its term ran out


class ClarificationRequest(db.Model):
    """A written request for clarification to the unit (answer due in 14 days; a second request after that)."""

    __tablename__ = "clarification_requests"
    __table_args__ = (UniqueConstraint("complaint_id", "round"), one_of("status", ClarificationStatus))

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("service_units.id"), index=True)
    #: 1 for the first request, 2 for the second.
    round: Mapped[int] = mapped_column(Integer)
    questions: Mapped[str] = mapped_column(Text)
    clock_id: Mapped[int] = mapped_column(ForeignKey("clocks.id"))
    status: Mapped[ClarificationStatus] = mapped_column(
        StrEnumType(ClarificationStatus, 20), default=ClarificationStatus.OPEN
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    complaint: Mapped[Complaint] = relationship()
    unit: Mapped[ServiceUnit] = relationship()
    clock: Mapped[Clock] = relationship()
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class Conclusion(enum.StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    STOPPED = "stopped"


final_report_forms = Table(
    "final_report_forms",
    db.metadata,
    Column("final_report_id", ForeignKey("final_reports.id", ondelete="CASCADE"), primary_key=True),
    Column("form_code", ForeignKey("maladministration_forms.code"), primary_key=True),
)


class FinalReport(db.Model):
    """The final report: LAHP (Laporan Akhir Hasil Pemeriksaan) under PO 26/2017, LHP under PO 58/2023."""

    __tablename__ = "final_reports"
    __table_args__ = (one_of("conclusion", Conclusion),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), unique=True)
    #: "LAHP" or "LHP", after the case's rule set.
    title: Mapped[str] = mapped_column(String(10))
    conclusion: Mapped[Conclusion] = mapped_column(StrEnumType(Conclusion, 20))
    summary: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    complaint: Mapped[Complaint] = relationship()
    forms: Mapped[list[MaladministrationForm]] = relationship(secondary=final_report_forms)
    actions: Mapped[list[CorrectiveAction]] = relationship(
        back_populates="final_report", order_by="CorrectiveAction.id"
    )


class Addressee(enum.StrEnum):
    UNIT = "unit"
    SUPERIOR = "superior"
    RELATED_AGENCY = "related_agency"


class Verdict(enum.StrEnum):
    IMPLEMENTED = "implemented"
    PARTLY = "partly"
    NOT_IMPLEMENTED = "not_implemented"


class CorrectiveAction(db.Model):
    """A corrective action (tindakan korektif) of a final report, addressed and due; the officer gives a verdict."""

    __tablename__ = "corrective_actions"
    __table_args__ = (one_of("addressee", Addressee), one_of("verdict", Verdict))

    id: Mapped[int] = mapped_column(primary_key=True)
    final_report_id: Mapped[int] = mapped_column(ForeignKey("final_reports.id", ondelete="CASCADE"), index=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    addressee: Mapped[Addressee] = mapped_column(StrEnumType(Addressee, 20))
    addressee_name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    clock_id: Mapped[int] = mapped_column(ForeignKey("clocks.id"))
    #: What the unit reported having done (from the unit portal), and when.
    report: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verdict: Mapped[Verdict | None] = mapped_column(StrEnumType(Verdict, 20))
    verdict_reason: Mapped[str | None] = mapped_column(Text)
    verdict_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verdict_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    final_report: Mapped[FinalReport] = relationship(back_populates="actions")
    clock: Mapped[Clock] = relationship()


class Recommendation(db.Model):
    """A recommendation to the unit's superior (UU 37/2008 art. 37-38), with its outcome once monitored."""

    __tablename__ = "recommendations"
    __table_args__ = (one_of("outcome", Verdict),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), unique=True)
    addressed_to: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[Verdict | None] = mapped_column(StrEnumType(Verdict, 20))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    complaint: Mapped[Complaint] = relationship()
