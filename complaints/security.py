"""Small security helpers that every blueprint shares."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

#: PostgreSQL's ``integer``: ids beyond it cannot exist, and asking the database for them is an error.
MAX_DATABASE_ID = 2**31 - 1
#: Deepest page a listing serves (25 rows a page: a quarter of a million rows); beyond it, filter instead.
MAX_PAGE = 10_000
_CONTROL_CHARACTERS = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}
#: The bidirectional embedding, override and isolate controls (Unicode TR9: LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI,
#: PDI). Each reorders everything up to its end, so "U+202E gpj.exe" shows as "exe.jpg" and a name or an account of
#: events can read differently on screen, in a letter or an e-mail from what was stored ("Trojan Source"). Nobody
#: types them on purpose: keyboards of right-to-left scripts set direction without them. The marks LRM, RLM and ALM
#: (U+200E, U+200F, U+061C) stay allowed: they reorder nothing by themselves, only settle which way the punctuation
#: next to them leans, and phones insert them into Arabic text (file names refuse them too, uploads.clean_name).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: What ends a line somewhere: in a one-line field (a name, an e-mail address, a subject) a break would start a new
#: header in an e-mail or a new line in a letter. Vertical tab, form feed and the separators are refused everywhere
#: as control characters already; NEL and the Unicode separators are not control characters but break lines too.
LINE_BREAKS = frozenset("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` in every route: 1 to 2**31 - 1, so that an absurd id is a 404, not a database error."""

    def __init__(self, map, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(map, **kwargs)


def plain_digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes superscripts (which ``int`` refuses) and other scripts' digits."""
    return bool(text) and text.isascii() and text.isdigit()


def foreign_digits(text: str) -> bool:
    """Whether ``text`` has digits other than 0-9: ``int()`` and ``Decimal()`` read Arabic-Indic ("\u0663") and
    full-width digits as numbers, so a number written with them would pass as another one written in ASCII."""
    return any(ch.isdigit() and not ch.isascii() for ch in text)


def database_id(text: str | None) -> int | None:
    """A row id sent as text (a hidden field, a query argument): ASCII digits within PostgreSQL's integer, else None
    (an id beyond it is a database error, not a missing row)."""
    if not plain_digits(text or "") or len(text) > 10 or int(text) > MAX_DATABASE_ID:
        return None
    return int(text)


def int_arg(name: str, default: int | None = None) -> int | None:
    """A whole-number query argument in ASCII digits; anything else counts as not given (``type=int`` would also
    read "\u0663", "+3" and " 3"). Pages ignore a filter they cannot read, as they ignore an unknown one."""
    text = request.args.get(name, "")
    return int(text) if plain_digits(text) and len(text) <= 10 else default


def page_number() -> int:
    """The ``page`` query argument, bounded (a huge offset is an error in SQLite and a slow scan everywhere)."""
    return min(max(int_arg("page", 1), 1), MAX_PAGE)


class ForbiddenCharacter(BadRequest):
    """A control character in a parameter: the answer names the parameter (400)."""

    def __init__(self, parameter: str):
        parameter = "".join("?" if ch in _CONTROL_CHARACTERS else ch for ch in parameter[:40])
        super().__init__(_l("%(parameter)s: control characters (such as NUL) are not allowed.", parameter=parameter))
        self.parameter = parameter


def reject_control_characters() -> None:
    """A NUL or other control character in the path, the query or a form is refused with 400 before any view:
    PostgreSQL cannot store NUL, and no legitimate input contains them (tabs and line breaks are allowed)."""
    values = [("path", request.path), *request.args.items(multi=True)]
    if request.method in {"POST", "PUT", "PATCH"}:
        values.extend(request.form.items(multi=True))
        values.extend((name, f.filename or "") for name, f in request.files.items(multi=True))
    for name, value in values:
        if any(ch in _CONTROL_CHARACTERS for ch in value):
            raise ForbiddenCharacter(name)


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
