"""Schemathesis against /api/v1/openapi.json with real tokens of each kind of holder: for every operation it generates
requests from the description, sends them to the app and checks that nothing answers 5xx and every answer (status,
content type, body) matches the description."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Agreement, Complaint, Role
from complaints.services.accounts import api_tokens
from complaints.services.casework import examination
from tests import factories
from tests.casework import Staff
from tests.filing import file_complaint

pytestmark = pytest.mark.integration

CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance]
CHECKS.append(response_schema_conformance)


@pytest.fixture
def api_schema(app, seeded, client):
    """Cases at several stages, a confidential one among them, and the description loaded from the app itself."""
    staff = Staff()
    for n, confidential in enumerate((None, "y", None)):
        assert file_complaint(client, email=f"p{n}@example.org", confidential=confidential).status_code == 302
    cases = db.session.scalars(select(Complaint).order_by(Complaint.id)).all()
    staff.examine(cases[0])
    examination.request_clarification(cases[0], "Pertanyaan", by=staff.examiner)
    db.session.commit()
    staff.register(cases[1])
    holders = {
        "officer": staff.examiner,
        "unit_head": factories.user(Role.UNIT_HEAD),
        "liaison": factories.user(Role.LIAISON),
    }
    agreement = db.session.scalar(select(Agreement).where(Agreement.region_id == holders["liaison"].region_id))
    agreement.liaisons.append(holders["liaison"])
    # Parts of an assessment (dimension and unit scores), so that their description is exercised too.
    from complaints.services.compliance.assessment_import import import_assessments

    parts = b"year,region_code,score,dimension_process,unit_puskesmas\n2023,74.71,64.14,70.00,55.50\n"
    assert import_assessments("parts.csv", parts).ok
    app.config["API_TOKENS"] = {
        role: api_tokens.create_token(user, "schemathesis")[1] for role, user in holders.items()
    }
    db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_every_operation_answers_as_described(app, api_schema):
    # Driven through Hypothesis directly: Schemathesis' pytest plugin does not run under this pytest version.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 11
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def answers_as_described(case):
            for token in app.config["API_TOKENS"].values():
                case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
            # A token that is not one: never an answer. 401, unless the request fails before the token is read:
            # 404 for a path no route matches (an id out of range), 400 for control characters in a parameter.
            response = case.call(headers={"Authorization": "Bearer omb_not-a-token"})
            assert response.status_code in (400, 401, 404), response.text
            assert "problem+json" in str(response.headers), response.headers

        answers_as_described()
