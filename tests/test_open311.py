"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2, in JSON and XML: the spec's
examples as tests (discovery, services, a definition, POST, GET requests, a request, a token, errors), the web
form's rules behind POST, and no reporter in any answer."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from complaints import create_app
from complaints.extensions import db
from complaints.models import (
    ApiClient,
    Attachment,
    CaseEvent,
    CaseKind,
    Channel,
    Clock,
    ClockStatus,
    Complaint,
    OutboxMessage,
    ServiceUnit,
    UnitKind,
)
from complaints.models.types import utcnow
from complaints.services.accounts import api_tokens
from complaints.services.casework import opening
from complaints.services.intake import reporter_actions
from complaints.services.places.working_days import office_today
from tests import factories
from tests.casework import Staff
from tests.conftest import RequestIsolatedClient, SuiteConfig
from tests.filing import EXE, PNG, file_complaint, kendari_disdukcapil
from tests.mail import delivered_text

BASE = "/open311/v2"
SPEC = "http://wiki.open311.org/GeoReport_v2"
AREA = "administrasi_kependudukan"
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
]
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


@pytest.fixture
def api_key(seeded) -> str:
    _client, secret = api_tokens.create_client("Meja Pengaduan Kendari", "it@kendarikota.go.id", by=admin())
    db.session.commit()
    return secret


def admin():
    return factories.user("admin")


def xml_of(response) -> ET.Element:
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    body = response.get_data()
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(body)  # noqa: S314 (our own answer, not untrusted input)


def json_of(response):
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return response.get_json()


def errors_of(response, fmt: str) -> list[tuple[int, str]]:
    """The spec's error shape in either format, as (code, description) pairs."""
    if fmt == "xml":
        root = xml_of(response)
        assert root.tag == "errors"
        return [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]
    return [(e["code"], e["description"]) for e in json_of(response)]


def requests_of(response, fmt: str) -> list[dict]:
    """``service_requests`` in either format, as dicts of text (XML) or values (JSON)."""
    if fmt == "xml":
        root = xml_of(response)
        assert root.tag == "service_requests"
        return [{child.tag: child.text for child in request} for request in root.findall("request")]
    return json_of(response)


