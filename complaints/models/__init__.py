"""SQLAlchemy models, one module per domain. Importing this package registers every table with the metadata."""

from complaints.models.calendar import HolidayOverride, OverrideKind
from complaints.models.cases import (
    IDENTITY_KINDS,
    Attachment,
    AttachmentKind,
    CaseStatus,
    Channel,
    Complaint,
    MaritalStatus,
    PriorComplaintChannel,
    ReporterIdentity,
    UploadType,
)
from complaints.models.clocks import Actor, Clock, ClockRule, ClockStatus, DayType
from complaints.models.history import CaseEvent
from complaints.models.outbox import OutboxMessage, OutboxStatus
from complaints.models.people import OMBUDSMAN_ROLES, STAFF_ROLES, Role, User, user_units
from complaints.models.places import (
    Agreement,
    AgreementKind,
    Office,
    Province,
    Region,
    RegionKind,
    ServiceUnit,
    UnitKind,
    agreement_liaisons,
)
from complaints.models.reference import ClosureReason, MaladministrationForm, SubstanceArea

__all__ = [
    "IDENTITY_KINDS",
    "OMBUDSMAN_ROLES",
    "Actor",
    "Attachment",
    "AttachmentKind",
    "CaseEvent",
    "CaseStatus",
    "Channel",
    "Clock",
    "ClockRule",
    "ClockStatus",
    "Complaint",
    "DayType",
    "MaritalStatus",
    "OutboxMessage",
    "OutboxStatus",
    "PriorComplaintChannel",
    "ReporterIdentity",
    "UploadType",
    "STAFF_ROLES",
    "Agreement",
    "AgreementKind",
    "ClosureReason",
    "HolidayOverride",
    "MaladministrationForm",
    "Office",
    "OverrideKind",
    "Province",
    "Region",
    "RegionKind",
    "Role",
    "ServiceUnit",
    "SubstanceArea",
    "UnitKind",
    "User",
    "agreement_liaisons",
    "user_units",
]
