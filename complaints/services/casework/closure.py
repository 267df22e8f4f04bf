"""Closing a case, at whatever stage it ends: the reason, the clocks stopped, the closing notice."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from complaints.extensions import db
from complaints.models import CaseStatus, ClosureReason, Complaint, User
from complaints.models.types import utcnow
from complaints.services.casework import clocks
from complaints.services.casework.notifications import log_event, notify_reporter
from complaints.services.core.errors import RuleError
from complaints.services.core.links import external_url


def close_case(case: Complaint, reason_code: str, note: str, *, by: User | None, stages: Iterable[str]) -> None:
    """Close with a reason valid at this stage, stop every clock, tell the reporter (the closing notice)."""
    reason = db.session.get(ClosureReason, reason_code)
    if reason is None or reason.stage not in {*stages, "any"}:
        raise RuleError(_l("Choose a closure reason that fits this stage."), "reason")
    clocks.cancel_open_clocks(case)
    case.status = CaseStatus.CLOSED
    case.closed_at = utcnow()
    case.closure_reason_code = reason.code
    case.closure_note = note or None
    log_event(case, "closed", by, public=True, reason=reason.code, note=note)
    notify_reporter(
        case,
        _("Report %(number)s has been closed", number=case.tracking_number),
        "case_closed",
        number=case.tracking_number,
        reason=reason.label_id,
        note=note or "",
        url=external_url("reports.track"),
        office=case.office.name,
    )
