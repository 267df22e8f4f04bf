"""The OpenAPI 3.1 description of /api/v1, written out by hand next to the code it describes. Schemathesis
(tests/test_api_schema.py) calls every operation with real tokens and checks each response against it, so a change
to a representation in complaints/blueprints/api/representations.py that is not made here too fails the build."""

from __future__ import annotations

from copy import deepcopy

from complaints.models import CaseKind, CaseStatus
from complaints.services.compliance.region_profiles import TargetState


def _nullable(schema: dict) -> dict:
    schema = deepcopy(schema)
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    kind = schema["type"]
    schema["type"] = [kind, "null"] if isinstance(kind, str) else [*kind, "null"]
    return schema


CASE_STATUSES = [status.value for status in CaseStatus]
STRING, INTEGER, NUMBER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
DATE, DATETIME = {"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}


def _object(properties: dict, *, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _page_of(name: str) -> dict:
    return _object(
        {
            "items": {"type": "array", "items": _ref(name)},
            "page": INTEGER,
            "per_page": INTEGER,
            "total": INTEGER,
            "next": _nullable({"type": "string"}),
        }
    )


CODE_LABEL = _object({"code": STRING, "label": _nullable(STRING)})
RATE = _object(
    {
        "done": INTEGER,
        "total": INTEGER,
        "share": _nullable(NUMBER),
        "wilson_low": _nullable(NUMBER),
        "wilson_high": _nullable(NUMBER),
    }
)

SCHEMAS = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details",
        "properties": {"type": STRING, "title": STRING, "status": INTEGER, "detail": STRING},
        "required": ["type", "title", "status", "detail"],
    },
    "Me": _object(
        {
            "id": INTEGER,
            "full_name": STRING,
            "email": STRING,
            "role": {"type": "string", "enum": ["officer", "supervisor", "admin", "unit_head", "liaison"]},
            "office": _nullable(STRING),
            "region": _nullable(STRING),
            "unit_ids": {"type": "array", "items": INTEGER},
        }
    ),
    "CaseSummary": _object(
        {
            "id": INTEGER,
            "tracking_number": _nullable(STRING),
            "registration_number": _nullable(STRING),
            "kind": {"type": "string", "enum": [kind.value for kind in CaseKind]},
            "status": {"type": "string", "enum": CASE_STATUSES},
            "status_label": STRING,
            "channel": STRING,
            "region": _object({"code": STRING, "name": STRING}),
            "unit": _object({"id": INTEGER, "name": STRING}),
            "substance_area": CODE_LABEL,
            "suspected_form": _nullable(CODE_LABEL),
            "reporter": {"type": "string", "description": "The label the pages show (never a confidential name)"},
            "confidential": BOOLEAN,
            "received_at": DATETIME,
            "registered_at": _nullable(DATETIME),
            "closed_at": _nullable(DATETIME),
            "closure_reason": _nullable(STRING),
            "next_due": _nullable(_object({"due_on": DATE, "clock": STRING, "who_must_act": STRING})),
        }
    ),
    "Event": _object(
        {
            "seq": INTEGER,
            "type": STRING,
            "occurred_at": DATETIME,
            "actor": STRING,
            "public": BOOLEAN,
            "payload": _nullable({"type": "object"}),
        }
    ),
    "Clock": _object(
        {
            "id": INTEGER,
            "kind": STRING,
            "who_must_act": STRING,
            "days": INTEGER,
            "day_type": {"type": "string", "enum": ["working", "calendar"]},
            "start_on": DATE,
            "due_on": DATE,
            "status": STRING,
            "met_on": _nullable(DATE),
            "legal_basis": STRING,
        }
    ),
    "Unit": _object(
        {"id": INTEGER, "name": STRING, "kind": STRING, "region_code": STRING, "head_title": STRING, "active": BOOLEAN}
    ),
    "Region": _object(
        {"code": STRING, "name": STRING, "kind": STRING, "province": STRING, "agreement_active": BOOLEAN}
    ),
    "Assessment": _object(
        {
            "year": INTEGER,
            "region_code": STRING,
            "region": STRING,
            "score": NUMBER,
            "zone": _nullable({"type": "string", "enum": ["hijau", "kuning", "merah"]}),
            "zone_label": _nullable(STRING),
            "category": _nullable(STRING),
            "opinion": _nullable(STRING),
            "stated_zone": _nullable(STRING),
            "stated_category": _nullable(STRING),
            "classified": {"type": "boolean", "description": "Whether the year's band table gave zone and category"},
            "rank_province": {**_nullable(INTEGER), "description": "The rank the source gave, if any"},
            "position_among_published": {"type": "integer", "description": "Place among the year's published scores"},
            "published_results": INTEGER,
            "rank_national": _nullable(INTEGER),
            "points_to_next": _nullable(NUMBER),
            "next_category": _nullable(STRING),
            "source": _nullable(STRING),
            "parts": {
                "type": "array",
                "items": _object(
                    {"kind": {"type": "string", "enum": ["dimension", "unit"]}, "label": STRING, "score": NUMBER}
                ),
            },
        }
    ),
    "Rate": RATE,
    "UnitRecord": _object(
        {
            "unit_id": _nullable(INTEGER),
            "name": STRING,
            "rank": _nullable(INTEGER),
            "cases": INTEGER,
            "closed": INTEGER,
            "median_days_to_close": _nullable(NUMBER),
            "clarification_answers_on_time": _ref("Rate"),
            "corrective_actions_on_time": _ref("Rate"),
            "recommendations_implemented": _ref("Rate"),
            "open_overdue_items": INTEGER,
            "by_suspected_form": {"type": "object", "additionalProperties": INTEGER},
            "by_subject_area": {"type": "object", "additionalProperties": INTEGER},
        }
    ),
    "Target": _object(
        {
            "year": INTEGER,
            "wording": STRING,
            "set_on": _nullable(STRING),
            "set_by": _nullable(STRING),
            "state": {"type": "string", "enum": [state.value for state in TargetState]},
            "standing_year": _nullable(INTEGER),
        }
    ),
}
SCHEMAS["CaseDetail"] = {
    **SCHEMAS["CaseSummary"],
    "properties": {
        **SCHEMAS["CaseSummary"]["properties"],
        "event_date": DATE,
        "chronology": STRING,
        "expectation": _nullable(STRING),
        "complained_to_unit": BOOLEAN,
        "summons_count": INTEGER,
        "examiner": _nullable(_object({"id": INTEGER, "name": STRING})),
        "reporter_identity": _nullable(
            _object(
                {
                    "full_name": STRING,
                    "email": STRING,
                    "phone": STRING,
                    "address": STRING,
                    "acts_for_other": BOOLEAN,
                }
            )
        ),
    },
}
SCHEMAS["CaseDetail"]["required"] = list(SCHEMAS["CaseDetail"]["properties"])
SCHEMAS["Profile"] = _object(
    {
        "region": _ref("Region"),
        "latest_assessment": _nullable(_ref("Assessment")),
        "history": {"type": "array", "items": _ref("Assessment")},
        "targets": {"type": "array", "items": _ref("Target")},
        "live_record": _object(
            {
                "year": _nullable(INTEGER),
                "min_cases_for_rank": INTEGER,
                "refreshed_at": _nullable(DATETIME),
                "total": _ref("UnitRecord"),
                "units": {"type": "array", "items": _ref("UnitRecord")},
            }
        ),
    }
)
for name in ("CaseSummary", "Unit", "Region", "Assessment"):
    SCHEMAS[f"{name}Page"] = _page_of(name)


