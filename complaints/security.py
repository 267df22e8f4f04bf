"""Small security helpers that every blueprint shares."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response

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
