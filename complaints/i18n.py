"""Language choice: Bahasa Indonesia unless the visitor asked for English (the switch in the header)."""

from __future__ import annotations

from datetime import date

from flask import current_app, has_request_context, request, session
from flask_babel import format_date

SESSION_KEY = "lang"


def select_locale() -> str:
    if not has_request_context():  # commands and tasks speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get(SESSION_KEY)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    # An explicit ?lang= on a link (used by e-mails) works without a session.
    asked = request.args.get("lang")
    if asked in current_app.config["LANGUAGES"]:
        return asked
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def N_(text: str) -> str:  # noqa: N802 (the conventional gettext marker name)
    """Mark a text for the catalogue without translating it yet; it is translated where it is shown."""
    return text


def format_long_date(day: date | None) -> str:
    """ "16 Desember 2021" in Indonesian, "December 16, 2021" in English."""
    return format_date(day, "long") if day else ""
