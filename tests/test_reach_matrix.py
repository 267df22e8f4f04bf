"""The reach matrix: every route that addresses an object by id × every object of the world (owned and not, in reach
and not) × every role, signed in and by API token. The expected answer is computed from the route's access rule
(``complaints/access.py``) and the reach rule (``complaints/services/casework/reach.py``), never written by hand:

- refused by the access rule: 302 to the sign-in page (no session), 401 (API without a token), 403 (another role);
- admitted, but the object is out of reach (or the URL pairs one case with another's document): 404;
- otherwise 200.

Routes and their variables come from ``app.url_map`` (tests/crawling.py says which object type each variable
addresses), so a new route is in the matrix without editing this test. POST routes are sent only where the answer
must be a refusal (a granted POST would change the world the next cells are checked against)."""

from __future__ import annotations

import time
from collections import Counter
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from complaints.access import access_rule_of
from complaints.extensions import db
from complaints.models import (
    Agreement,
    ApiToken,
    Attachment,
    ClarificationRequest,
    Complaint,
    CorrectiveAction,
    JointReview,
    SignInSession,
)
from complaints.services.casework import reach
from complaints.services.portal import inbox
from tests.crawling import (
    CASE_TYPES,
    INT_VARIABLES,
    admitted,
    build_url,
    is_api,
    unknown_variables,
    variable_type,
    world_filler,
)
from tests.reach_world import build_world

#: The object types the matrix addresses: everything named by an integer id, reports by their tracking number, and
#: regions by their code.
MATRIX_TYPES = set(INT_VARIABLES.values()) | {"complaint", "region"}

#: The stages that differ for reach (not yet brought to the unit; a clarification request; a corrective action;
#: closed): the crawl visits every stage, the matrix every one that can change an answer.
MATRIX_STAGES = ("received", "registered", "examination", "final_report", "closed")

#: Which rule decides whether a case answers on a public route, by blueprint: the reporter's own pages, and
#: Open311's lookup by id (any report from the public). A new public blueprint addressing cases must be added here.
PUBLIC_CASE_RULES = {
    "reports": lambda case, user: reach.reporter_reaches(case, user, set()),
    "open311": lambda case, user: bool(
        db.session.scalar(select(Complaint.id).where(Complaint.id == case.id, reach.public_scope(listed=False)))
    ),
}


def _resolve(type_: str, value):
    if type_ == "complaint":
        column = Complaint.id if isinstance(value, int) else Complaint.tracking_number
        return db.session.scalar(select(Complaint).where(column == value))
    if type_ == "region":
        from complaints.services.places import directory

        return directory.get_region(value)
    model = {
        "attachment": Attachment,
        "clarification_request": ClarificationRequest,
        "corrective_action": CorrectiveAction,
        "joint_review": JointReview,
        "agreement": Agreement,
        "api_token": ApiToken,
        "sign_in_session": SignInSession,
    }.get(type_)
    return db.session.get(model, value) if model else value


def _case_of(type_: str, item) -> Complaint:
    return item if type_ == "complaint" else db.session.get(Complaint, item.complaint_id)


