"""Absolute links for e-mails and letters, which are also composed outside requests (commands, tasks, tests).

They always start with ``PUBLIC_BASE_URL`` (the development address without it), never with a request's host: a
link in an e-mail must not follow whatever Host header a request carried, nor differ between a page and a task."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

#: Where `make run` serves when PUBLIC_BASE_URL is not set (production refuses to start without it).
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def external_url(endpoint: str, **values) -> str:
    parts = urlsplit(current_app.config.get("PUBLIC_BASE_URL") or DEVELOPMENT_BASE_URL)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)
