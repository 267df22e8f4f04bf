"""Small security helpers that every blueprint shares."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, abort, request
from werkzeug.routing import IntegerConverter

#: PostgreSQL's ``integer``: ids beyond it cannot exist, and asking the database for them is an error.
MAX_DATABASE_ID = 2**31 - 1
#: Deepest page a listing serves (25 rows a page: a quarter of a million rows); beyond it, filter instead.
MAX_PAGE = 10_000
_CONTROL_CHARACTERS = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` in every route: 1 to 2**31 - 1, so that an absurd id is a 404, not a database error."""

    def __init__(self, map, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(map, **kwargs)


def plain_digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes superscripts (which ``int`` refuses) and other scripts' digits."""
    return bool(text) and text.isascii() and text.isdigit()


def page_number() -> int:
    """The ``page`` query argument, bounded (a huge offset is an error in SQLite and a slow scan everywhere)."""
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)


def reject_control_characters() -> None:
    """A NUL or other control character in the path, the query or a form is refused with 400 before any view:
    PostgreSQL cannot store NUL, and no legitimate input contains them (tabs and line breaks are allowed)."""
    values = [request.path, *request.args.values()]
    if request.method in {"POST", "PUT", "PATCH"}:
        values.extend(request.form.values())
        values.extend(f.filename or "" for f in request.files.values())
    if any(ch in _CONTROL_CHARACTERS for value in values for ch in value):
        abort(400)


# Everything the pages load comes from this host: Bootstrap is served locally and there is no inline script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


def safe_next_url(target: str | None) -> str | None:
    """Return ``target`` only if it is a path on this site; anything that could leave the site gives None.

    Refuses absolute URLs, scheme-relative ``//host``, backslash tricks browsers normalise to ``//``, and control
    characters.
    """
    if not target or len(target) > 2000:
        return None
    if any(ord(ch) < 32 for ch in target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def forbid_caching(response: Response) -> Response:
    """``Cache-Control: no-store`` on everything the application makes; only static files stay cacheable.

    One rule rather than a list of pages: the receipt shows the one-time access key, the tracking pages, the case
    pages, the API and the private downloads show personal data, every form carries its session's CSRF token, and a
    page that starts showing personal data later is covered without anyone remembering this. The price is that
    public pages (profiles, the dashboard, Open311 reads) are fetched again, which they are fast enough to bear.
    """
    if (request.endpoint or "").rpartition(".")[2] == "static":
        return response
    if "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    return response
