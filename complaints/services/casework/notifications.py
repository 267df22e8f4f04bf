"""Who hears of a step of a case, and how: its history event, named after who took it, and the e-mails to the
reporter, the office and the unit, whose texts are the templates in templates/mail/."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import CaseKind, Complaint, Role, User
from complaints.services.casework import history
from complaints.services.core import outbox
from complaints.services.core.links import external_url


def actor_label(user: User) -> str:
    return f"{user.full_name} (Ombudsman)"


def log_event(case: Complaint, type_: str, user: User | None, *, public: bool = False, **payload) -> None:
    """Append the step to the case's history, named after the officer who took it (the System when nobody did)."""
    history.record_event(
        case, type_, actor=user, actor_label=actor_label(user) if user else _("System"), public=public, payload=payload
    )


def mail_text(name: str, **values) -> str:
    """The body of an e-mail: templates/mail/<name>.txt, translated like the rest of the product.

    Rendered without a request's context processors, since the clock sweep sends mail from a worker."""
    return current_app.jinja_env.get_template(f"mail/{name}.txt").render(**values)


def reporter_label(case: Complaint) -> str:
    """How the reporter is named to anyone outside the Ombudsman."""
    if case.reporter is None:
        if case.kind is CaseKind.QUICK_RESPONSE:
            return _("Quick response of the Ombudsman")
        return _("Own-motion investigation (no reporter)")
    return "Pelapor (dirahasiakan)" if case.confidential else case.reporter.full_name


def notify_reporter(case: Complaint, subject: str, kind: str, **values) -> None:
    """E-mail the reporter (if the case has one) the text templates/mail/<kind>.txt."""
    if case.reporter is None:
        return
    body = mail_text(kind, **values)
    outbox.queue_email(to=case.reporter.email, subject=subject, body=body, kind=kind, complaint=case)


def office_supervisors(case: Complaint) -> list[str]:
    """The active supervisors of the office that holds the case."""
    return list(
        db.session.scalars(
            select(User.email).where(User.office_id == case.office_id, User.role == Role.SUPERVISOR, User.active)
        )
    )


def office_recipients(case: Complaint) -> list[str]:
    """Who at the Ombudsman hears of the case: its examiner, else the office's supervisors."""
    if case.examiner is not None and case.examiner.active:
        return [case.examiner.email]
    return office_supervisors(case)


def notify_office(case: Complaint, what: str, kind: str) -> None:
    number = case.registration_number or case.tracking_number
    for address in office_recipients(case):
        outbox.queue_email(
            to=address,
            subject=_("Case %(number)s: %(what)s", number=number, what=what),
            body=mail_text(
                "office_notice",
                what=what,
                number=number,
                unit=case.unit.name,
                link=external_url("cases.show", case_id=case.id),
            ),
            kind=kind,
            complaint=case,
        )
