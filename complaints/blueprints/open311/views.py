"""Open311 GeoReport v2: thin views over complaints/services/intake/open311.py, answered in the spec's shapes
(``shapes``). Every route is public, as the spec has it; filing checks the client application's api_key itself (403
per the spec's "Errors" section)."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from complaints.access import public
from complaints.blueprints.open311 import bp, shapes
from complaints.extensions import csrf, db, limiter
from complaints.forms import ComplaintForm
from complaints.models import ApiClient, Complaint, Region, SubstanceArea
from complaints.models.types import utcnow
from complaints.security import ForbiddenCharacter
from complaints.services.accounts import api_tokens
from complaints.services.core.links import external_url
from complaints.services.intake import filing, open311
from complaints.services.intake.open311 import Open311Error
from complaints.web import ERROR_TEXTS

#: The spec names the format by the resource's extension (section "Format Support").
FORMAT = "<any(json, xml):fmt>"


def _format() -> str:
    fmt = (request.view_args or {}).get("fmt")
    if fmt in shapes.CONTENT_TYPES:
        return fmt
    return "xml" if request.path.endswith(".xml") else "json"


@bp.errorhandler(Open311Error)
def open311_error(error: Open311Error):
    return shapes.render_errors(_format(), error.status, error.descriptions)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Any other HTTP error on these routes (a rate limit, an upload too large) in the spec's error shape too."""
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    texts = ERROR_TEXTS.get(code)
    description = str(texts[1]) if texts else error.name
    if isinstance(error, ForbiddenCharacter):  # names the parameter
        description = str(error.description)
    headers = {name: value for name, value in error.get_headers() if name.lower() == "retry-after"}
    return shapes.render_errors(_format(), code, [description], headers=headers)


# --- discovery, services -----------------------------------------------------------------------------------------


@bp.get(f"/discovery.{FORMAT}")
@public
def discovery(fmt: str):
    endpoint = external_url("open311.discovery", fmt=fmt).rsplit("/", 1)[0]
    return shapes.render(fmt, "discovery", open311.discovery(endpoint))


@bp.get(f"/services.{FORMAT}")
@public
def services(fmt: str):
    open311.region_for(request.args.get("jurisdiction_id"))  # the same list everywhere, but a wrong one is a 404
    return shapes.render(fmt, "services", open311.service_list())


@bp.get(f"/services/<service_code>.{FORMAT}")
@public
def service_definition(service_code: str, fmt: str):
    region = open311.region_for(request.args.get("jurisdiction_id"))
    area = open311.area_for(service_code)
    return shapes.render(fmt, "service_definition", open311.service_definition(area, region))


# --- POST Service Request ----------------------------------------------------------------------------------------


def _filing_limit() -> str:
    return current_app.config["OPEN311_RATE_LIMIT"]


def _attempt_limit() -> str:
    return current_app.config["OPEN311_ATTEMPT_LIMIT"]


def _client_limit_key() -> str:
    """Reports filed count per client application (one application files for many citizens from one address);
    the key is hashed so that no secret is kept in the limiter's storage."""
    key = (request.form.get("api_key") or "").strip()  # as _client() reads it: spaces cannot make a new counter
    return "open311:" + hashlib.sha256(key.encode()).hexdigest()[:32] if key else get_remote_address()


def _client() -> ApiClient:
    secret = (request.form.get("api_key") or "").strip()
    if not secret:
        raise Open311Error(403, _("api_key was not provided."))
    client = api_tokens.client_for_key(secret)
    db.session.commit()  # the key's use is recorded, whatever the filing does next
    if client is None:
        raise Open311Error(403, _("The api_key is not valid or has been revoked."))
    return client


def _filing_form(data) -> ComplaintForm:
    """The web form itself, fed from the Open311 parameters: the same rules, the same messages. No CSRF token: the
    caller is another server, authenticated by its api_key."""
    return ComplaintForm(
        formdata=MultiDict(data),
        meta={"csrf": False},
        regions=db.session.scalars(select(Region).order_by(Region.name)).all(),
        units=open311.active_units(None),
        areas=db.session.scalars(select(SubstanceArea).order_by(SubstanceArea.position)).all(),
        forms=open311.maladministration_forms(),
    )


def _filed(fmt: str, complaint: Complaint, status: int):
    headers = {
        "Location": url_for("open311.show_request", request_id=complaint.tracking_number, fmt=fmt),
        "Cache-Control": "no-store",
    }
    return shapes.render(fmt, "service_requests", open311.filing_response(complaint), status=status, headers=headers)


