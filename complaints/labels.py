"""Human labels for the enums, in the visitor's language (lazy, so they follow the language switch)."""

from flask_babel import lazy_gettext as _l

from complaints.models import (
    Actor,
    AgreementKind,
    AttachmentKind,
    CaseKind,
    CaseStatus,
    IdentityChannel,
    IdentityShown,
    MaritalStatus,
    OverrideKind,
    PriorComplaintChannel,
    RegionKind,
    Role,
    UnitKind,
)
from complaints.services.compliance.region_profiles import TargetState
from complaints.services.intake.tracking import PublicStatus

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

STATUS_LABELS = {
    CaseStatus.RECEIVED: _l("Received"),
    CaseStatus.DOCUMENTS_REQUESTED: _l("Documents requested"),
    CaseStatus.VERIFICATION: _l("Verification"),
    CaseStatus.REGISTERED: _l("Registered"),
    CaseStatus.EXAMINATION: _l("Examination"),
    CaseStatus.PRE_REPORT_NOTICE: _l("Notice before the final report"),
    CaseStatus.CORRECTIVE_MONITORING: _l("Corrective-action monitoring"),
    CaseStatus.RESOLUTION: _l("Resolution"),
    CaseStatus.RECOMMENDATION: _l("Recommendation"),
    CaseStatus.CLOSED: _l("Closed"),
}

CASE_KIND_LABELS = {
    CaseKind.REPORT: _l("Public report"),
    CaseKind.QUICK_RESPONSE: _l("Quick response (RCO)"),
    CaseKind.OWN_MOTION: _l("Own-motion investigation"),
}

#: The legal clocks by name (complaints/seed/procedure_clocks.csv).
CLOCK_LABELS = {
    "completion": _l("completing the report's documents"),
    "quick_response": _l("quick response"),
    "verification": _l("verification"),
    "clarification": _l("answering a clarification request"),
    "pre_report_response": _l("responding to the conclusion"),
    "corrective_action": _l("carrying out corrective actions"),
    "recommendation_report": _l("reporting on a recommendation"),
    "recommendation_monitoring": _l("monitoring a recommendation"),
}

#: What the Ombudsman's timeline shows of an event's details, and under which name.
PAYLOAD_LABELS = {
    "registration_number": _l("Registration number"),
    "examiner": _l("Examiner"),
    "missing": _l("Documents missing"),
    "due_on": _l("Due"),
    "round": _l("Request"),
    "number": _l("Summons"),
    "step": _l("Step"),
    "note": _l("Note"),
    "reason": _l("Reason"),
    "conclusion": _l("Conclusion"),
    "verdict": _l("Verdict"),
    "outcome": _l("Outcome"),
    "addressed_to": _l("To"),
    "clock": _l("Clock"),
    "response": _l("Response"),
    "identity_documents_removed": _l("Identity documents deleted"),
}

SUBMISSION_LABELS = {
    "answer": _l("Answer to a clarification request"),
    "supplement": _l("Supplement to an answer"),
    "action_report": _l("Report on a corrective action"),
}

CLOCK_STATUS_LABELS = {
    "running": _l("running"),
    "paused": _l("paused"),
    "met": _l("met"),
    "breached": _l("breached"),
    "cancelled": _l("stopped"),
}

VERDICT_LABELS = {
    "implemented": _l("implemented"),
    "partly": _l("partly implemented"),
    "not_implemented": _l("not implemented"),
}

CLARIFICATION_STATUS_LABELS = {"open": _l("open"), "answered": _l("answered"), "unanswered": _l("unanswered")}

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

