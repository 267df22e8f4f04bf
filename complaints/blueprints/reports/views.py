import contextlib

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from complaints.access import public, require_role
from complaints.blueprints.reports import bp
from complaints.blueprints.reports.forms import DocumentsForm, NoticeResponseForm, RatingForm, TrackForm, WithdrawForm
from complaints.extensions import db, limiter
from complaints.forms import ComplaintForm
from complaints.models import (
    MaladministrationForm,
    Region,
    ServiceUnit,
    SubstanceArea,
)
from complaints.pages import INVALID, committing, form_status, private_download, private_file
from complaints.services.casework import reach
from complaints.services.core import uploads
from complaints.services.core.sealing import SealBroken, seal, unseal
from complaints.services.intake import filing, reporter_actions, tracking
from complaints.services.intake.receipts import receipt_pdf
from complaints.services.places.working_days import DEFAULT_TIMEZONE, office_today

#: [complaint id, access secret] pairs: what this browser opened with an access key (checked on the server).
OPENED = "opened_reports"
JUST_FILED = "just_filed"
RECEIPT_KEY = b"receipt-access-key"  # the sealing purpose of the key on its way to the receipt


def _filing_limit() -> str:
    return current_app.config["FILING_RATE_LIMIT"]


def _tracking_limit() -> str:
    return current_app.config["TRACKING_RATE_LIMIT"]


def _opened() -> list[list]:
    return [pair for pair in session.get(OPENED, []) if isinstance(pair, list) and len(pair) == 2]


def _unlocked_ids() -> set[int]:
    return tracking.opened_reports([str(secret) for _id, secret in _opened()])


def _unlock(complaint) -> None:
    """Open the report in this browser (committed here: the redirect that follows needs it)."""
    secret = tracking.grant_access(complaint)
    db.session.commit()
    # The most recent 20 are enough for anyone following their own reports in one browser session.
    session[OPENED] = [pair for pair in _opened() if pair[0] != complaint.id][-19:] + [[complaint.id, secret]]


def close_opened_reports() -> None:
    """Signing out: the reports this browser opened with an access key close too (the caller commits)."""
    tracking.close_access([str(secret) for _id, secret in _opened()])
    session.pop(OPENED, None)


def _own_complaint_or_404(number: str):
    """The complaint, if the visitor is its reporter (account or access key); otherwise 404, never 403, so that
    nobody learns that someone else's report exists."""
    complaint = tracking.find_by_number(number)
    if complaint is None or not reach.reporter_reaches(complaint, current_user, _unlocked_ids()):
        abort(404)
    return complaint


def _complaint_form() -> ComplaintForm:
    return ComplaintForm(
        regions=db.session.scalars(select(Region).order_by(Region.name)).all(),
        units=db.session.scalars(
            select(ServiceUnit)
            .join(ServiceUnit.region)
            .where(ServiceUnit.is_active)
            .order_by(Region.name, ServiceUnit.id)
        ).all(),
        areas=db.session.scalars(select(SubstanceArea).order_by(SubstanceArea.position)).all(),
        forms=db.session.scalars(select(MaladministrationForm).order_by(MaladministrationForm.position)).all(),
    )


def _filing_attempt_limit() -> str:
    return current_app.config["FILING_ATTEMPT_LIMIT"]


def _to_receipt(complaint):
    _unlock(complaint)
    return redirect(url_for("reports.receipt", number=complaint.tracking_number))


