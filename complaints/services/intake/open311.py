"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): what other systems see of the service and how they
file a report through it. The rules are here; the Open311 blueprint turns their answers into the spec's JSON and
XML.

- Services are the subject areas (``SubstanceArea``); a service definition lists what UU 37/2008 art. 24 asks of a
  report, as attributes, so that a client can build its form from it.
- A POST is mapped onto the web filing form (``ComplaintForm``) and filed by ``filing.file_complaint``, with the same
  rules, the same receipt e-mail and the same verification clock as a report filed at /lapor.
- What is published of a report is what anyone may know: its tracking number, unit, area, region, public status and
  dates. Never the reporter (name, e-mail, telephone, NIK) nor what they wrote: ``public_requests`` cannot even load
  the reporter's row.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import raiseload, selectinload

from complaints.extensions import db
from complaints.i18n import format_long_date
from complaints.labels import (
    MARITAL_STATUS_LABELS,
    PRIOR_CHANNEL_LABELS,
    PUBLIC_STATUS_LABELS,
    STAFF_ACTOR_LABELS,
)
from complaints.models import (
    ApiClient,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Channel,
    Clock,
    ClockStatus,
    Complaint,
    MaladministrationForm,
    MaritalStatus,
    Office,
    PriorComplaintChannel,
    Region,
    ServiceUnit,
    SubstanceArea,
)
from complaints.security import database_id, plain_digits
from complaints.services.casework import clocks, history, reach
from complaints.services.intake import filing
from complaints.services.intake.tracking import public_status
from complaints.services.places.working_days import DEFAULT_TIMEZONE

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: Service Discovery's ``changeset``: when this interface (services, definitions) last changed shape. Raise it
#: with any change to the attributes below, so that clients refresh what they cache.
CHANGESET = "2026-11-23T00:00:00+08:00"
#: The spec's default is "a span of 90 days or first 1000 requests"; we page by ``page``/``page_size`` (the most
#: widely implemented extension) and serve at most this many per page.
MAX_PAGE_SIZE = 200
#: GET Service Requests: "may not span more than 90 days"; the default range is the most recent 90 days.
WINDOW = timedelta(days=90)
#: At most this many ids in one ``service_request_id`` list.
MAX_IDS = MAX_PAGE_SIZE
#: Every area belongs to this one group: all are reports of maladministration by a public service unit.
GROUP = "pelayanan_publik"

_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_]{1,40})\]$")


class Open311Error(Exception):
    """An answer in the spec's error shape (section "Errors"): 404 for what does not exist, 403 for a missing or
    wrong api_key, 400 for anything else; several descriptions may go together."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = [str(d) for d in descriptions]


def w3c(moment: datetime | None, timezone: str) -> str | None:
    """A W3C date-time with its offset, in the office's time zone (the spec: time zone information must be
    included)."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(timezone)).replace(microsecond=0).isoformat()


def end_of_day(day: date | None, timezone: str) -> str | None:
    """A due date is the last day to act: the moment it ends, in the office's time zone."""
    if day is None:
        return None
    return datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(timezone)).isoformat()


def _english() -> bool:
    return str(get_locale()) == "en"


# --- discovery, services, definitions ---------------------------------------------------------------------------