#: The same, as the Ombudsman's pages name them.
STAFF_ACTOR_LABELS = {
    Actor.REPORTER: _l("The reporter"),
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

IDENTITY_SHOWN_LABELS = {
    IdentityShown.IDENTITY: _l("Name, NIK, birth, contacts and address"),
    IdentityShown.CONTACTS: _l("Name and contacts"),
    IdentityShown.ID_CARD: _l("ID card"),
    IdentityShown.POWER_OF_ATTORNEY: _l("Power of attorney"),
}

IDENTITY_CHANNEL_LABELS = {
    IdentityChannel.PAGE: _l("Case page"),
    IdentityChannel.API: _l("API"),
    IdentityChannel.DOWNLOAD: _l("Download"),
}

#: Public timeline entries, by event type; events of other types are internal and never shown to the reporter.
EVENT_LABELS = {
    "filed": _l("Report received"),
    "documents_requested": _l("The Ombudsman asked for documents"),
    "documents_supplied": _l("You supplied documents"),
    "notice_answered": _l("You answered the conclusion"),
    "withdrawn": _l("You withdrew the report"),
    "rated": _l("You rated the outcome"),
    "registered": _l("The report was registered for examination"),
    "transferred": _l("The report was transferred to another office"),
    "notice_sent": _l("The Ombudsman told you its conclusion"),
    "examination_reopened": _l("The examination was reopened"),
    "final_report_issued": _l("The final report was issued"),
    "moved_to_resolution": _l("The case moved to resolution"),
    "recommendation_issued": _l("A recommendation was issued"),
    "recommendation_outcome": _l("The recommendation's outcome was recorded"),
    "closed": _l("The report was closed"),
}

#: Every event type, for the Ombudsman's own timeline.
STAFF_EVENT_LABELS = {
    **EVENT_LABELS,
    "filed": _l("Report received"),
    "opened": _l("Case opened by the Ombudsman"),
    "verification_started": _l("Verification started"),
    "checks_recorded": _l("Verification checks recorded"),
    "documents_requested": _l("Documents requested from the reporter"),
    "documents_supplied": _l("The reporter supplied documents"),
    "notice_answered": _l("The reporter answered the conclusion"),
    "withdrawn": _l("The reporter withdrew the report"),
    "rated": _l("The reporter rated the outcome"),
    "examiner_assigned": _l("Examiner assigned"),
    "clarification_requested": _l("Clarification requested from the unit"),
    "clarification_answered": _l("The unit answered the clarification request"),
    "summons_recorded": _l("Summons recorded"),
    "examination_step": _l("Examination step"),
    "notice_sent": _l("Conclusion sent to the reporter"),
    "action_judged": _l("Corrective action judged"),
    "reminder_sent": _l("Reminder sent"),
    "deadline_missed": _l("Deadline missed"),
    "second_monitoring_period": _l("Second monitoring period started"),
    "reporter_identity_removed": _l("Reporter's identity removed (retention period over)"),
    "unit_supplement": _l("The unit sent a supplement"),
    "action_reported": _l("The unit reported on a corrective action"),
    "forwarded": _l("The liaison forwarded an item"),
    "received_through_application": _l("Received through a client application (Open311)"),
}

#: The assessment's zones (the opinions, e.g. "kualitas tertinggi", are the Ombudsman's words, kept as published).
ZONE_LABELS = {"hijau": _l("Green"), "kuning": _l("Yellow"), "merah": _l("Red")}

TARGET_STATE_LABELS = {
    TargetState.MET: _l("reached"),
    TargetState.MISSED: _l("not reached"),
    TargetState.OPEN: _l("not decided yet"),
    TargetState.AWAITING: _l("awaiting the year's results"),
}


def register_template_labels(app) -> None:
    app.jinja_env.globals.update(
        ROLE_LABELS=ROLE_LABELS,
        ZONE_LABELS=ZONE_LABELS,
        TARGET_STATE_LABELS=TARGET_STATE_LABELS,
        REGION_KIND_LABELS=REGION_KIND_LABELS,
        UNIT_KIND_LABELS=UNIT_KIND_LABELS,
        AGREEMENT_KIND_LABELS=AGREEMENT_KIND_LABELS,
        OVERRIDE_KIND_LABELS=OVERRIDE_KIND_LABELS,
        DAY_TYPE_LABELS=DAY_TYPE_LABELS,
        CLOCK_LABELS=CLOCK_LABELS,
        CLOCK_STATUS_LABELS=CLOCK_STATUS_LABELS,
        PAYLOAD_LABELS=PAYLOAD_LABELS,
        SUBMISSION_LABELS=SUBMISSION_LABELS,
        VERDICT_LABELS=VERDICT_LABELS,
        CLARIFICATION_STATUS_LABELS=CLARIFICATION_STATUS_LABELS,
        STATUS_LABELS=STATUS_LABELS,
        CASE_KIND_LABELS=CASE_KIND_LABELS,
        STAFF_EVENT_LABELS=STAFF_EVENT_LABELS,
        MARITAL_STATUS_LABELS=MARITAL_STATUS_LABELS,
        PUBLIC_STATUS_LABELS=PUBLIC_STATUS_LABELS,
        ACTOR_LABELS=ACTOR_LABELS,
        STAFF_ACTOR_LABELS=STAFF_ACTOR_LABELS,
        ATTACHMENT_KIND_LABELS=ATTACHMENT_KIND_LABELS,
        EVENT_LABELS=EVENT_LABELS,
        IDENTITY_SHOWN_LABELS=IDENTITY_SHOWN_LABELS,
        IDENTITY_CHANNEL_LABELS=IDENTITY_CHANNEL_LABELS,
    )