def request_data(api_key: str | None, **overrides) -> dict:
    """A complete, valid POST Service Request against Kota Kendari's Disdukcapil (multipart: the ID card is the file
    ``media``); override any parameter, or give None to leave it out."""
    unit = kendari_disdukcapil()
    today = office_today(unit.region.province.timezone)
    data = {
        "api_key": api_key,
        "service_code": AREA,
        "jurisdiction_id": "74.71",
        "first_name": "Siti",
        "last_name": "Rahma",
        "email": "siti@example.org",
        "phone": "0812 3456 7890",
        "description": "Saya mengurus KTP elektronik sejak tiga bulan lalu dan belum selesai tanpa penjelasan.",
        "attribute[unit_id]": str(unit.id),
        "attribute[event_date]": (today - timedelta(days=30)).isoformat() + "T09:00:00+08:00",
        "attribute[nik]": "7471010101900001",
        "attribute[birth_place]": "Kendari",
        "attribute[birth_date]": "1990-01-01",
        "attribute[marital_status]": "kawin",
        "attribute[occupation]": "Pedagang",
        "attribute[address]": "Jl. Ahmad Yani No. 1, Kendari",
        "attribute[expectation]": "KTP elektronik saya segera diterbitkan.",
        "attribute[complained_to_unit]": "yes",
        "attribute[prior_complaint_date]": (today - timedelta(days=20)).isoformat(),
        "attribute[prior_complaint_channel]": "langsung",
        "attribute[suspected_form_code]": "penundaan_berlarut",
        "media": (io.BytesIO(PNG), "ktp.png"),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post(client, api_key: str | None, fmt: str = "json", *, headers=None, **overrides):
    return client.post(
        f"{BASE}/requests.{fmt}?lang=en",
        data=request_data(api_key, **overrides),
        content_type="multipart/form-data",
        headers=headers or {},
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- Service Discovery -----------------------------------------------------------------------------------------


def test_discovery_in_both_formats(client, seeded):
    document = json_of(client.get(f"{BASE}/discovery.json"))
    assert set(document) == {"changeset", "contact", "key_service", "endpoints"}
    assert "Sulawesi Tenggara" in document["contact"]
    [endpoint] = document["endpoints"]
    assert endpoint["specification"] == SPEC
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["type"] in {"production", "test"}

    root = xml_of(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery" and root.findtext("changeset") == document["changeset"]
    assert root.findtext("endpoints/endpoint/specification") == SPEC
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


# --- GET Service List and Service Definition ---------------------------------------------------------------------


def test_service_list_is_the_subject_areas(client, seeded):
    services = json_of(client.get(f"{BASE}/services.json"))
    assert len(services) == 14
    service = next(s for s in services if s["service_code"] == AREA)
    assert service["service_name"] == "Administrasi kependudukan"  # Indonesian by default
    assert (service["metadata"], service["type"], service["group"]) == (True, "realtime", "pelayanan_publik")
    assert "Civil registration" in service["keywords"] and service["description"]

    root = xml_of(client.get(f"{BASE}/services.xml?jurisdiction_id=74.71"))
    assert root.tag == "services" and len(root.findall("service")) == 14
    xml_service = next(s for s in root.findall("service") if s.findtext("service_code") == AREA)
    assert (xml_service.findtext("metadata"), xml_service.findtext("type")) == ("true", "realtime")

    english = json_of(client.get(f"{BASE}/services.json?lang=en"))
    assert next(s for s in english if s["service_code"] == AREA)["service_name"] == "Civil registration"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_jurisdiction_is_404(client, seeded, fmt):
    response = client.get(f"{BASE}/services.{fmt}?jurisdiction_id=99.99")
    assert response.status_code == 404
    [(code, description)] = errors_of(response, fmt)
    assert code == 404 and "99.99" in description


def test_service_definition_lists_what_the_law_asks(client, seeded):
    definition = json_of(client.get(f"{BASE}/services/{AREA}.json?jurisdiction_id=74.71&lang=en"))
    assert definition["service_code"] == AREA
    attributes = definition["attributes"]
    codes = [a["code"] for a in attributes]
    assert codes == [
        "unit_id",
        "event_date",
        "nik",
        "birth_place",
        "birth_date",
        "marital_status",
        "occupation",
        "address",
        "phone",
        "chronology",
        "expectation",
        "complained_to_unit",
        "prior_complaint_date",
        "prior_complaint_channel",
        "prior_complaint_response",
        "suspected_form_code",
        "confidential",
    ]
    assert [a["order"] for a in attributes] == list(range(1, len(attributes) + 1))
    by_code = {a["code"]: a for a in attributes}
    required = {code for code, a in by_code.items() if a["required"]}
    assert required == {
        "unit_id",
        "event_date",
        "nik",
        "birth_place",
        "birth_date",
        "marital_status",
        "occupation",
        "address",
        "expectation",
        "complained_to_unit",
    }
    assert all(a["variable"] is True for a in attributes)
    assert by_code["nik"]["datatype"] == "string" and "16 digits" in by_code["nik"]["datatype_description"]
    assert by_code["event_date"]["datatype"] == "datetime"
    assert by_code["address"]["datatype"] == "text" and by_code["chronology"]["datatype"] == "text"
    assert by_code["birth_place"]["datatype_description"] is None
    # Kota Kendari's six units only, each by its id.
    units = by_code["unit_id"]["values"]
    assert len(units) == 6 and all("Kota Kendari" in v["name"] for v in units)
    assert kendari_disdukcapil().id in {v["key"] for v in units}
    assert {v["key"] for v in by_code["marital_status"]["values"]} == {
        "belum_kawin",
        "kawin",
        "cerai_hidup",
        "cerai_mati",
    }
    assert [v["key"] for v in by_code["complained_to_unit"]["values"]] == ["yes", "no"]
    assert [v["key"] for v in by_code["confidential"]["values"]] == ["yes", "no"]
    assert "penundaan_berlarut" in {v["key"] for v in by_code["suspected_form_code"]["values"]}
    assert "values" not in by_code["nik"]

    root = xml_of(client.get(f"{BASE}/services/{AREA}.xml?jurisdiction_id=74.71"))
    assert root.tag == "service_definition" and root.findtext("service_code") == AREA
    xml_attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in xml_attributes] == codes
    unit_values = xml_attributes[0].findall("values/value")
    assert [v.findtext("key") for v in unit_values] == [str(v["key"]) for v in units]
    assert xml_attributes[2].findtext("required") == "true" and xml_attributes[2].findtext("variable") == "true"


def test_definition_without_jurisdiction_lists_every_active_unit(client, seeded):
    retired = factories.unit("74.01", UnitKind.DINAS_SOSIAL)
    retired.is_active = False
    db.session.commit()
    definition = json_of(client.get(f"{BASE}/services/{AREA}.json"))
    keys = {v["key"] for v in definition["attributes"][0]["values"]}
    active = set(db.session.scalars(select(ServiceUnit.id).where(ServiceUnit.is_active)))
    assert keys == active and retired.id not in keys and len(keys) > 6


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_404(client, seeded, fmt):
    response = client.get(f"{BASE}/services/parkir_liar.{fmt}")
    assert response.status_code == 404
    assert errors_of(response, fmt)[0][0] == 404


def test_an_unknown_format_or_address_answers_in_the_error_shape(client, seeded):
    response = client.get(f"{BASE}/services.csv")
    assert response.status_code == 404 and errors_of(response, "json")[0][0] == 404
    response = client.get(f"{BASE}/requests/ABCD-EFGH")
    assert response.status_code == 404 and errors_of(response, "json")[0][0] == 404


# --- POST Service Request ----------------------------------------------------------------------------------------


def test_post_files_the_report_like_the_web_form(client, api_key):
    response = post(client, api_key)
    assert response.status_code == 201, response.get_data(as_text=True)
    [body] = json_of(response)
    assert set(body) == {"service_request_id", "service_notice", "account_id"} and body["account_id"] is None
    complaint = db.session.scalar(select(Complaint))
    assert body["service_request_id"] == complaint.tracking_number
    assert response.headers["Location"] == f"{BASE}/requests/{complaint.tracking_number}.json"
    assert (complaint.channel, complaint.kind) == (Channel.OPEN311, CaseKind.REPORT)
    assert complaint.substance_area_code == AREA and complaint.unit_id == kendari_disdukcapil().id
    assert complaint.chronology.startswith("Saya mengurus KTP elektronik")  # the standard description
    today = office_today(complaint.office.timezone)
    assert complaint.event_date == today - timedelta(days=30)  # the W3C date-time's local date
    assert complaint.complained_to_unit and complaint.prior_complaint_channel == "langsung"
    assert complaint.suspected_form_code == "penundaan_berlarut" and not complaint.confidential
    identity = complaint.reporter
    assert (identity.full_name, identity.nik, identity.email, identity.phone) == (
        "Siti Rahma",
        "7471010101900001",
        "siti@example.org",
        "0812 3456 7890",
    )
    [card] = complaint.attachments
    assert (card.kind.value, card.content_type.value, card.private) == ("id_card", "image/png", True)
    clock = db.session.scalar(select(Clock).where(Clock.complaint_id == complaint.id))
    assert (clock.kind, clock.status) == ("verification", ClockStatus.RUNNING)
    receipt = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "complaint_receipt"))
    assert receipt.recipient == "siti@example.org" and complaint.tracking_number in receipt.body
    assert "e-mail" in body["service_notice"] and str(clock.due_on.year) in body["service_notice"]
    # The history says which application sent it, for the Ombudsman only.
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.complaint_id == complaint.id)).all()
    assert [(e.type, e.public) for e in events] == [("filed", True), ("received_through_application", False)]
    assert events[1].actor_label == "Meja Pengaduan Kendari"
    assert events[1].payload == {"api_client_id": db.session.scalar(select(ApiClient.id))}


