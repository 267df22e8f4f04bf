"""Request-wide behaviour: access enforcement, error pages, security headers, template helpers."""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from complaints.access import enforce_access_rules
from complaints.extensions import db, limiter
from complaints.i18n import format_long_date
from complaints.labels import register_template_labels
from complaints.models import (
    CaseKind,
    CaseStatus,
    ClarificationStatus,
    ClockStatus,
    ReportJobStatus,
    Role,
    SubmissionKind,
    Verdict,
)
from complaints.navigation import navigation_for
from complaints.security import ForbiddenCharacter, add_security_headers, forbid_caching, reject_control_characters

#: Titles and explanations shown on error pages, in the visitor's language.
ERROR_TEXTS = {
    400: (
        _l("The request could not be processed"),
        _l("Something in what was sent is not valid. Go back, check the form and try again."),
    ),
    401: (
        _l("Authentication needed"),
        _l("Send a valid personal API token in the Authorization header: Bearer followed by the token."),
    ),
    403: (
        _l("Access denied"),
        _l("Your account may not open this page. If you think it should, contact the Ombudsman office."),
    ),
    404: (
        _l("Page not found"),
        _l("The page does not exist, or you may not see it. Check the address or go back to the home page."),
    ),
    405: (_l("Method not allowed"), _l("This page cannot be used this way.")),
    413: (_l("Upload too large"), _l("What you sent is larger than allowed. Make the files smaller and try again.")),
    429: (_l("Too many attempts"), _l("You have tried too often in a short time. Wait a few minutes and try again.")),
    500: (
        _l("Something went wrong"),
        _l("An error occurred on our side. Nothing you sent was saved half-way; please try again later."),
    ),
}


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/healthz")) or (request.accept_mimetypes.best == "application/json")


#: The JSON API's wording where the pages' would talk of pages and forms.
API_ERROR_TEXTS = {
    400: (_l("The request could not be processed"), _l("A parameter cannot be understood.")),
    403: (_l("Access denied"), _l("The token's owner may not use this part of the API.")),
    404: (_l("Not found"), _l("There is no such resource, or it is not within the token owner's reach.")),
    405: (_l("Method not allowed"), _l("This address answers GET only.")),
}


def problem(status: int, title: str, detail: str, *, headers=None, **extra):
    """An RFC 9457 problem-details response, the JSON API's only error shape."""
    response = jsonify({"type": "about:blank", "title": title, "status": status, "detail": detail, **extra})
    response.status_code = status
    response.mimetype = "application/problem+json"
    for name, value in headers or []:
        if name.lower() in {"allow", "retry-after", "www-authenticate"}:
            response.headers[name] = value
    if status == 401:
        presented = bool(request.headers.get("Authorization"))
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"' + (', error="invalid_token"' if presented else "")
    return response


def handle_http_error(error: HTTPException):
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    title, explanation = ERROR_TEXTS.get(code, (error.name, error.description))
    if request.path.startswith("/api/"):
        title, explanation = API_ERROR_TEXTS.get(code, (title, explanation))
    if isinstance(error, ForbiddenCharacter):  # names the parameter, on pages and in the API alike
        explanation = error.description
    if isinstance(error, CSRFError):
        title, explanation = (
            _l("The page has expired"),
            _l(
                "For your security, a form can only be sent from a page opened in this browser session. Go back, "
                "reload the page (your text may still be there) and send it again."
            ),
        )
    retry_after = _retry_after_minutes(error) if code == 429 else None
    if retry_after:
        explanation = _l("You have tried too often. You can try again in about %(n)d minutes.", n=retry_after)
    if request.path.startswith("/api/"):
        return problem(code, str(title), str(explanation), headers=error.get_headers())
    if _wants_json():
        response = jsonify({"status": code, "title": str(title), "detail": str(explanation)})
        response.status_code = code
        return response
    return render_template("errors/error.html", code=code, title=title, explanation=explanation), code


def _retry_after_minutes(error: HTTPException) -> int | None:
    """How long until the limit that was hit lets the visitor try again (the window of that limit)."""
    current = limiter.current_limit
    try:
        reset_at = current.reset_at if current is not None else None
    except Exception:  # noqa: BLE001 (the limits' storage failed since the check: the page without the minutes)
        current_app.logger.warning("Rate-limit storage unavailable for the retry time", exc_info=True)
        return None
    if not reset_at:
        return None
    return max(1, math.ceil((reset_at - time.time()) / 60))


def handle_unexpected_error(error: Exception):
    """Anything that is not an HTTP error is a bug: log it with its traceback, undo the transaction, show 500."""
    propagate = current_app.config.get("PROPAGATE_EXCEPTIONS")
    if propagate or (propagate is None and (current_app.testing or current_app.debug)):
        raise error  # tests and the debugger see the real traceback
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    register_template_labels(app)
    from complaints.services.compliance.region_profiles import TargetState
    from complaints.services.portal.inbox import DueState, InboxKind, shown_name

    app.jinja_env.globals["shown_name"] = shown_name
    # Templates compare states with these members, never with their raw values.
    app.jinja_env.globals.update(
        CaseKind=CaseKind,
        CaseStatus=CaseStatus,
        ClarificationStatus=ClarificationStatus,
        ClockStatus=ClockStatus,
        DueState=DueState,
        InboxKind=InboxKind,
        ReportJobStatus=ReportJobStatus,
        Role=Role,
        SubmissionKind=SubmissionKind,
        TargetState=TargetState,
        Verdict=Verdict,
    )
    app.jinja_env.filters["date_long"] = format_long_date
    app.jinja_env.filters["format_weekday"] = lambda d: format_date(d, "EEEE")
    app.jinja_env.filters["datetime_short"] = lambda moment: format_datetime(moment, "short")
    app.before_request(reject_control_characters)
    app.before_request(enforce_access_rules)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)

    @app.after_request
    def security_headers(response):
        add_security_headers(response)
        forbid_caching(response)
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response

    @app.context_processor
    def template_helpers():
        role = current_user.role if current_user.is_authenticated else None
        return {
            "navigation": navigation_for(role),
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
        }
