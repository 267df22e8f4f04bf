"""Forms demand the CSRF token when protection is on, as it is everywhere but in most tests."""

import re

from complaints import create_app
from tests import factories
from tests.conftest import RequestIsolatedClient, SuiteConfig


def test_forms_without_a_csrf_token_are_refused(database_url, app, seeded):
    csrf_app = create_app(SuiteConfig(database_url, WTF_CSRF_ENABLED=True))
    csrf_app.test_client_class = RequestIsolatedClient
    client = csrf_app.test_client()
    user = factories.user()
    data = {"email": user.email, "password": factories.PASSWORD}
    refused = client.post("/masuk", data=data)
    assert refused.status_code == 400
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/masuk").get_data(as_text=True)
    ).group(1)
    assert client.post("/masuk", data={**data, "csrf_token": token}).status_code == 302
    assert client.post("/keluar").status_code == 400  # signing out needs the token too
