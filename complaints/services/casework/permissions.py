"""Who may take which step of a case, from which statuses (DESIGN §2; UU 37/2008; PO 26/2017 as amended by PO
48/2020, and PO 58/2023).

Every step of the workflow (verification, examination, final_report, monitoring) goes through ``guard``: the action
must be allowed for the user's role, in the case's status, and in the user's office; examination steps belong to the
case's examiner (or a supervisor). A refused step raises ``RuleError`` and changes nothing. Each step writes a
history event and queues its notifications in the same transaction; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from complaints.models import CaseStatus, Complaint, Role, User
from complaints.services.core.errors import RuleError

S = CaseStatus
OFFICER, SUPERVISOR = Role.OFFICER, Role.SUPERVISOR
BEFORE_REGISTRATION = frozenset({S.RECEIVED, S.VERIFICATION, S.DOCUMENTS_REQUESTED})


@dataclass(frozen=True)
class Action:
    """Who may do what, from which statuses."""

    label: str
    from_statuses: frozenset[CaseStatus]
    roles: frozenset[Role]
    #: Examination work belongs to the case's examiner; supervisors may always act.
    examiner_only: bool = False


ACTIONS: dict[str, Action] = {
    "begin_verification": Action(_l("Begin verification"), frozenset({S.RECEIVED}), frozenset({OFFICER, SUPERVISOR})),
    "record_checks": Action(
        _l("Record the verification checks"), frozenset({S.RECEIVED, S.VERIFICATION}), frozenset({OFFICER, SUPERVISOR})
    ),
    "request_documents": Action(
        _l("Ask the reporter for documents"), frozenset({S.RECEIVED, S.VERIFICATION}), frozenset({OFFICER, SUPERVISOR})
    ),
    "register": Action(_l("Register the report"), frozenset({S.RECEIVED, S.VERIFICATION}), frozenset({SUPERVISOR})),
    "reject": Action(_l("Reject the report"), BEFORE_REGISTRATION, frozenset({SUPERVISOR})),
    "transfer": Action(_l("Transfer to another office"), BEFORE_REGISTRATION, frozenset({SUPERVISOR})),
    "assign_examiner": Action(
        _l("Assign an examiner"), frozenset({S.REGISTERED, S.EXAMINATION}), frozenset({SUPERVISOR})
    ),
    "request_clarification": Action(
        _l("Send a clarification request"), frozenset({S.EXAMINATION}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "record_clarification_answer": Action(
        _l("Record the unit's answer"), frozenset({S.EXAMINATION}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "record_summons": Action(
        _l("Record a summons"), frozenset({S.EXAMINATION}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "record_step": Action(
        _l("Record an examination step"), frozenset({S.EXAMINATION}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "resolved_by_unit": Action(_l("Close: resolved by the unit"), frozenset({S.EXAMINATION}), frozenset({SUPERVISOR})),
    "send_notice": Action(
        _l("Notify the reporter of the conclusion"), frozenset({S.EXAMINATION}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "reopen_examination": Action(
        _l("Reopen the examination"), frozenset({S.PRE_REPORT_NOTICE}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "issue_final_report": Action(
        _l("Issue the final report"), frozenset({S.PRE_REPORT_NOTICE, S.EXAMINATION}), frozenset({SUPERVISOR})
    ),
    "record_verdict": Action(
        _l("Judge a corrective action"), frozenset({S.CORRECTIVE_MONITORING}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "close_after_monitoring": Action(
        _l("Close: corrective actions implemented"), frozenset({S.CORRECTIVE_MONITORING}), frozenset({SUPERVISOR})
    ),
    "escalate_to_resolution": Action(
        _l("Move to resolution"), frozenset({S.CORRECTIVE_MONITORING}), frozenset({OFFICER, SUPERVISOR}), True
    ),
    "issue_recommendation": Action(_l("Issue a recommendation"), frozenset({S.RESOLUTION}), frozenset({SUPERVISOR})),
    "record_recommendation_outcome": Action(
        _l("Record the recommendation's outcome"), frozenset({S.RECOMMENDATION}), frozenset({SUPERVISOR})
    ),
}


def allowed(case: Complaint, action: str, user: User) -> bool:
    try:
        guard(case, action, user)
    except RuleError:
        return False
    return True


def guard(case: Complaint, action: str, user: User) -> Action:
    """Raise RuleError unless ``user`` may take ``action`` on ``case`` now."""
    rule = ACTIONS[action]
    if user.role not in rule.roles:
        raise RuleError(_l("Your role may not do this: %(action)s.", action=rule.label))
    if user.office_id != case.office_id:
        raise RuleError(_l("This case belongs to another office."))
    if case.status not in rule.from_statuses:
        raise RuleError(_l("Not possible while the case is at this stage: %(action)s.", action=rule.label))
    if rule.examiner_only and user.role is OFFICER and case.examiner_id != user.id:
        raise RuleError(_l("Only the case's examiner or a supervisor may do this."))
    return rule