def discovery(endpoint_url: str) -> dict:
    """Service Discovery (http://wiki.open311.org/Service_Discovery): every field is required."""
    offices = db.session.scalars(select(Office).order_by(Office.code)).all()
    contact = "; ".join(", ".join(part for part in (o.name, o.email, o.phone) if part) for o in offices)
    return {
        "changeset": CHANGESET,
        "contact": contact or "Ombudsman Republik Indonesia",
        "key_service": _(
            "API keys are issued to applications by the Ombudsman office's administrator; ask the office: %(contact)s",
            contact=contact or "Ombudsman Republik Indonesia",
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": CHANGESET,
                "type": "production" if current_app.config["APP_ENV"] == "production" else "test",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def region_for(jurisdiction_id: str | None) -> Region | None:
    """The region of a ``jurisdiction_id`` (its Kemendagri code, e.g. 74.71); None when not sent (optional here: a
    unit names its region). An unknown one is the spec's 404 "jurisdiction_id provided was not found"."""
    if not jurisdiction_id:
        return None
    region = db.session.scalar(select(Region).where(Region.code == jurisdiction_id.strip()[:10]))
    if region is None:
        raise Open311Error(
            404, _("Unknown jurisdiction_id %(id)s: use a region code such as 74.71.", id=jurisdiction_id[:20])
        )
    return region


def _area_name(area: SubstanceArea) -> str:
    return area.label_en if _english() else area.label_id


def service_list() -> list[dict]:
    """GET Service List. ``type`` is "realtime": the service_request_id (the tracking number) is returned at once."""
    areas = db.session.scalars(select(SubstanceArea).order_by(SubstanceArea.position, SubstanceArea.code)).all()
    return [
        {
            "service_code": area.code,
            "service_name": _area_name(area),
            "description": _(
                "A report of maladministration by a public service unit in the area of %(area)s, filed with the "
                "Ombudsman (UU 37/2008). The reporter's identity, a copy of the ID card and an e-mail address are "
                "required.",
                area=_area_name(area),
            ),
            "metadata": True,
            "type": "realtime",
            "keywords": f"{area.label_id}, {area.label_en}",
            "group": GROUP,
        }
        for area in areas
    ]


def area_for(service_code: str | None) -> SubstanceArea:
    if not service_code:
        raise Open311Error(400, _("service_code was not provided."))
    area = db.session.get(SubstanceArea, service_code.strip()[:40])
    if area is None:
        raise Open311Error(404, _("Unknown service_code %(code)s.", code=service_code[:40]))
    return area


@dataclass(frozen=True)
class Attribute:
    """One attribute of the service definition, named as the filing form's field it fills."""

    code: str
    datatype: str
    required: bool
    description: object
    datatype_description: object = None


_DATE = _l("A date, YYYY-MM-DD (a W3C date-time also does: its date in the office's time zone counts).")
YES_NO = ("yes", "no")

#: In the order a person would answer them (the definition's ``order``); descriptions are the web form's labels.
ATTRIBUTES = (
    Attribute("unit_id", "singlevaluelist", True, _l("Service unit"), _l("The unit the report is about.")),
    Attribute("event_date", "datetime", True, _l("When did it happen?"), _DATE),
    Attribute("nik", "string", True, _l("ID card number (NIK)"), _l("The NIK has exactly 16 digits.")),
    Attribute("birth_place", "string", True, _l("Place of birth")),
    Attribute("birth_date", "datetime", True, _l("Date of birth"), _DATE),
    Attribute("marital_status", "singlevaluelist", True, _l("Marital status")),
    Attribute("occupation", "string", True, _l("Occupation")),
    Attribute("address", "text", True, _l("Full address"), _l("The reporter's own address.")),
    Attribute(
        "phone",
        "string",
        False,
        _l("Telephone or WhatsApp"),
        _l("Required, here or as the standard field phone; a number such as 0812 3456 7890."),
    ),
    Attribute(
        "chronology",
        "text",
        False,
        _l("What happened"),
        _l("Required, here or as the standard field description (up to 10,000 characters here)."),
    ),
    Attribute("expectation", "text", True, _l("What do you expect from the Ombudsman?")),
    Attribute(
        "complained_to_unit",
        "singlevaluelist",
        True,
        _l("Did you first complain to the service unit or its superior?"),
        _l("UU 37/2008 art. 24(1)(c). A report without it is still received; the Ombudsman decides at verification."),
    ),
    Attribute(
        "prior_complaint_date",
        "datetime",
        False,
        _l("When did you complain?"),
        _l("Required when complained_to_unit is yes; a date, YYYY-MM-DD."),
    ),
    Attribute("prior_complaint_channel", "singlevaluelist", False, _l("How did you complain?")),
    Attribute("prior_complaint_response", "text", False, _l("What did the unit answer?")),
    Attribute("suspected_form_code", "singlevaluelist", False, _l("Form of maladministration you suspect (optional)")),
    Attribute(
        "confidential",
        "singlevaluelist",
        False,
        _l("Keep my identity confidential"),
        _l(
            "yes keeps the reporter's identity from everyone outside the Ombudsman (UU 37/2008 art. 24(2)); "
            "no when not sent."
        ),
    ),
)
ATTRIBUTE_CODES = frozenset(a.code for a in ATTRIBUTES)


def active_units(region: Region | None) -> list[ServiceUnit]:
    query = (
        select(ServiceUnit)
        .join(ServiceUnit.region)
        .where(ServiceUnit.is_active)
        .options(selectinload(ServiceUnit.region))
        .order_by(Region.code, ServiceUnit.id)
    )
    if region is not None:
        query = query.where(ServiceUnit.region_id == region.id)
    return list(db.session.scalars(query))


def maladministration_forms() -> list[MaladministrationForm]:
    return list(db.session.scalars(select(MaladministrationForm).order_by(MaladministrationForm.position)))


def _values(code: str, region: Region | None) -> list[dict] | None:
    yes_no = [{"key": "yes", "name": _("Yes")}, {"key": "no", "name": _("No")}]
    if code == "unit_id":
        return [{"key": u.id, "name": u.name} for u in active_units(region)]
    if code == "marital_status":
        return [{"key": m.value, "name": str(MARITAL_STATUS_LABELS[m])} for m in MaritalStatus]
    if code == "prior_complaint_channel":
        return [{"key": c.value, "name": str(PRIOR_CHANNEL_LABELS[c])} for c in PriorComplaintChannel]
    if code == "suspected_form_code":
        return [{"key": f.code, "name": f.label_en if _english() else f.label_id} for f in maladministration_forms()]
    if code in {"complained_to_unit", "confidential"}:
        return yes_no
    return None


def service_definition(area: SubstanceArea, region: Region | None) -> dict:
    """GET Service Definition: the attributes a report needs beyond the spec's standard fields (first_name,
    last_name, email, phone, description), which a client sends as ``attribute[code]=value``. The unit list
    follows ``jurisdiction_id`` (every region's units without it)."""
    attributes = []
    for order, attribute in enumerate(ATTRIBUTES, start=1):
        item = {
            "variable": True,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": str(attribute.datatype_description) if attribute.datatype_description else None,
            "order": order,
            "description": str(attribute.description),
        }
        values = _values(attribute.code, region)
        if values is not None:
            item["values"] = values
        attributes.append(item)
    return {"service_code": area.code, "attributes": attributes}


# --- POST Service Request: the filing form, fed from Open311 parameters -----------------------------------------

#: Which parameter a client sent for each field of the filing form, to name it in an error.
FORM_FIELD_PARAMETERS = {
    "full_name": "first_name/last_name",
    "email": "email",
    "id_card": "media",
    "region_id": "jurisdiction_id",
    "substance_area_code": "service_code",
    "submission_key": "attribute[submission_key]",
}


def attributes_of(params: Mapping[str, str]) -> dict[str, str]:
    """``attribute[code]=value`` pairs (spec, POST Service Request); codes we do not define are ignored, as a client
    built on an older definition may still send them."""
    found = {}
    for key, value in params.items():  # a form's first value of each parameter
        match = _ATTRIBUTE.match(key)
        if match:
            found[match.group(1)] = value.strip()
    return found


def _local_date(value: str, timezone: str) -> str:
    """A W3C date-time as its date in the office's time zone; anything else is left for the form to judge."""
    if "T" not in value:
        return value
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            moment = moment.astimezone(ZoneInfo(timezone))
    except (ValueError, OverflowError):  # year 1 at +14:00 has no date in WITA: the form refuses it
        return value
    return moment.date().isoformat()


def scoped_submission_key(client: ApiClient, given: str | None) -> str:
    """The key that makes a repeated POST file one report (``Complaint.submission_key``). A client's own key is
    hashed with the client's id: two clients (or a client and the web form) can never reach each other's reports by
    sending the same key. Without one, every POST is a new report."""
    if not given:
        return secrets.token_hex(16)
    return hashlib.sha256(f"open311:{client.id}:{given}".encode()).hexdigest()[:32]


def filing_form_data(
    params: Mapping[str, str],
    media: list,
    *,
    area: SubstanceArea,
    region: Region | None,
    submission_key: str,
) -> tuple[dict, list[str]]:
    """The web form's fields from an Open311 POST, and the errors the mapping itself finds (the form finds the
    rest). Standard fields: first_name and last_name (the full name), email, phone, description (the account of
    events); the ID card copy is the multipart file ``media`` (every file sent under that name; media_url is never
    fetched)."""
    attributes = attributes_of(params)
    timezone = region.province.timezone if region is not None else DEFAULT_TIMEZONE
    errors: list[str] = []
    data: dict = {}
    for code in ATTRIBUTE_CODES - {"confidential", "phone", "chronology"}:
        if code in attributes:
            value = attributes[code]
            data[code] = _local_date(value, timezone) if code.endswith("_date") else value
    data.setdefault("unit_id", "0")  # the form's "choose the unit" placeholder: one clear message when missing
    name = " ".join(
        part for part in (params.get("first_name", "").strip(), params.get("last_name", "").strip()) if part
    )
    data["full_name"] = name
    data["email"] = params.get("email", "")
    # The attribute wins over the standard field: it is the more specific of the two.
    data["phone"] = attributes.get("phone") or params.get("phone", "")
    data["chronology"] = attributes.get("chronology") or params.get("description", "")
    confidential = attributes.get("confidential", "").lower()
    if confidential not in {"", *YES_NO}:
        errors.append("attribute[confidential]: " + _("Answer yes or no."))
    if confidential == "yes":
        data["confidential"] = "y"
    data["substance_area_code"] = area.code
    data["submission_key"] = submission_key
    # The region is the jurisdiction's, or else the chosen unit's own.
    unit = _unit(attributes.get("unit_id", ""))
    if region is not None:
        data["region_id"] = str(region.id)
    elif unit is not None:
        data["region_id"] = str(unit.region_id)
    if len(media) > 1:
        errors.append("media: " + _("Send one file: the copy of the ID card."))
    elif media:
        data["id_card"] = media[0]
    elif params.get("media_url"):
        errors.append(
            "media: " + _("media_url is never fetched; send the copy of the ID card as the multipart file media.")
        )
    return data, errors


def _unit(value: str) -> ServiceUnit | None:
    unit_id = database_id(value)
    return db.session.get(ServiceUnit, unit_id) if unit_id is not None else None


def parameter_of(field_name: str) -> str:
    if field_name in FORM_FIELD_PARAMETERS:
        return FORM_FIELD_PARAMETERS[field_name]
    if field_name == "phone":
        return "phone"
    if field_name == "chronology":
        return "description"
    return f"attribute[{field_name}]"


def form_errors(form, *, jurisdiction_sent: bool) -> list[str]:
    """The filing form's message for each field, named by the Open311 parameter the client sent."""
    descriptions = []
    for field_name, messages in form.errors.items():
        if field_name == "region_id" and not jurisdiction_sent and "unit_id" in form.errors:
            continue  # no jurisdiction_id: the region follows the unit, whose own error says what is wrong
        # The last message is the most specific (a missing choice is also "not a valid choice" before it).
        descriptions.append(f"{parameter_of(field_name)}: {messages[-1]}")
    return descriptions


def file_request(submission: filing.Submission, files: filing.Files, *, client: ApiClient, submission_key: str):
    """File the report exactly as the web form does (one transaction: report, identity, files, history, the
    verification clock, the receipt e-mail with the access key to the reporter), and record which application sent
    it in the Ombudsman's own history (never public). Flushes; the caller commits."""
    filed = filing.file_complaint(submission, files, channel=Channel.OPEN311, submission_key=submission_key)
    history.record_event(
        filed.complaint,
        "received_through_application",
        actor_label=client.name,
        payload={"api_client_id": client.id},
    )
    return filed


def same_report(complaint: Complaint, submission: filing.Submission) -> bool:
    """Whether a report sent again under the same idempotency key is the one filed (same person, unit and date)."""
    reporter = complaint.reporter
    return (
        reporter is not None
        and reporter.nik == submission.nik
        and reporter.email == submission.email.lower()
        and complaint.unit_id == submission.unit_id
        and complaint.event_date == submission.event_date
    )


def filing_response(complaint: Complaint) -> list[dict]:
    """POST Service Request's response: the id at once (no token), what happens next, no account."""
    verification = clocks.running_clock(complaint, "verification")
    sent = _("The tracking number and the private access key have been sent to the reporter's e-mail address.")
    if verification is not None:
        notice = _("The Ombudsman verifies the report by %(date)s.", date=format_long_date(verification.due_on)) + (
            " " + sent
        )
    else:
        notice = sent
    return [{"service_request_id": complaint.tracking_number, "service_notice": notice, "account_id": None}]


def request_id_for_token(client: ApiClient, token: str) -> Complaint | None:
    """GET service_request_id from a token: our requests have their id at once, so the only tokens are the
    submission keys a client sent itself (scoped to that client)."""
    key = scoped_submission_key(client, token)
    return db.session.scalar(
        select(Complaint).where(Complaint.submission_key == key, Complaint.kind == CaseKind.REPORT)
    )


# --- GET Service Requests ---------------------------------------------------------------------------------------


@dataclass
class RequestQuery:
    ids: list[str] | None = None
    service_codes: list[str] | None = None
    statuses: set[str] | None = None
    region: Region | None = None
    start: datetime | None = None
    end: datetime | None = None
    page: int = 1
    page_size: int = MAX_PAGE_SIZE


def _comma_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _w3c_moment(name: str, value: str) -> datetime:
    """A W3C date or date-time; one without an offset is read in the office's time zone (WITA)."""
    try:
        moment = datetime.fromisoformat(value.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(DEFAULT_TIMEZONE))
        moment = moment.astimezone(UTC)
        if not 2000 <= moment.year <= 2100:  # also keeps the 90-day arithmetic below within datetime's range
            raise ValueError(value)
    except (ValueError, OverflowError):
        raise Open311Error(
            400, _("%(name)s must be a W3C date-time such as 2026-01-31T00:00:00+08:00.", name=name)
        ) from None
    return moment


def _positive_int(name: str, value: str | None, default: int, maximum: int) -> int:
    if not value:
        return default
    if not plain_digits(value) or not 1 <= int(value) <= maximum:
        raise Open311Error(400, _("%(name)s must be a whole number from 1 to %(n)d.", name=name, n=maximum))
    return int(value)


def parse_query(args: Mapping[str, str], *, now: datetime) -> RequestQuery:
    """The spec's filters. ``service_request_id`` overrides every other argument; otherwise the range is at most 90
    days, by default the most recent 90 (spec, GET Service Requests)."""
    query = RequestQuery(
        page=_positive_int("page", args.get("page"), 1, 10_000),
        page_size=_positive_int("page_size", args.get("page_size"), MAX_PAGE_SIZE, MAX_PAGE_SIZE),
    )
    ids = _comma_list(args.get("service_request_id"))
    if ids:
        if len(ids) > MAX_IDS:
            raise Open311Error(400, _("At most %(n)d service_request_id values at once.", n=MAX_IDS))
        query.ids = [filing.format_tracking_number(code) for code in map(filing.normalise_code, ids) if len(code) == 8]
        return query
    query.region = region_for(args.get("jurisdiction_id"))
    codes = _comma_list(args.get("service_code"))
    if codes:
        known = set(db.session.scalars(select(SubstanceArea.code).where(SubstanceArea.code.in_(codes))))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise Open311Error(404, *[_("Unknown service_code %(code)s.", code=code[:40]) for code in unknown])
        query.service_codes = codes
    statuses = {status.lower() for status in _comma_list(args.get("status"))}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status is open or closed, or both separated by a comma."))
    query.statuses = statuses or None
    query.start, query.end = _date_range(args, now)
    return query


def _date_range(args: Mapping[str, str], now: datetime) -> tuple[datetime, datetime]:
    """``start_date`` to ``end_date``, at most 90 days; a missing end is 90 days on, a missing start 90 days back,
    and neither the 90 days up to now."""
    start = _w3c_moment("start_date", args["start_date"]) if args.get("start_date") else None
    end = _w3c_moment("end_date", args["end_date"]) if args.get("end_date") else None
    if start is None and end is None:
        end = now
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if start > end:
        raise Open311Error(400, _("start_date must come before end_date."))
    if end - start > WINDOW:
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    return start, end


def find_requests(query: RequestQuery) -> tuple[list[Complaint], bool]:
    """The reports a query asks for, most recent first, and whether there is another page. Only reports from the
    public (not the office's quick responses or own-motion investigations); withdrawn and rejected ones too (as
    closed): the list is the public record of what was reported, and names nobody.

    Lists never show a confidential report: even without a name, a unit and a date can point to the one person who
    had that dealing that week. Asked for by id (which only the reporter and the filing application know), any
    report answers, so the application can follow what it filed."""
    statement = (
        select(Complaint)
        .where(reach.public_scope(listed=query.ids is None))
        .options(
            # Defence in depth: touching the reporter's row here would raise instead of loading it.
            raiseload(Complaint.reporter),
            raiseload(Complaint.attachments),
            selectinload(Complaint.unit),
            selectinload(Complaint.region).selectinload(Region.province),
            selectinload(Complaint.substance_area),
            selectinload(Complaint.office).selectinload(Office.province),
        )
    )
    if query.ids is not None:
        statement = statement.where(Complaint.tracking_number.in_(query.ids or [""]))
    else:
        statement = statement.where(
            Complaint.received_at >= query.start,
            Complaint.received_at <= query.end,
        )
        if query.region is not None:
            statement = statement.where(Complaint.region_id == query.region.id)
        if query.service_codes:
            statement = statement.where(Complaint.substance_area_code.in_(query.service_codes))
        if query.statuses == {"open"}:
            statement = statement.where(Complaint.status != CaseStatus.CLOSED)
        elif query.statuses == {"closed"}:
            statement = statement.where(Complaint.status == CaseStatus.CLOSED)
    statement = (
        statement.order_by(Complaint.received_at.desc(), Complaint.id.desc())
        .offset((query.page - 1) * query.page_size)
        .limit(query.page_size + 1)
    )
    rows = list(db.session.scalars(statement))
    return rows[: query.page_size], len(rows) > query.page_size


def find_request(number: str) -> Complaint | None:
    code = filing.normalise_code(number)
    if len(code) != 8:
        return None
    found, _more = find_requests(RequestQuery(ids=[filing.format_tracking_number(code)], page_size=1))
    return found[0] if found else None


def public_requests(complaints: list[Complaint]) -> list[dict]:
    """GET Service Request(s): what anyone may know of each report. ``description`` is a neutral sentence (unit and
    area), never the reporter's account: a public list must not publish what a citizen wrote about themselves.
    ``status_notes`` is the status the reporter sees; ``expected_datetime`` the next legal due date."""
    ids = [c.id for c in complaints]
    updated = dict(
        db.session.execute(
            select(CaseEvent.complaint_id, func.max(CaseEvent.occurred_at))
            .where(CaseEvent.complaint_id.in_(ids or [0]), CaseEvent.public.is_(True))
            .group_by(CaseEvent.complaint_id)
        ).all()
    )
    next_clock: dict[int, Clock] = {}
    for clock in db.session.scalars(
        select(Clock)
        .where(Clock.complaint_id.in_(ids or [0]), Clock.status == ClockStatus.RUNNING)
        .order_by(Clock.complaint_id, Clock.due_on, Clock.id)
    ):
        next_clock.setdefault(clock.complaint_id, clock)  # the same choice as clocks.next_running_clock
    return [_public_request(c, updated.get(c.id), None if c.is_closed else next_clock.get(c.id)) for c in complaints]


def _public_request(complaint: Complaint, updated_at: datetime | None, clock: Clock | None) -> dict:
    timezone = complaint.office.timezone
    area = _area_name(complaint.substance_area)
    notice = None
    if clock is not None:
        notice = _(
            "Next step: %(who)s, by %(date)s.",
            who=STAFF_ACTOR_LABELS[clock.who_must_act],
            date=format_long_date(clock.due_on),
        )
    return {
        "service_request_id": complaint.tracking_number,
        "status": "closed" if complaint.is_closed else "open",
        "status_notes": str(PUBLIC_STATUS_LABELS[public_status(complaint)]),
        "service_name": area,
        "service_code": complaint.substance_area_code,
        "description": _("Report about %(unit)s, in the area of %(area)s.", unit=complaint.unit.name, area=area),
        "agency_responsible": complaint.unit.name,
        "service_notice": notice,
        "requested_datetime": w3c(complaint.received_at, timezone),
        "updated_datetime": w3c(updated_at or complaint.received_at, timezone),
        "expected_datetime": end_of_day(clock.due_on if clock else None, timezone),
        "address": f"{complaint.region.name}, {complaint.region.province.name}",
    }
