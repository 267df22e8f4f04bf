"""After a finding of maladministration: the corrective actions judged, closure once all are implemented, else
resolution and a recommendation to the unit's superior, and its outcome. Each step passes ``permissions.guard``
first (the clock sweep's move to resolution excepted); the caller commits."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import CaseStatus, ClockStatus, Complaint, CorrectiveAction, Recommendation, User, Verdict
from complaints.models.types import utcnow
from complaints.services.casework import clocks
from complaints.services.casework.closure import close_case
from complaints.services.casework.notifications import log_event
from complaints.services.casework.permissions import guard
from complaints.services.core.errors import RuleError


def record_verdict(action: CorrectiveAction, verdict: str, reason: str, *, by: User) -> None:
    case = db.session.get(Complaint, action.complaint_id)
    guard(case, "record_verdict", by)
    verdict = Verdict(verdict)
    if not reason.strip():
        raise RuleError(_l("Give the reason for the verdict."), "reason")
    if action.verdict is Verdict.IMPLEMENTED:
        raise RuleError(_l("This action has already been judged implemented."))
    action.verdict, action.verdict_reason, action.verdict_at, action.verdict_by_id = verdict, reason, utcnow(), by.id
    if verdict is Verdict.IMPLEMENTED:
        clocks.meet_clock(action.clock)
    log_event(case, "action_judged", by, action_id=action.id, verdict=verdict.value, reason=reason)


def close_after_monitoring(case: Complaint, note: str, *, by: User) -> None:
    guard(case, "close_after_monitoring", by)
    actions = db.session.scalars(select(CorrectiveAction).where(CorrectiveAction.complaint_id == case.id)).all()
    if not actions or any(a.verdict is not Verdict.IMPLEMENTED for a in actions):
        raise RuleError(_l("Every corrective action must be judged implemented first."))
    close_case(case, "selesai_tindakan_korektif", note, by=by, stages={"monitoring"})


def escalate_to_resolution(case: Complaint, reason: str, *, by: User | None) -> None:
    """Corrective actions not done (in time): the case goes to resolution and monitoring."""
    if by is not None:
        guard(case, "escalate_to_resolution", by)
        actions = db.session.scalars(select(CorrectiveAction).where(CorrectiveAction.complaint_id == case.id)).all()
        judged_short = any(a.verdict in {Verdict.PARTLY, Verdict.NOT_IMPLEMENTED} for a in actions)
        lapsed = any(a.clock.status is ClockStatus.BREACHED for a in actions)
        if not (judged_short or lapsed):
            raise RuleError(
                _l("Resolution follows a corrective action judged not (fully) implemented, or one whose term ran out.")
            )
    elif case.status is not CaseStatus.CORRECTIVE_MONITORING:
        return
    for action in db.session.scalars(select(CorrectiveAction).where(CorrectiveAction.complaint_id == case.id)):
        if action.verdict is not Verdict.IMPLEMENTED:
            clocks.cancel_clock(action.clock)
    case.status = CaseStatus.RESOLUTION
    log_event(case, "moved_to_resolution", by, public=True, reason=reason)


def issue_recommendation(case: Complaint, text: str, addressed_to: str, *, by: User) -> Recommendation:
    """A recommendation to the unit's superior, who must report its implementation within 60 days (UU 37/2008 art.
    38(2)); the Ombudsman monitors it for 60 working days."""
    guard(case, "issue_recommendation", by)
    if not text.strip() or not addressed_to.strip():
        raise RuleError(_l("Write the recommendation and to whom it is addressed."), "text")
    recommendation = Recommendation(
        complaint_id=case.id,
        addressed_to=addressed_to,
        text=text,
        issued_on=clocks.case_today(case),
        issued_by_id=by.id,
    )
    db.session.add(recommendation)
    clocks.start_clock(case, "recommendation_report")
    clocks.start_clock(case, "recommendation_monitoring")
    case.status = CaseStatus.RECOMMENDATION
    log_event(case, "recommendation_issued", by, public=True, addressed_to=addressed_to)
    return recommendation


def record_recommendation_outcome(case: Complaint, outcome: str, note: str, *, by: User) -> None:
    guard(case, "record_recommendation_outcome", by)
    outcome = Verdict(outcome)
    recommendation = db.session.scalar(select(Recommendation).where(Recommendation.complaint_id == case.id))
    recommendation.outcome, recommendation.outcome_note, recommendation.outcome_at = outcome, note, utcnow()
    log_event(case, "recommendation_outcome", by, public=True, outcome=outcome.value)
    reason = "tidak_melaksanakan_rekomendasi" if outcome is Verdict.NOT_IMPLEMENTED else "selesai_rekomendasi"
    close_case(case, reason, note, by=by, stages={"recommendation"})
