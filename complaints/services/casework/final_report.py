"""The final report (LHP, or LAHP under the old rules): everything is checked before anything is written. A finding
of maladministration starts the corrective actions and tells the unit; any other conclusion closes the case."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from complaints.extensions import db
from complaints.i18n import format_long_date
from complaints.models import (
    Addressee,
    CaseStatus,
    Complaint,
    Conclusion,
    CorrectiveAction,
    FinalReport,
    MaladministrationForm,
    User,
)
from complaints.services.casework import clocks
from complaints.services.casework.closure import close_case
from complaints.services.casework.examination import no_open_request
from complaints.services.casework.notifications import log_event, mail_text
from complaints.services.casework.permissions import guard
from complaints.services.casework.reach import unit_recipients
from complaints.services.core import outbox
from complaints.services.core.errors import RuleError
from complaints.services.core.links import external_url


@dataclass(frozen=True)
class PlannedAction:
    addressee: str
    addressee_name: str
    description: str


def final_report_title(case: Complaint) -> str:
    return "LHP" if case.rule_set == clocks.NEW_RULE_SET else "LAHP"


def issue_final_report(
    case: Complaint,
    *,
    conclusion: str,
    summary: str,
    form_codes: Iterable[str] = (),
    actions: Iterable[PlannedAction] = (),
    by: User,
) -> FinalReport:
    """The final report. Maladministration found: the forms found and the corrective actions, each with its
    30-day clock (30 working days under PO 58/2023 art. 54); otherwise the case closes."""
    guard(case, "issue_final_report", by)
    if case.status is CaseStatus.EXAMINATION and case.reporter is not None:
        raise RuleError(_l("Notify the reporter of the conclusion first (14 days to respond)."))
    conclusion = Conclusion(conclusion)
    actions = list(actions)
    forms = _forms_found(conclusion, summary, list(dict.fromkeys(form_codes)), actions)
    no_open_request(case)
    _reporter_had_time_to_respond(case)
    addressed = _checked_actions(actions)
    report = _write_report(case, conclusion, summary, forms, by)
    if conclusion is not Conclusion.FOUND:
        reason = "tidak_ditemukan_maladministrasi" if conclusion is Conclusion.NOT_FOUND else "pemeriksaan_dihentikan"
        close_case(case, reason, summary, by=by, stages={"examination"})
        return report
    _start_corrective_actions(case, report, addressed)
    _tell_unit(case, report)
    return report


def _forms_found(
    conclusion: Conclusion, summary: str, form_codes: list[str], actions: list[PlannedAction]
) -> list[MaladministrationForm]:
    """The forms of maladministration named, checked against the conclusion."""
    if not summary.strip():
        raise RuleError(_l("Write the summary of the final report."), "summary")
    forms = list(db.session.scalars(select(MaladministrationForm).where(MaladministrationForm.code.in_(form_codes))))
    if conclusion is Conclusion.FOUND:
        if not forms or len(forms) != len(form_codes):
            raise RuleError(_l("Name the forms of maladministration found."), "forms")
        if not actions:
            raise RuleError(_l("List at least one corrective action."), "actions")
    elif forms or actions:
        raise RuleError(_l("Forms and corrective actions belong only to a finding of maladministration."), "forms")
    return forms


def _reporter_had_time_to_respond(case: Complaint) -> None:
    notice_clock = clocks.running_clock(case, "pre_report_response")
    if notice_clock is not None and notice_clock.due_on >= clocks.case_today(case):
        raise RuleError(
            _l(
                "The reporter may respond until %(date)s (14 days after the notice); the final report comes after.",
                date=format_long_date(notice_clock.due_on),
            )
        )


def _checked_actions(actions: list[PlannedAction]) -> list[tuple[Addressee, PlannedAction]]:
    addressed = []
    for planned in actions:
        addressee = Addressee(planned.addressee)
        if not planned.description.strip() or not planned.addressee_name.strip():
            raise RuleError(_l("Each corrective action needs its addressee and what must be done."), "actions")
        addressed.append((addressee, planned))
    return addressed


def _write_report(
    case: Complaint, conclusion: Conclusion, summary: str, forms: list[MaladministrationForm], by: User
) -> FinalReport:
    """The report itself; it answers the notice, whose clock (if it ran out) is met now."""
    breached = clocks.running_clock(case, "pre_report_response", include_breached=True)
    if breached is not None:
        clocks.meet_clock(breached)
    report = FinalReport(
        complaint_id=case.id,
        title=final_report_title(case),
        conclusion=conclusion,
        summary=summary,
        issued_on=clocks.case_today(case),
        issued_by_id=by.id,
        forms=forms,
    )
    db.session.add(report)
    db.session.flush()
    log_event(case, "final_report_issued", by, public=True, title=report.title, conclusion=conclusion.value)
    return report


def _start_corrective_actions(
    case: Complaint, report: FinalReport, addressed: list[tuple[Addressee, PlannedAction]]
) -> None:
    for addressee, planned in addressed:
        clock = clocks.start_clock(case, "corrective_action")
        db.session.add(
            CorrectiveAction(
                final_report=report,
                complaint_id=case.id,
                addressee=addressee,
                addressee_name=planned.addressee_name,
                description=planned.description,
                clock=clock,
            )
        )
    case.status = CaseStatus.CORRECTIVE_MONITORING
    db.session.flush()


def _tell_unit(case: Complaint, report: FinalReport) -> None:
    listed = "\n".join(
        f"- {a.description} ({a.addressee_name}; {format_long_date(a.clock.due_on)})" for a in report.actions
    )
    for address in unit_recipients(case):
        outbox.queue_email(
            to=address,
            subject=_(
                "%(title)s on case %(reg)s: corrective actions", title=report.title, reg=case.registration_number
            ),
            body=mail_text(
                "final_report",
                actions=listed,
                link=external_url("units.mine"),
                reg=case.registration_number,
                unit=case.unit.name,
                title=report.title,
                office=case.office.name,
            ),
            kind="final_report",
            complaint=case,
        )
