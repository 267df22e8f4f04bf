"""Absolute links for e-mails and letters, which are also composed outside requests (commands, tasks, tests)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    """``PUBLIC_BASE_URL`` when set (behind a proxy the request's own host may be an internal one), else the
    current request's host, else the development address."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base is None and has_request_context():
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base or "http://127.0.0.1:5000")
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)