@bp.route("/lapor", methods=["GET", "POST"])
@public
# Reports filed count against the per-address limit; mistakes do not (so a citizen who mistypes is not locked out),
# but every try counts against the looser attempt limit.
@limiter.limit(_filing_limit, methods=["POST"], deduct_when=lambda response: response.status_code == 302)
@limiter.limit(_filing_attempt_limit, methods=["POST"])
def file():
    form = _complaint_form()
    if request.method == "GET" and current_user.is_authenticated:
        form.full_name.data = form.full_name.data or current_user.full_name
        form.email.data = form.email.data or current_user.email
    if form.validate_on_submit():
        files = filing.Files(
            id_card=form.checked_id_card,
            power_of_attorney=form.checked_power_of_attorney if form.acts_for_other.data else None,
            evidence=form.checked_evidence,
            private_evidence=set(range(len(form.checked_evidence))) if form.evidence_private.data else set(),
        )
        key = form.submission_key.data
        try:
            with committing(form, field="chronology", refusals=(filing.IntakeError,)) as change:
                filed = filing.file_complaint(
                    form.submission(),
                    files,
                    user=current_user if current_user.is_authenticated else None,
                    submission_key=key,
                )
        except filing.AlreadyFiled as exc:  # the same form sent again: show the report it filed
            db.session.rollback()
            return _to_receipt(exc.complaint)
        except IntegrityError:  # sent twice at the same moment: the other request filed it
            db.session.rollback()
            earlier = filing.find_by_submission_key(key)
            if earlier is None:
                raise
            return _to_receipt(earlier)
        if change.committed:
            # Flask's cookie is signed, not encrypted: the key rides in it sealed until the receipt shows it once.
            sealed_key = seal(filed.access_key, purpose=RECEIPT_KEY)
            session[JUST_FILED] = {"number": filed.complaint.tracking_number, "key": sealed_key}
            return _to_receipt(filed.complaint)
    status = form_status()
    # The event is dated where the chosen region is; before a region is chosen the warning is only a first hint.
    chosen = form.region_id.data  # looked up only if offered: a forged id may not fit the database's integers
    offered = any(choice.value == chosen for choice in form.region_id.choices)
    region = db.session.get(Region, chosen) if chosen and offered else None
    today = office_today(region.province.timezone if region is not None else DEFAULT_TIMEZONE)
    warnings = filing.warnings_for(
        form.event_date.data,
        {"yes": True, "no": False}.get(form.complained_to_unit.data),
        today,
        current_app.config["EVENT_AGE_LIMIT_YEARS"],
    )
    files_dropped = request.method == "POST" and any(f.filename for f in request.files.values())
    return render_template(
        "reports/file.html", form=form, warnings=warnings, today=today, files_dropped=files_dropped
    ), status


@bp.get("/lapor/tanda-terima/<number>")
@public
def receipt(number: str):
    complaint = _own_complaint_or_404(number)
    just_filed = session.get(JUST_FILED) or {}
    # The access key is shown on this page once, right after filing; after that only the e-mail has it.
    access_key = None
    if just_filed.get("number") == complaint.tracking_number:
        with contextlib.suppress(SealBroken):
            access_key = unseal(just_filed.get("key") or "", purpose=RECEIPT_KEY)
    session.pop(JUST_FILED, None)
    view = tracking.tracking_view(complaint)
    warnings = filing.warnings_for(
        complaint.event_date,
        complaint.complained_to_unit,
        office_today(complaint.office.timezone, now=complaint.received_at),
        current_app.config["EVENT_AGE_LIMIT_YEARS"],
    )
    return render_template("reports/receipt.html", view=view, access_key=access_key, warnings=warnings)


@bp.route("/lacak", methods=["GET", "POST"])
@public
@limiter.limit(_tracking_limit, methods=["POST"])
def track():
    form = TrackForm()
    if form.validate_on_submit():
        complaint = tracking.unlock(form.tracking_number.data, form.access_key.data)
        if complaint is not None:
            _unlock(complaint)
            return redirect(url_for("reports.status", number=complaint.tracking_number))
        form.access_key.errors.append(_("No report matches this tracking number and access key."))
    return render_template("reports/track_form.html", form=form), form_status()


