"""Personal data protection (UU 27/2022): the record of who was shown a reporter's identity."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.extensions import db
from complaints.models.cases import Complaint
from complaints.models.people import User
from complaints.models.types import StrEnumType, UTCDateTime, one_of, utcnow


class IdentityShown(enum.StrEnum):
    """What of the reporter's identity an answer showed."""

    #: The case page's reporter card: name, NIK, birth, marital status, occupation, address, phone, e-mail.
    IDENTITY = "identity"
    #: The API's ``reporter_identity``: name, e-mail, phone and address (the NIK is in no API answer).
    CONTACTS = "contacts"
    ID_CARD = "id_card"
    POWER_OF_ATTORNEY = "power_of_attorney"


class IdentityChannel(enum.StrEnum):
    PAGE = "page"
    API = "api"
    DOWNLOAD = "download"


class IdentityView(db.Model):
    """One showing of a reporter's identity to a member of staff: who, when, which case, what, through what.

    Append-only: the application has no path that changes or deletes a row, and on PostgreSQL a trigger refuses
    UPDATE and DELETE (migration 0014). It names the case, never the identity, so the retention job that anonymises
    reporters leaves it as it is.
    """

    __tablename__ = "identity_views"
    __table_args__ = (
        one_of("shown", IdentityShown),
        one_of("channel", IdentityChannel),
        # Each list reads its newest rows first through one of these: the case's page, the office's record, and
        # the office's record filtered by a member of staff.
        Index("ix_identity_views_complaint_id_viewed_at", "complaint_id", "viewed_at"),
        Index("ix_identity_views_office_id_viewed_at", "office_id", "viewed_at"),
        Index("ix_identity_views_user_id_viewed_at", "user_id", "viewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"))
    #: The office that held the case when it was shown (staff reach only their own office's cases, so the viewer's
    #: office too): the office's record stays its own after a transfer.
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    shown: Mapped[IdentityShown] = mapped_column(StrEnumType(IdentityShown, 20))
    channel: Mapped[IdentityChannel] = mapped_column(StrEnumType(IdentityChannel, 10))

    user: Mapped[User] = relationship()
    complaint: Mapped[Complaint] = relationship()
