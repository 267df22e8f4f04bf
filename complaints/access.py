"""Who may use a route: every view says it, with ``@public``, ``@signed_in``, ``@require_role(...)`` or, for the JSON
API, ``@token_required(...)``.

A view without a rule is refused at request time (``enforce_access_rules``) and fails
``tests/test_access_rules.py``, which walks ``app.url_map``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort, current_app, g, request
from flask_login import current_user

from complaints.models.people import Role

ACCESS_RULE_ATTR = "access_rule"


def _mark(view: Callable, rule: str, roles: frozenset[Role] = frozenset()) -> Callable:
    setattr(view, ACCESS_RULE_ATTR, rule)
    view.allowed_roles = roles
    return view


def public(view: Callable) -> Callable:
    """Anyone, signed in or not, may use this route."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    return _mark(wrapper, "public")


def signed_in(view: Callable) -> Callable:
    """Any signed-in, active account, whatever its role."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return view(*args, **kwargs)

    return _mark(wrapper, "signed_in", frozenset(Role))


def require_role(*names: str) -> Callable[[Callable], Callable]:
    """Only signed-in accounts holding one of these roles; others get 403, anonymous users the login page.

    Unknown role names are a programming error and fail when the module is imported, not when a user arrives.
    """
    if not names:
        raise ValueError("require_role needs at least one role")
    try:
        roles = frozenset(Role(name) for name in names)
    except ValueError as exc:
        raise ValueError(f"require_role: unknown role in {names!r}; known: {[r.value for r in Role]}") from exc

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapper, "roles", roles)

    return decorator


def token_required(*names: str) -> Callable[[Callable], Callable]:
    """JSON API: a personal token (``Authorization: Bearer …``) of an active account holding one of these roles;
    ``g.api_user`` is its owner. Session cookies are never accepted here, so a browser cannot be made to call the API
    (no CSRF). Without a valid token: 401; with another role: 403 (both as problem details)."""
    roles = frozenset(Role(name) for name in names)

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            from complaints.extensions import db
            from complaints.services.accounts.api_tokens import user_for_token

            scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
            user = user_for_token(secret.strip()) if scheme.lower() == "bearer" else None
            db.session.commit()  # the token's use is recorded, whatever the view does next
            if user is None:
                abort(401)
            if user.role not in roles:
                abort(403)
            g.api_user = user
            return view(*args, **kwargs)

        return _mark(wrapper, "token", roles)

    return decorator


def access_rule_of(view: Callable | None) -> str | None:
    return getattr(view, ACCESS_RULE_ATTR, None)


def enforce_access_rules() -> None:
    """Fail closed: a route that forgot to say who may use it answers 403 instead of serving everyone."""
    if request.endpoint is None:  # 404 and 405 are handled by their error pages
        return
    view = current_app.view_functions.get(request.endpoint)
    if access_rule_of(view) is None:
        current_app.logger.error("Route %s has no access rule; refusing", request.endpoint)
        abort(403)


def mark_static_endpoints_public(app) -> None:
    """Static files (ours and Bootstrap's) are public; say so explicitly like every other route."""
    for endpoint, view in list(app.view_functions.items()):
        if (endpoint == "static" or endpoint.endswith(".static")) and access_rule_of(view) is None:
            app.view_functions[endpoint] = public(view)