def _status_page(complaint, **forms):
    view = tracking.tracking_view(complaint)
    defaults = {
        "documents_form": DocumentsForm(formdata=None),
        "notice_form": NoticeResponseForm(formdata=None),
        "withdraw_form": WithdrawForm(formdata=None),
        "rating_form": RatingForm(formdata=None),
    }
    defaults.update(forms)
    return render_template("reports/status.html", view=view, **defaults)


@bp.get("/lacak/<number>")
@public
def status(number: str):
    return _status_page(_own_complaint_or_404(number))


@bp.get("/lacak/<number>/tanda-terima.pdf")
@public
def receipt_download(number: str):
    complaint = _own_complaint_or_404(number)
    pdf = receipt_pdf(tracking.tracking_view(complaint))
    return private_download(pdf, mimetype="application/pdf", name=f"tanda-terima-{complaint.tracking_number}.pdf")


@bp.get("/lacak/<number>/lampiran/<int:attachment_id>")
@public
def attachment(number: str, attachment_id: int):
    complaint = _own_complaint_or_404(number)
    item = next((a for a in complaint.attachments if a.id == attachment_id), None) or abort(404)
    return private_file(uploads.path_of(item), mimetype=item.content_type.value, name=item.original_name, max_age=0)


def _reporter_action(complaint, form_name: str, form, action, done: str):
    """Validate the form, run the service, commit, say so; or show the tracking page again with the errors."""
    if form.validate_on_submit():
        with committing() as change:
            action()
        if change.committed:
            flash(done, "success")
            return redirect(url_for("reports.status", number=complaint.tracking_number))
    return _status_page(complaint, **{form_name: form}), INVALID


@bp.post("/lacak/<number>/dokumen")
@public
def supply_documents(number: str):
    complaint = _own_complaint_or_404(number)
    form = DocumentsForm()
    return _reporter_action(
        complaint,
        "documents_form",
        form,
        lambda: reporter_actions.supply_documents(complaint, form.note.data or "", form.checked, by=current_user),
        _("Thank you. The Ombudsman has received your documents."),
    )


@bp.post("/lacak/<number>/tanggapan")
@public
def respond_to_notice(number: str):
    complaint = _own_complaint_or_404(number)
    form = NoticeResponseForm()
    return _reporter_action(
        complaint,
        "notice_form",
        form,
        lambda: reporter_actions.respond_to_notice(complaint, form.response.data, form.checked, by=current_user),
        _("Thank you. Your response has been sent to the Ombudsman."),
    )


@bp.post("/lacak/<number>/cabut")
@public
def withdraw(number: str):
    complaint = _own_complaint_or_404(number)
    form = WithdrawForm()
    return _reporter_action(
        complaint,
        "withdraw_form",
        form,
        lambda: reporter_actions.withdraw(complaint, form.reason.data, by=current_user),
        _("Your report has been withdrawn and closed."),
    )


@bp.post("/lacak/<number>/nilai")
@public
def rate(number: str):
    complaint = _own_complaint_or_404(number)
    form = RatingForm()
    return _reporter_action(
        complaint,
        "rating_form",
        form,
        lambda: reporter_actions.rate(complaint, int(form.rating.data), form.comment.data, by=current_user),
        _("Thank you for your rating."),
    )


@bp.post("/lacak/<number>/kunci")
@public
def lock(number: str):
    """Forget on this device a report opened with its access key (a shared computer)."""
    complaint = _own_complaint_or_404(number)
    mine = [pair for pair in _opened() if pair[0] == complaint.id]
    tracking.close_access([str(secret) for _id, secret in mine], complaint)
    db.session.commit()
    session[OPENED] = [pair for pair in _opened() if pair[0] != complaint.id]
    flash(_("The report is closed on this device. Open it again with its tracking number and access key."), "info")
    return redirect(url_for("reports.track"))


@bp.get("/akun/laporan")
@require_role("citizen")
def mine():
    complaints = tracking.complaints_of(current_user)
    return render_template(
        "reports/mine.html", complaints=complaints, statuses={c.id: tracking.public_status(c) for c in complaints}
    )
