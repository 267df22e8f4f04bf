"""Human labels for the enums, in the visitor's language (lazy, so they follow the language switch)."""

from flask_babel import lazy_gettext as _l

from complaints.models import (
    Actor,
    AgreementKind,
    AttachmentKind,
    MaritalStatus,
    OverrideKind,
    PriorComplaintChannel,
    RegionKind,
    Role,
    UnitKind,
)
from complaints.services.tracking import PublicStatus

ROLE_LABELS = {
    Role.CITIZEN: _l("Citizen"),
    Role.OFFICER: _l("Ombudsman officer"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.UNIT_HEAD: _l("Service-unit head"),
    Role.LIAISON: _l("Regional liaison"),
    Role.ADMIN: _l("Administrator"),
}

REGION_KIND_LABELS = {RegionKind.KABUPATEN: _l("Regency"), RegionKind.KOTA: _l("City")}

UNIT_KIND_LABELS = {
    UnitKind.DPMPTSP: _l("One-stop permit office (DPMPTSP)"),
    UnitKind.DISDUKCAPIL: _l("Civil registry (Disdukcapil)"),
    UnitKind.DINAS_PENDIDIKAN: _l("Education office"),
    UnitKind.DINAS_SOSIAL: _l("Social affairs office"),
    UnitKind.DINAS_KESEHATAN: _l("Health office"),
    UnitKind.PUSKESMAS: _l("Health centre (Puskesmas)"),
    UnitKind.OTHER: _l("Other service unit"),
}

AGREEMENT_KIND_LABELS = {
    AgreementKind.NOTA_KESEPAKATAN: _l("Memorandum of understanding (nota kesepakatan)"),
    AgreementKind.PERJANJIAN_KERJA_SAMA: _l("Cooperation agreement (perjanjian kerja sama)"),
}

OVERRIDE_KIND_LABELS = {
    OverrideKind.HOLIDAY: _l("Holiday (day off)"),
    OverrideKind.COLLECTIVE_LEAVE: _l("Collective leave (cuti bersama)"),
    OverrideKind.WORKING_DAY: _l("Working day after all"),
}

#: The legal clocks by name (complaints/seed/procedure_clocks.csv).
CLOCK_LABELS = {
    "completion": _l("completing the report's documents"),
    "verification": _l("verification"),
    "clarification": _l("answering a clarification request"),
    "pre_report_response": _l("responding to the conclusion"),
    "corrective_action": _l("carrying out corrective actions"),
    "recommendation_report": _l("reporting on a recommendation"),
    "recommendation_monitoring": _l("monitoring a recommendation"),
}

DAY_TYPE_LABELS = {"working": _l("working days"), "calendar": _l("calendar days")}


MARITAL_STATUS_LABELS = {
    MaritalStatus.SINGLE: _l("Not married"),
    MaritalStatus.MARRIED: _l("Married"),
    MaritalStatus.DIVORCED: _l("Divorced"),
    MaritalStatus.WIDOWED: _l("Widowed"),
}

PRIOR_CHANNEL_LABELS = {
    PriorComplaintChannel.IN_PERSON: _l("In person"),
    PriorComplaintChannel.LETTER: _l("By letter"),
    PriorComplaintChannel.PHONE: _l("By telephone"),
    PriorComplaintChannel.ONLINE: _l("Online (website, app, social media)"),
    PriorComplaintChannel.OTHER: _l("Other"),
}

PUBLIC_STATUS_LABELS = {
    PublicStatus.UNDER_VERIFICATION: _l("Being verified"),
    PublicStatus.WAITING_FOR_DOCUMENTS: _l("Waiting for your documents"),
    PublicStatus.UNDER_EXAMINATION: _l("Being examined"),
    PublicStatus.WAITING_FOR_RESPONSE: _l("Waiting for your response to the conclusion"),
    PublicStatus.FOLLOW_UP: _l("Follow-up being monitored"),
    PublicStatus.CLOSED: _l("Closed"),
}

ACTOR_LABELS = {
    Actor.REPORTER: _l("You (the reporter)"),
    Actor.SERVICE_UNIT: _l("The service unit"),
    Actor.SUPERIOR: _l("The unit's superior"),
    Actor.OMBUDSMAN: _l("The Ombudsman"),
}

ATTACHMENT_KIND_LABELS = {
    AttachmentKind.ID_CARD: _l("ID card"),
    AttachmentKind.POWER_OF_ATTORNEY: _l("Power of attorney"),
    AttachmentKind.EVIDENCE: _l("Supporting document"),
    AttachmentKind.SUPPLEMENT: _l("Supplied document"),
    AttachmentKind.NOTICE_RESPONSE: _l("Response to the conclusion"),
}

#: Public timeline entries, by event type; events of other types are internal and never shown to the reporter.
EVENT_LABELS = {
    "filed": _l("Report received"),
    "documents_requested": _l("The Ombudsman asked for documents"),
    "documents_supplied": _l("You supplied documents"),
    "notice_answered": _l("You answered the conclusion"),
    "withdrawn": _l("You withdrew the report"),
    "rated": _l("You rated the outcome"),
}


def register_template_labels(app) -> None:
    app.jinja_env.globals.update(
        ROLE_LABELS=ROLE_LABELS,
        REGION_KIND_LABELS=REGION_KIND_LABELS,
        UNIT_KIND_LABELS=UNIT_KIND_LABELS,
        AGREEMENT_KIND_LABELS=AGREEMENT_KIND_LABELS,
        OVERRIDE_KIND_LABELS=OVERRIDE_KIND_LABELS,
        DAY_TYPE_LABELS=DAY_TYPE_LABELS,
        CLOCK_LABELS=CLOCK_LABELS,
        MARITAL_STATUS_LABELS=MARITAL_STATUS_LABELS,
        PUBLIC_STATUS_LABELS=PUBLIC_STATUS_LABELS,
        ACTOR_LABELS=ACTOR_LABELS,
        ATTACHMENT_KIND_LABELS=ATTACHMENT_KIND_LABELS,
        EVENT_LABELS=EVENT_LABELS,
    )
