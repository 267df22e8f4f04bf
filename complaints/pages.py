"""What the blueprints' page views share: a form page's status code, a service call committed or refused, a private
file sent."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app, flash, request, send_file, stream_with_context

from complaints.extensions import db
from complaints.services.core.errors import RuleError

#: The form was understood, but what it holds is not acceptable.
INVALID = 422


def form_status() -> int:
    """A form page shown again after a POST is an invalid submission; shown on GET it is just the page."""
    return INVALID if request.method == "POST" else 200


@dataclass
class Change:
    """What became of the block's change: ``committed``, or refused and rolled back."""

    committed: bool = False


@contextmanager
def committing(form=None, *, field: str | None = None, flash_refusal: bool = False, refusals=(RuleError,)):
    """Run the block's service calls as one change: commit it, or, when a service refuses (``refusals``), roll it
    back and say why: on the form's field the error names (else ``field``, else the form as a whole) and, with
    ``flash_refusal`` or without a form, in a flash message. Anything else propagates, uncommitted."""
    change = Change()
    try:
        yield change
    except refusals as refusal:
        db.session.rollback()
        message = str(refusal)
        if form is not None:
            name = getattr(refusal, "field", None) or field
            target = getattr(form, name, None) if name else None
            (target.errors if target is not None else form.form_errors).append(message)
        if flash_refusal or form is None:
            flash(message, "danger")
        return
    db.session.commit()
    change.committed = True


def _private(response):
    """No cache may keep it, neither a shared one nor the browser's."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def private_file(path, *, mimetype: str, name: str, **send_file_options):
    """A file from storage, downloaded (never shown inline) under ``name``."""
    return _private(send_file(path, mimetype=mimetype, as_attachment=True, download_name=name, **send_file_options))


def private_download(content, *, mimetype: str, name: str):
    """Content made for this request (bytes, or an iterator of chunks streamed as they are made, for exports of any
    size), downloaded under ``name``."""
    if not isinstance(content, bytes):
        content = stream_with_context(content)
    response = current_app.response_class(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return _private(response)