class Expectation:
    """What the reach rule says of one object on one route for one principal."""

    def __init__(self, app, rule, principal):
        self.app, self.rule, self.principal = app, rule, principal
        self.blueprint = rule.endpoint.split(".")[0]
        self.public = access_rule_of(app.view_functions[rule.endpoint]) == "public"
        self.user = principal.session_user if self.public else principal.user

    def case_reached(self, case: Complaint) -> bool:
        if self.public:
            assert self.blueprint in PUBLIC_CASE_RULES, f"{self.rule.rule}: say in PUBLIC_CASE_RULES who reaches it"
            return PUBLIC_CASE_RULES[self.blueprint](case, self.user)
        return reach.reaches(self.user, case)

    def object_reached(self, type_: str, item) -> bool:  # noqa: C901 (one branch per object type)
        user = self.user
        if item is None:
            return False
        if type_ in CASE_TYPES:
            case = _case_of(type_, item)
            if not self.case_reached(case):
                return False
            if type_ == "attachment" and not (self.public or reach.sees_identity(user)):
                return item in inbox.visible_attachments(case)  # units never get identity or private documents
            return True
        if type_ == "joint_review":
            return item.agreement_id in {a.id for a in reach.followed_agreements(user)}
        if type_ == "agreement" and self.blueprint != "admin":  # the administrator edits every agreement
            return item.id in {a.id for a in reach.followed_agreements(user)}
        if type_ in {"api_token", "sign_in_session"}:
            return item.user_id == user.id  # one's own tokens and sessions only
        if type_ == "region" and self.blueprint == "office":  # data exchange: the office's regions under agreement
            return item.province_id == user.office.province_id and reach.liaison_follows(item)
        return True  # users, units, applications, bands, holiday corrections: the route's role decides

    def status(self, values: dict) -> int:
        """The answer expected (200, or the refusal's status)."""
        view = self.app.view_functions[self.rule.endpoint]
        if not admitted(self.app, self.rule.endpoint, self.principal):
            if access_rule_of(view) == "token":
                return 401 if self.principal.token is None else 403
            return 302 if self.principal.session_user is None else 403
        cases = set()
        for name, value in values.items():
            type_ = variable_type(self.rule, name)
            if type_ not in MATRIX_TYPES:
                continue
            item = _resolve(type_, value)
            if not self.object_reached(type_, item):
                return 404
            if type_ in CASE_TYPES:
                cases.add(_case_of(type_, item).id)
        return 404 if len(cases) > 1 else 200


def matrix_rules(app):
    return sorted(
        (r for r in app.url_map.iter_rules() if any(variable_type(r, n) in MATRIX_TYPES for n in r.arguments)),
        key=lambda r: r.rule,
    )


def answered(response) -> int:
    if response.status_code == 302 and urlsplit(response.headers["Location"]).path.startswith("/masuk"):
        return 302
    return response.status_code


@pytest.mark.integration  # a campaign: the PostgreSQL pass runs it
def test_the_reach_matrix(app, seeded, capsys):
    assert unknown_variables(app) == [], "say in tests/crawling.py which object type the new URL variables address"
    started = time.perf_counter()
    world = build_world(app)
    cases = [world.confidential[stage] for stage in MATRIX_STAGES] + [world.other_unit, world.other_region]
    filler = world_filler(app, world, cases=cases)
    filler.regions += ["74.05"]  # Konawe Selatan: no agreement
    wrong, cells, outcome, covered = [], 0, Counter(), Counter()
    for rule in matrix_rules(app):
        method = "GET" if "GET" in rule.methods else "POST"
        combinations = filler.combinations(rule, crossed=True, objects=MATRIX_TYPES)
        for principal in world.principals.values():
            expectation = Expectation(app, rule, principal)
            # Refused by the route's access rule whatever the object, or a token on a page (which never takes one,
            # so it is an anonymous visit): two objects show it.
            whole = admitted(app, rule.endpoint, principal) and (principal.token is None or is_api(app, rule.endpoint))
            tried = combinations if whole else combinations[:2]
            for values in tried:
                expected = expectation.status(values)
                for name in values:
                    if variable_type(rule, name) in MATRIX_TYPES:
                        covered[(variable_type(rule, name), expected == 200)] += 1
                if method == "POST" and expected == 200:
                    outcome["granted POST, not sent"] += 1
                    continue
                url = build_url(app, rule, values)
                got = answered(principal.open(url, method))
                cells += 1
                outcome[expected] += 1
                if got != expected:
                    wrong.append(f"{principal.name} {method} {url}: {got}, expected {expected}")
    with capsys.disabled():
        print(f"\nreach matrix: {cells} cells, answers {dict(outcome)}, {time.perf_counter() - started:.1f} s")
    assert wrong == [], "\n".join(wrong[:50])
    # Every object type was both granted and refused somewhere: nothing vacuous.
    assert [t for t in MATRIX_TYPES if not (covered[(t, True)] and covered[(t, False)])] == []