@bp.post(f"/requests.{FORMAT}")
@csrf.exempt  # called by other servers, authenticated by api_key; no browser session is involved
@public
# Reports filed count per client key; every try (mistakes included) counts against the looser limit per address.
@limiter.limit(_filing_limit, key_func=_client_limit_key, methods=["POST"], deduct_when=lambda r: r.status_code == 201)
@limiter.limit(_attempt_limit, methods=["POST"])
def create_request(fmt: str):
    client = _client()
    area = open311.area_for(request.form.get("service_code"))
    jurisdiction_id = request.form.get("jurisdiction_id")
    region = open311.region_for(jurisdiction_id)
    # Idempotency: the same key (attribute or header) files one report however often it is sent.
    given_key = request.form.get("attribute[submission_key]") or request.headers.get("Idempotency-Key")
    key = open311.scoped_submission_key(client, given_key)
    data, errors = open311.filing_form_data(
        request.form, request.files.getlist("media"), area=area, region=region, submission_key=key
    )
    form = _filing_form(data)
    if not form.validate() or errors:
        raise Open311Error(400, *errors, *open311.form_errors(form, jurisdiction_sent=bool(jurisdiction_id)))
    submission = form.submission()
    try:
        filed = open311.file_request(
            submission, filing.Files(id_card=form.checked_id_card), client=client, submission_key=key
        )
        db.session.commit()  # once: the receipt e-mail leaves the outbox after this commit
    except filing.AlreadyFiled as exc:  # sent before with the same key: the report it filed
        db.session.rollback()
        if not open311.same_report(exc.complaint, submission):
            # A key reused for someone else's report must not swallow it silently.
            raise Open311Error(400, _("This submission key was already used for a different report.")) from None
        return _filed(fmt, exc.complaint, 200)
    except IntegrityError:  # sent twice at the same moment: the other request filed it
        db.session.rollback()
        earlier = filing.find_by_submission_key(key)
        if earlier is None:
            raise
        return _filed(fmt, earlier, 200)
    except filing.IntakeError as exc:
        db.session.rollback()
        prefix = f"{open311.parameter_of(exc.field)}: " if exc.field else ""
        raise Open311Error(400, prefix + str(exc)) from None
    return _filed(fmt, filed.complaint, 201)


# --- GET Service Requests, a request, a token --------------------------------------------------------------------


@bp.get(f"/requests.{FORMAT}")
@public
def list_requests(fmt: str):
    query = open311.parse_query(request.args, now=utcnow())
    found, more = open311.find_requests(query)
    headers = {}
    if more:  # the pagination extension: the next page, as a Link header (the body stays the spec's bare list)
        args = {**request.args.to_dict(), "page": str(query.page + 1)}
        headers["Link"] = f'<{url_for("open311.list_requests", fmt=fmt)}?{urlencode(args)}>; rel="next"'
    return shapes.render(fmt, "service_requests", open311.public_requests(found), headers=headers)


@bp.get(f"/requests/<request_id>.{FORMAT}")
@public
def show_request(request_id: str, fmt: str):
    region = open311.region_for(request.args.get("jurisdiction_id"))
    complaint = open311.find_request(request_id)
    if complaint is None or (region is not None and complaint.region_id != region.id):
        raise Open311Error(404, _("No service request %(id)s.", id=request_id[:20]))
    return shapes.render(fmt, "service_requests", open311.public_requests([complaint]))


@bp.get(f"/tokens/<token>.{FORMAT}")
@public
def token(token: str, fmt: str):
    """Requests get their id at once (type "realtime"), so a token is only ever a submission key the application
    sent itself, answered with that application's key; anything else is the spec's 404. The key comes in the header
    X-Api-Key, not the query string, so that it never lands in access logs."""
    secret = (request.headers.get("X-Api-Key") or "").strip()
    client = api_tokens.client_for_key(secret) if secret else None
    db.session.commit()
    complaint = open311.request_id_for_token(client, token) if client is not None else None
    if complaint is None:
        raise Open311Error(404, _("Unknown token %(token)s.", token=token[:40]))
    return shapes.render(fmt, "service_requests", [{"service_request_id": complaint.tracking_number, "token": token}])


@bp.get("/<path:anything>")
@public
def unknown(anything: str):
    """Anything else under /open311/v2 (a format other than .json or .xml, a typo) answers in the spec's shape."""
    raise Open311Error(404, _("No such resource. Addresses end in .json or .xml; see discovery.json."))