def _problem(description: str) -> dict:
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": 100000}, "Page number, from 1"),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Items per page (default 25, at most 100)"),
]
CASE_ID = _path("case_id", {"type": "integer", "minimum": 1}, "The case's id")
REGION_CODE = _path("code", {"type": "string", "maxLength": 10}, "The region's code, e.g. 74.71")
UNAUTHORISED = _problem("No valid personal token in the Authorization header")
BAD_QUERY = _problem("A parameter cannot be understood, or holds control characters")
NOT_FOUND = _problem("No such resource, or not within the token owner's reach")
FORBIDDEN = _problem("The token's owner does not work cases (administrators)")
TOO_MANY = _problem("Too many calls from this address; wait for the time given in Retry-After")


def _get(summary: str, description: str, ok: dict, *, parameters=(), not_found=False, tag="") -> dict:
    # 400 everywhere: besides bad query values, every route refuses control characters in the path or query.
    responses = {"200": ok, "400": BAD_QUERY, "401": UNAUTHORISED, "429": TOO_MANY}
    if tag == "Cases":
        responses["403"] = FORBIDDEN
    if not_found:
        responses["404"] = NOT_FOUND
    return {
        "get": {
            "summary": summary,
            "description": description,
            "tags": [tag],
            "parameters": list(parameters),
            "responses": responses,
        }
    }