def test_post_in_xml_and_without_a_jurisdiction(client, api_key):
    response = post(client, api_key, "xml", jurisdiction_id=None, first_name="Wa Ode", last_name=None)
    assert response.status_code == 201, response.get_data(as_text=True)
    root = xml_of(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    complaint = db.session.scalar(select(Complaint))
    assert request.findtext("service_request_id") == complaint.tracking_number
    assert request.find("account_id") is not None and request.find("account_id").text is None  # <account_id/>
    assert complaint.region.code == "74.71" and complaint.reporter.full_name == "Wa Ode"


def test_attributes_may_carry_the_phone_and_the_account_and_confidentiality(client, api_key):
    response = post(
        client,
        api_key,
        phone=None,
        description=None,
        **{
            "attribute[phone]": "+62 811 4000 111",
            "attribute[chronology]": "Kronologi panjang.\nBaris kedua.",
            "attribute[confidential]": "yes",
            "attribute[complained_to_unit]": "no",
        },
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    complaint = db.session.scalar(select(Complaint))
    assert complaint.reporter.phone == "+62 811 4000 111" and complaint.chronology == "Kronologi panjang.\nBaris kedua."
    assert complaint.confidential and not complaint.complained_to_unit and complaint.prior_complaint_date is None


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("key", "fragment"),
    [(None, "api_key was not provided"), ("", "api_key was not provided"), ("o311_nope", "not valid")],
)
def test_post_without_a_valid_api_key_is_403(client, api_key, fmt, key, fragment):
    response = post(client, key, fmt)
    assert response.status_code == 403
    [(code, description)] = errors_of(response, fmt)
    assert code == 403 and fragment in description
    assert count(Complaint) == 0


def test_a_revoked_key_files_nothing(client, api_key):
    api_tokens.revoke_client(db.session.scalar(select(ApiClient)))
    db.session.commit()
    response = post(client, api_key)
    assert response.status_code == 403 and count(Complaint) == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_or_missing_service_code(client, api_key, fmt):
    response = post(client, api_key, fmt, service_code="parkir_liar")
    assert response.status_code == 404 and "parkir_liar" in errors_of(response, fmt)[0][1]
    response = post(client, api_key, fmt, service_code=None)
    assert response.status_code == 400 and "service_code" in errors_of(response, fmt)[0][1]
    assert count(Complaint) == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_jurisdiction(client, api_key, fmt):
    response = post(client, api_key, fmt, jurisdiction_id="kendarikota.go.id")
    assert response.status_code == 404
    assert errors_of(response, fmt) == [
        (404, "Unknown jurisdiction_id kendarikota.go.id: use a region code such as 74.71.")
    ]
    # A real region, but not the unit's: the web form's own refusal.
    response = post(client, api_key, fmt, jurisdiction_id="74.01")
    assert response.status_code == 400
    assert errors_of(response, fmt) == [(400, "attribute[unit_id]: Choose a service unit of the chosen region.")]
    assert count(Complaint) == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_or_invalid_attributes_are_400_with_the_form_messages(client, api_key, fmt):
    response = post(
        client,
        api_key,
        fmt,
        **{"attribute[nik]": None, "attribute[marital_status]": "menikah", "attribute[confidential]": "maybe"},
        email="not-an-address",
        first_name=None,
        last_name=None,
    )
    assert response.status_code == 400
    errors = errors_of(response, fmt)
    assert {code for code, _ in errors} == {400}
    described = dict(description.split(": ", 1) for _, description in errors)
    assert described == {
        "attribute[confidential]": "Answer yes or no.",
        "first_name/last_name": "This field is required.",
        "attribute[nik]": "This field is required.",
        "attribute[marital_status]": "Not a valid choice.",
        "email": "Enter an e-mail address like name@example.id.",
    }
    response = post(client, api_key, fmt, **{"attribute[nik]": "74710101019000"})
    assert errors_of(response, fmt) == [(400, "attribute[nik]: The NIK has exactly 16 digits.")]
    response = post(client, api_key, fmt, **{"attribute[prior_complaint_date]": None})
    assert errors_of(response, fmt) == [(400, "attribute[prior_complaint_date]: Say when you complained to the unit.")]
    response = post(client, api_key, fmt, **{"attribute[event_date]": "kemarin"})
    assert errors_of(response, fmt) == [(400, "attribute[event_date]: Not a valid date value.")]
    assert count(Complaint) == 0 and count(Attachment) == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_id_card_is_required_and_checked_like_on_the_web_form(client, api_key, fmt):
    response = post(client, api_key, fmt, media=(io.BytesIO(EXE), "ktp.png"))
    assert response.status_code == 400
    assert errors_of(response, fmt) == [(400, "media: ktp.png is not a PDF, JPEG or PNG file.")]
    response = post(client, api_key, fmt, media=(io.BytesIO(PNG), "../ktp.png"))
    assert response.status_code == 400 and errors_of(response, fmt)[0][1].startswith("media: ")
    response = post(client, api_key, fmt, media=None)
    assert errors_of(response, fmt) == [(400, "media: Attach a copy of your ID card.")]
    # media_url is never fetched (no outbound requests): the file itself is needed.
    response = post(client, api_key, fmt, media=None, media_url="http://127.0.0.1:9/ktp.png")
    assert response.status_code == 400 and "never fetched" in errors_of(response, fmt)[0][1]
    assert count(Complaint) == 0 and count(Attachment) == 0


def test_the_same_submission_key_files_one_report_per_application(client, api_key):
    first = post(client, api_key, **{"attribute[submission_key]": "desk-000123"})
    again = post(client, api_key, **{"attribute[submission_key]": "desk-000123"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()[0]["service_request_id"] == again.get_json()[0]["service_request_id"]
    by_header = post(client, api_key, headers={"Idempotency-Key": "desk-000124"})
    by_header_again = post(client, api_key, headers={"Idempotency-Key": "desk-000124"})
    assert (by_header.status_code, by_header_again.status_code) == (201, 200)
    assert count(Complaint) == 2
    # Another application's keys are its own: the same key files a new report, and never reveals the first.
    _other, other_key = api_tokens.create_client("Aplikasi Warga", "dev@example.org", by=admin())
    db.session.commit()
    other = post(client, other_key, **{"attribute[submission_key]": "desk-000123"})
    assert other.status_code == 201
    assert other.get_json()[0]["service_request_id"] != first.get_json()[0]["service_request_id"]
    assert count(Complaint) == 3 and count(OutboxMessage) == 3


def test_filing_is_rate_limited_per_application(app, client, api_key, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN311_RATE_LIMIT", "2 per hour")
    assert post(client, api_key).status_code == 201
    assert post(client, api_key, media=None).status_code == 400  # mistakes do not count
    assert post(client, api_key).status_code == 201
    response = post(client, api_key, "xml")
    assert response.status_code == 429
    assert errors_of(response, "xml")[0][0] == 429
    assert count(Complaint) == 2


def test_post_needs_no_csrf_token(database_url, api_key):
    """An API for other servers: exempt from CSRF (it is authenticated by api_key, not by a browser session)."""
    csrf_app = create_app(SuiteConfig(database_url, WTF_CSRF_ENABLED=True))
    csrf_app.test_client_class = RequestIsolatedClient
    with csrf_app.app_context():
        response = post(csrf_app.test_client(), api_key)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert count(Complaint) == 1


# --- GET Service Requests, a request, a token ---------------------------------------------------------------------


def filed_through_open311(client, api_key, **overrides) -> Complaint:
    response = post(client, api_key, **overrides)
    assert response.status_code == 201, response.get_data(as_text=True)
    return db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))


def filed_on_the_web(client, **overrides) -> Complaint:
    assert file_complaint(client, **overrides).status_code == 302
    return db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_request_as_the_spec_shows_it(client, api_key, fmt):
    complaint = filed_through_open311(client, api_key)
    response = client.get(f"{BASE}/requests/{complaint.tracking_number.lower()}.{fmt}?lang=en")
    assert response.status_code == 200
    [request] = requests_of(response, fmt)
    assert list(request) == REQUEST_FIELDS  # lat, long, media_url, address_id, zipcode: never
    clock = db.session.scalar(select(Clock).where(Clock.complaint_id == complaint.id))
    assert request["service_request_id"] == complaint.tracking_number
    assert (request["status"], request["status_notes"]) == ("open", "Being verified")
    assert (request["service_code"], request["service_name"]) == (AREA, "Civil registration")
    unit = "Dinas Kependudukan dan Pencatatan Sipil Kota Kendari"
    assert request["agency_responsible"] == unit
    assert request["description"] == f"Report about {unit}, in the area of Civil registration."
    assert request["address"] == "Kota Kendari, Sulawesi Tenggara"
    assert W3C.match(request["requested_datetime"]) and request["requested_datetime"].endswith("+08:00")
    assert request["updated_datetime"] == request["requested_datetime"]
    assert request["expected_datetime"] == f"{clock.due_on.isoformat()}T23:59:59+08:00"
    assert request["service_notice"].startswith("Next step: The Ombudsman, by ")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_404(client, seeded, fmt):
    response = client.get(f"{BASE}/requests/ABCD-EFGH.{fmt}")
    assert response.status_code == 404 and errors_of(response, fmt)[0][0] == 404


def test_status_and_dates_follow_the_case(client, api_key):
    staff = Staff()
    registered = staff.register(filed_through_open311(client, api_key))
    db.session.execute(
        update(CaseEvent)
        .where(CaseEvent.complaint_id == registered.id, CaseEvent.type == "registered")
        .values(occurred_at=utcnow() + timedelta(minutes=5))
    )
    db.session.commit()
    withdrawn = filed_through_open311(client, api_key)
    reporter_actions.withdraw(withdrawn, "Sudah selesai.")
    db.session.commit()
    requests = {r["service_request_id"]: r for r in client.get(f"{BASE}/requests.json?lang=en").get_json()}
    now_registered = requests[registered.tracking_number]
    assert (now_registered["status"], now_registered["status_notes"]) == ("open", "Being examined")
    assert now_registered["updated_datetime"] > now_registered["requested_datetime"]
    gone = requests[withdrawn.tracking_number]
    assert (gone["status"], gone["status_notes"]) == ("closed", "Closed")
    assert gone["expected_datetime"] is None and gone["service_notice"] is None


def test_list_filters(client, api_key):
    kendari = filed_through_open311(client, api_key)
    buton = factories.unit("74.01", UnitKind.DISDUKCAPIL)
    other = filed_on_the_web(
        client, region_id=str(buton.region_id), unit_id=str(buton.id), substance_area_code="kesehatan"
    )
    closed = filed_through_open311(client, api_key)
    reporter_actions.withdraw(closed, "Sudah selesai.")
    db.session.commit()
    old = filed_through_open311(client, api_key)
    db.session.execute(
        update(Complaint).where(Complaint.id == old.id).values(received_at=utcnow() - timedelta(days=120))
    )
    db.session.commit()

    def ids(query: str, fmt: str = "json") -> list[str]:
        response = client.get(f"{BASE}/requests.{fmt}{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return [r["service_request_id"] for r in requests_of(response, fmt)]

    newest_first = [closed.tracking_number, other.tracking_number, kendari.tracking_number]
    for fmt in ("json", "xml"):
        assert ids("", fmt) == newest_first  # the most recent 90 days by default
    assert ids("?status=open") == [other.tracking_number, kendari.tracking_number]
    assert ids("?status=closed") == [closed.tracking_number]
    assert ids("?status=open,closed") == newest_first
    assert ids("?service_code=kesehatan") == [other.tracking_number]
    assert ids(f"?service_code=kesehatan,{AREA}") == newest_first
    assert ids("?jurisdiction_id=74.01") == [other.tracking_number]
    assert ids("?jurisdiction_id=74.71&status=open") == [kendari.tracking_number]
    # service_request_id overrides every other argument (spec); ids as people type them are understood.
    listed = f"{old.tracking_number},{kendari.tracking_number.lower()},ZZZZ-ZZZZ"
    assert sorted(ids(f"?service_request_id={listed}&status=closed&jurisdiction_id=74.01")) == sorted(
        [old.tracking_number, kendari.tracking_number]
    )
    # Dates: W3C, at most 90 days apart.
    start = (utcnow() - timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (utcnow() - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    assert ids(f"?start_date={start}&end_date={end.replace('+', '%2B')}") == [old.tracking_number]
    assert ids(f"?start_date={start}") == [old.tracking_number]  # 90 days from the start
    assert ids(f"?end_date={end.replace('+', '%2B')}") == [old.tracking_number]  # 90 days up to the end
    recent = office_today(old.office.timezone) - timedelta(days=5)
    assert old.tracking_number not in ids(f"?start_date={recent.isoformat()}")


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "90 days"),
        ("?start_date=2026-03-01T00:00:00Z&end_date=2026-02-01T00:00:00Z", "before end_date"),
        ("?start_date=yesterday", "start_date must be a W3C date-time"),
        ("?status=pending", "status is open or closed"),
        ("?page_size=500", "page_size"),
        ("?page=0", "page"),
    ],
)
def test_bad_list_arguments_are_400(client, seeded, fmt, query, fragment):
    response = client.get(f"{BASE}/requests.{fmt}{query}&lang=en")
    assert response.status_code == 400
    [(code, description)] = errors_of(response, fmt)
    assert code == 400 and fragment in description


def test_unknown_service_code_or_jurisdiction_in_the_list_is_404(client, seeded):
    assert client.get(f"{BASE}/requests.json?service_code=parkir_liar").status_code == 404
    assert client.get(f"{BASE}/requests.xml?jurisdiction_id=74.99").status_code == 404


def test_the_list_is_paged(client, api_key):
    filed = [filed_through_open311(client, api_key).tracking_number for _ in range(3)]
    first = client.get(f"{BASE}/requests.json?page_size=2&status=open")
    assert [r["service_request_id"] for r in first.get_json()] == filed[::-1][:2]
    link = re.fullmatch(r"<([^>]+)>; rel=\"next\"", first.headers["Link"]).group(1)
    assert "page=2" in link and "page_size=2" in link and "status=open" in link
    second = client.get(link)
    assert [r["service_request_id"] for r in second.get_json()] == filed[:1]
    assert "Link" not in second.headers


def test_the_office_s_own_cases_are_not_service_requests(client, api_key):
    filed = filed_through_open311(client, api_key)
    officer = factories.user("officer")
    own = opening.open_case(
        CaseKind.OWN_MOTION,
        unit_id=kendari_disdukcapil().id,
        event_date=office_today(kendari_disdukcapil().region.province.timezone),
        account="Pemantauan langsung.",
        substance_area_code=AREA,
        by=officer,
    )
    db.session.commit()
    assert [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").get_json()] == [filed.tracking_number]
    assert client.get(f"{BASE}/requests/{own.tracking_number}.json").status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_token_is_the_application_s_own_submission_key(client, api_key, fmt):
    complaint = filed_through_open311(client, api_key, **{"attribute[submission_key]": "desk-42"})
    response = client.get(f"{BASE}/tokens/desk-42.{fmt}", headers={"X-Api-Key": api_key})
    assert response.status_code == 200
    [found] = requests_of(response, fmt)
    assert found == {"service_request_id": complaint.tracking_number, "token": "desk-42"}
    # Without the application's key, or with another's, a token is unknown.
    assert client.get(f"{BASE}/tokens/desk-42.{fmt}").status_code == 404
    _other, other_key = api_tokens.create_client("Aplikasi Warga", "dev@example.org", by=admin())
    db.session.commit()
    # The key never travels in the query string (it would land in access logs).
    assert client.get(f"{BASE}/tokens/desk-42.{fmt}?api_key={api_key}").status_code == 404
    response = client.get(f"{BASE}/tokens/desk-42.{fmt}", headers={"X-Api-Key": other_key})
    assert response.status_code == 404 and errors_of(response, fmt)[0][0] == 404


# --- nobody's identity, in any answer -------------------------------------------------------------------------


def test_no_reporter_appears_in_any_open311_answer(client, api_key):
    """Attack: read everything Open311 offers, in both formats, and look for the reporters of a confidential and
    an ordinary report (name, e-mail, telephone, NIK, address, place of birth, their own account)."""
    secrets_of_reporters = {
        "Laode Rahasia Sekali",
        "rahasia.pelapor@example.org",
        "0813 7777 0001",
        "7471019912880003",
        "Jl. Tersembunyi No. 9",
        "Desa Rahasia",
        "Kronologi yang hanya untuk Ombudsman",
        "Harapan pribadi pelapor",
        "Nur Terbuka Biasa",
        "terbuka.pelapor@example.org",
        "0813 7777 0002",
        "7471019912880004",
    }
    confidential = filed_through_open311(
        client,
        api_key,
        first_name="Laode",
        last_name="Rahasia Sekali",
        email="rahasia.pelapor@example.org",
        phone="0813 7777 0001",
        description="Kronologi yang hanya untuk Ombudsman: petugas meminta uang.",
        **{
            "attribute[nik]": "7471019912880003",
            "attribute[address]": "Jl. Tersembunyi No. 9",
            "attribute[birth_place]": "Desa Rahasia",
            "attribute[expectation]": "Harapan pribadi pelapor",
            "attribute[confidential]": "yes",
            "attribute[submission_key]": "secret-1",
        },
    )
    ordinary = filed_on_the_web(
        client,
        full_name="Nur Terbuka Biasa",
        email="terbuka.pelapor@example.org",
        phone="0813 7777 0002",
        nik="7471019912880004",
    )
    Staff().examine(confidential)
    assert confidential.confidential and not ordinary.confidential
    bodies = []
    for fmt in ("json", "xml"):
        for lang in ("id", "en"):
            for path in (
                f"/requests.{fmt}",
                f"/requests.{fmt}?status=open,closed&jurisdiction_id=74.71",
                f"/requests.{fmt}?service_request_id={confidential.tracking_number},{ordinary.tracking_number}",
                f"/requests/{ordinary.tracking_number}.{fmt}",
                f"/services.{fmt}",
                f"/services/{AREA}.{fmt}?jurisdiction_id=74.71",
                f"/discovery.{fmt}",
            ):
                response = client.get(f"{BASE}{path}{'&' if '?' in path else '?'}lang={lang}")
                assert response.status_code == 200, path
                bodies.append(response.get_data(as_text=True))
                if path.startswith("/requests.") and "service_request_id" not in path:
                    # A confidential report is in no public list: unit and date could point to its reporter (asked
                    # for by its id, which only the reporter and the application know, it answers, without them).
                    assert confidential.tracking_number not in bodies[-1], path
        token_answer = client.get(f"{BASE}/tokens/secret-1.{fmt}", headers={"X-Api-Key": api_key})
        assert token_answer.status_code == 200
        bodies.append(token_answer.get_data(as_text=True))
        # The same key with someone else's data: refused, and the refusal names nobody either.
        again = post(client, api_key, fmt, **{"attribute[submission_key]": "secret-1"})
        assert again.status_code == 400
        bodies.append(again.get_data(as_text=True))
    everything = "\n".join(bodies)
    assert confidential.tracking_number in everything and ordinary.tracking_number in everything
    # Nor the private access keys, which only the reporters' e-mails carry.
    for receipt in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "complaint_receipt")):
        access_key = re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", delivered_text(receipt)).group(0)
        assert access_key not in everything
    for secret in secrets_of_reporters:
        assert secret not in everything, secret
        assert secret.replace(" ", "") not in everything.replace(" ", ""), secret


def test_text_is_escaped_in_xml_and_json(client, seeded):
    unit = kendari_disdukcapil()
    unit.name = 'Dinas "Dukcapil" & <Kota> Kendari\x0b'
    db.session.commit()
    response = client.get(f"{BASE}/services/{AREA}.xml?jurisdiction_id=74.71")
    names = [v.findtext("name") for v in xml_of(response).findall("attributes/attribute/values/value")]
    assert 'Dinas "Dukcapil" & <Kota> Kendari' in names  # parsed back intact; the control character is dropped
    assert b"&lt;Kota&gt;" in response.get_data() and b"&amp;" in response.get_data()
    definition = json_of(client.get(f"{BASE}/services/{AREA}.json?jurisdiction_id=74.71"))
    assert unit.name in [v["name"] for v in definition["attributes"][0]["values"]]


# --- the administrator's page -------------------------------------------------------------------------------------


def test_admin_creates_a_key_shown_once_and_revokes_it(client, seeded):
    factories.login(client, admin())
    page = client.get("/admin/integrasi")
    assert page.status_code == 200 and 'href="/admin/integrasi"' in page.get_data(as_text=True)
    created = client.post(
        "/admin/integrasi", data={"name": "Meja Pengaduan Kendari", "contact_email": "it@kendarikota.go.id"}
    )
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="new-key".*?<code[^>]*>(o311_[^<]+)</code>', created.get_data(as_text=True), re.S).group(1)
    client_row = db.session.scalar(select(ApiClient))
    assert client_row.contact_email == "it@kendarikota.go.id" and secret.startswith(client_row.prefix)
    assert secret not in client.get("/admin/integrasi").get_data(as_text=True)  # never again
    assert post(client, secret).status_code == 201

    revoked = client.post(f"/admin/integrasi/{client_row.id}/cabut")
    assert revoked.status_code == 303
    assert db.session.get(ApiClient, client_row.id).revoked_at is not None
    assert post(client, secret).status_code == 403

    refused = client.post("/admin/integrasi", data={"name": "", "contact_email": "bukan-email"})
    assert refused.status_code == 422 and count(ApiClient) == 1


def test_only_administrators_manage_client_applications(client, seeded):
    factories.login(client, factories.user("supervisor"))
    assert client.get("/admin/integrasi").status_code == 403
    assert client.post("/admin/integrasi", data={"name": "X", "contact_email": "x@example.org"}).status_code == 403
    assert count(ApiClient) == 0


def test_a_key_reused_for_another_report_is_refused(client, api_key):
    first = post(client, api_key, **{"attribute[submission_key]": "dipakai"})
    assert first.status_code == 201
    other = post(client, api_key, email="orang.lain@example.org", **{"attribute[submission_key]": "dipakai"})
    assert other.status_code == 400 and "submission key" in other.get_data(as_text=True).lower()
    assert db.session.query(Complaint).count() == 1


def test_dates_out_of_range_are_bad_requests(client, api_key):
    for query in ("start_date=0001-01-01T00:00:00%2B14:00", "end_date=0001-01-01", "start_date=9999-12-31"):
        response = client.get(f"{BASE}/requests.json?{query}")
        assert response.status_code == 400, query
    filed = post(client, api_key, **{"attribute[event_date]": "0001-01-01T00:00:00+14:00"})
    assert filed.status_code == 400 and db.session.query(Complaint).count() == 0


def test_a_unit_id_in_other_digits_is_a_bad_request_not_a_crash(client, api_key):
    for value in ("²", "١٢"):
        response = post(client, api_key, **{"attribute[unit_id]": value})
        assert response.status_code == 400, value
    assert db.session.query(Complaint).count() == 0
