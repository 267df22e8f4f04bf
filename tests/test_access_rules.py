"""Every route states who may use it, and the statement holds."""

import re

import pytest
from flask import Blueprint

from complaints import create_app
from complaints.access import access_rule_of, public, require_role
from complaints.models import Role
from tests import factories
from tests.conftest import SuiteConfig


def routes(app):
    for rule in app.url_map.iter_rules():
        yield rule, app.view_functions[rule.endpoint]


def sample_url(rule) -> str:
    """The rule's path with every variable filled (ints that do not exist, strings that do not match)."""
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "999999" if m.group(1) == "int" else "zz", rule.rule)


def test_every_endpoint_has_an_explicit_access_rule(app):
    missing = [
        rule.rule for rule, view in routes(app) if access_rule_of(view) not in {"public", "signed_in", "roles", "token"}
    ]
    assert missing == [], f"routes without @public, @signed_in, @require_role or @token_required: {missing}"


def test_protected_routes_send_anonymous_visitors_to_the_login_page(app, client):
    protected = [rule for rule, view in routes(app) if access_rule_of(view) not in {"public", "token"}]
    assert protected, "expected some protected routes"
    for rule in protected:
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(sample_url(rule), method=method)
        assert response.status_code == 302, rule.rule
        assert response.headers["Location"].startswith("/masuk"), rule.rule


@pytest.mark.parametrize("role", list(Role))
def test_api_routes_answer_401_without_a_token_even_to_a_signed_in_session(app, client, seeded, role):
    """The JSON API never takes the session cookie: no cross-site request can use a signed-in browser."""
    factories.login(client, factories.user(role))
    token_routes = [rule for rule, view in routes(app) if access_rule_of(view) == "token"]
    assert token_routes
    for rule in token_routes:
        response = client.get(sample_url(rule))
        assert response.status_code == 401, (role, rule.rule)
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_the_routes_of_other_roles(app, client, seeded, role):
    factories.login(client, factories.user(role))
    for rule, view in routes(app):
        if access_rule_of(view) != "roles" or role in view.allowed_roles:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        assert client.open(sample_url(rule), method=method).status_code == 403, (role, rule.rule)


def test_require_role_rejects_unknown_role_names():
    with pytest.raises(ValueError, match="unknown role"):
        require_role("officer", "superuser")
    with pytest.raises(ValueError):
        require_role()


def test_a_route_without_a_rule_is_refused_at_request_time(database_url):
    app = create_app(SuiteConfig(database_url))
    forgotten = Blueprint("forgotten", __name__)
    forgotten.add_url_rule("/forgotten", "view", lambda: "secret")
    forgotten.add_url_rule("/declared", "declared", public(lambda: "fine"))
    app.register_blueprint(forgotten)
    client = app.test_client()
    assert client.get("/forgotten").status_code == 403
    assert client.get("/declared").get_data(as_text=True) == "fine"