CASE_FILTERS = [
    _query("status", {"type": "string", "enum": CASE_STATUSES}, "Only cases at this stage"),
    _query("region", {"type": "string", "maxLength": 10}, "Region code"),
    _query("unit_id", {"type": "integer", "minimum": 1}, "Service unit id"),
    _query("examiner_id", {"type": "integer", "minimum": 1}, "Examiner's account id"),
    _query("form", {"type": "string"}, "Suspected or found form of maladministration (code)"),
    _query("area", {"type": "string"}, "Subject area (code)"),
    _query("due_within_days", {"type": "integer", "minimum": 0, "maximum": 3650}, "Next legal date within N days"),
    _query("overdue", {"type": "boolean"}, "Only cases with a legal date passed"),
    _query("include_closed", {"type": "boolean"}, "Include closed cases (left out by default)"),
]

PATHS = {
    "/me": _get(
        "The token's owner",
        "Who the token acts as: role and reach.",
        _ok(_ref("Me")),
        tag="Account",
    ),
    "/cases": _get(
        "Cases within reach",
        "Ombudsman staff: their office's cases. Unit heads and liaisons: their units' cases that a clarification "
        "request or corrective action has brought to them. Earliest legal date first.",
        _ok(_ref("CaseSummaryPage")),
        parameters=[*CASE_FILTERS, *PAGING],
        tag="Cases",
    ),
    "/cases/{case_id}": _get(
        "One case",
        "The reporter's identity is given to Ombudsman staff only; everyone else gets the pages' label.",
        _ok(_ref("CaseDetail")),
        parameters=[CASE_ID],
        not_found=True,
        tag="Cases",
    ),
    "/cases/{case_id}/events": _get(
        "A case's history",
        "Staff: every event with its details. Units: the events the reporter also sees.",
        _ok({"type": "array", "items": _ref("Event")}),
        parameters=[CASE_ID],
        not_found=True,
        tag="Cases",
    ),
    "/cases/{case_id}/clocks": _get(
        "A case's legal clocks",
        "Every clock with its term, due date, status and legal basis.",
        _ok({"type": "array", "items": _ref("Clock")}),
        parameters=[CASE_ID],
        not_found=True,
        tag="Cases",
    ),
    "/units": _get(
        "Service units",
        "Every service unit, or a region's.",
        _ok(_ref("UnitPage")),
        parameters=[_query("region", {"type": "string", "maxLength": 10}, "Region code"), *PAGING],
        tag="Places",
    ),
    "/units/{unit_id}": _get(
        "One service unit",
        "",
        _ok(_ref("Unit")),
        parameters=[_path("unit_id", {"type": "integer", "minimum": 1}, "The unit's id")],
        not_found=True,
        tag="Places",
    ),
    "/regions": _get(
        "Regions",
        "Every regency and city, with whether an agreement is active.",
        _ok(_ref("RegionPage")),
        parameters=PAGING,
        tag="Places",
    ),
    "/regions/{code}": _get(
        "One region", "", _ok(_ref("Region")), parameters=[REGION_CODE], not_found=True, tag="Places"
    ),
    "/regions/{code}/profile": _get(
        "A region's compliance profile",
        "Assessment history, targets and the live record per unit (as on the public profile page).",
        _ok(_ref("Profile")),
        parameters=[
            REGION_CODE,
            _query("year", {"type": "integer", "minimum": 1990, "maximum": 2100}, "Live record of this year only"),
        ],
        not_found=True,
        tag="Compliance",
    ),
    "/assessments": _get(
        "Published assessment results",
        "The Ombudsman's yearly results, classified with each year's band table.",
        _ok(_ref("AssessmentPage")),
        parameters=[
            _query("year", {"type": "integer", "minimum": 1990, "maximum": 2100}, "Assessment year"),
            _query("region", {"type": "string", "maxLength": 10}, "Region code"),
            *PAGING,
        ],
        tag="Compliance",
    ),
}


def openapi_document(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Ombudsman RI public complaints API",
            "version": "1.0.0",
            "description": (
                "Cases, their history and legal clocks, places, and compliance profiles. Authenticate with a "
                "personal token (created and revoked by its owner on the account page) as `Authorization: Bearer "
                "<token>`; the token sees what its owner sees on the pages. Errors are problem details (RFC 9457)."
            ),
        },
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "paths": deepcopy(PATHS),
        "components": {
            "schemas": deepcopy(SCHEMAS),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "description": "Personal token"}},
        },
    }
