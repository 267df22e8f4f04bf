"""One world for the reach matrix and the confidentiality crawl: a confidential reporter's cases at every stage of
the workflow, with documents, beside cases of another unit and another region, and one principal per role (owner and
non-owner, in and out of reach), each with a signed-in client or an API token.

Everything is built through the services and the pages, as in use (never by setting statuses)."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import Flask
from fpdf import FPDF
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import (
    Agreement,
    ClarificationRequest,
    Complaint,
    CorrectiveAction,
    Office,
    Province,
    ReportJob,
    Role,
    UnitKind,
    User,
)
from complaints.services.accounts import api_tokens
from complaints.services.casework import examination, monitoring, verification
from complaints.services.compliance import classification
from complaints.services.intake import reporter_actions
from complaints.services.places import working_days
from complaints.services.places.working_days import office_today
from complaints.services.portal import joint_reviews
from complaints.tasks import compliance as compliance_tasks
from tests import factories
from tests.casework import ALL_CHECKS, Staff
from tests.filing import PNG, form_data, upload
from tests.test_open311 import request_data as open311_request


def _readable_pdf() -> bytes:
    """A real PDF (tests/filing.py's is only its first bytes): the crawl reads every PDF it downloads."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.cell(0, 5, "Bukti")
    return bytes(pdf.output())


PDF = _readable_pdf()


@dataclass(frozen=True)
class Secrets:
    """A confidential reporter's identity: none of it may reach anyone outside the Ombudsman and the reporter."""

    name: str = "Wa Ode Zulaikha Tamburaka"
    nik: str = "7471096512880042"
    email: str = "zulaikha.tamburaka.rahasia@example.org"
    phone: str = "0813 9988 7766"

    def items(self) -> dict[str, str]:
        return {"name": self.name, "NIK": self.nik, "e-mail": self.email, "phone": self.phone}


SECRETS = Secrets()

#: The stages a confidential case is built at, in workflow order; each builds on the one before.
STAGES = (
    "received",
    "verified",
    "registered",
    "examination",
    "final_report",
    "monitoring",
    "recommendation",
    "closed",
)


@dataclass
class Principal:
    """Who asks: a signed-in account (``user``), an API token of one (``token``), or nobody (anonymous)."""

    name: str
    user: User | None = None
    token: str | None = None
    client: object = None
    extra_headers: dict[str, str] = field(default_factory=dict)  # an Open311 application's key

    @property
    def headers(self) -> dict[str, str]:
        return {**self.extra_headers, **({"Authorization": f"Bearer {self.token}"} if self.token else {})}

    @property
    def session_user(self) -> User | None:
        """The account whose session cookie the requests carry (a token is no session)."""
        return None if self.token else self.user

    def get(self, url: str, **kwargs):
        return self.client.get(url, headers=self.headers, **kwargs)

    def open(self, url: str, method: str, **kwargs):
        return self.client.open(url, method=method, headers=self.headers, **kwargs)


@dataclass
class World:
    confidential: dict[str, Complaint]  # stage -> the confidential reporter's case at that stage
    other_unit: Complaint  # Kota Kendari's DPMPTSP, with a request, an answer and a corrective action
    other_region: Complaint  # Kota Baubau's Disdukcapil, with a request
    users: dict[str, User]
    principals: dict[str, Principal] = field(default_factory=dict)
    report_job: ReportJob | None = None
    client_id: int | None = None
    open311_key: str | None = None
    submission_keys: list[str] = field(default_factory=list)  # sent by the Open311 application
    band_id: int | None = None
    override_id: int | None = None

    @property
    def cases(self) -> list[Complaint]:
        return [*self.confidential.values(), self.other_unit, self.other_region]


def _liaison_of(region_code: str) -> User:
    liaison = factories.user(Role.LIAISON, region=factories.region(region_code))
    agreement = db.session.scalar(select(Agreement).where(Agreement.region_id == liaison.region_id))
    if agreement is not None:
        agreement.liaisons.append(liaison)
    db.session.commit()
    return liaison


def _office_elsewhere() -> Office:
    province = Province(code="73", name="Sulawesi Selatan", timezone="Asia/Makassar")
    db.session.add(province)
    db.session.flush()
    office = Office(code="MKS", name="Perwakilan Sulawesi Selatan", province_id=province.id, city="Makassar")
    db.session.add(office)
    db.session.commit()
    return office


def _people(staff: Staff) -> dict[str, User]:
    dukcapil, perizinan = factories.unit("74.71", UnitKind.DISDUKCAPIL), factories.unit("74.71", UnitKind.DPMPTSP)
    return {
        "officer": staff.examiner,
        "supervisor": staff.supervisor,
        "admin": factories.user(Role.ADMIN),
        "officer_elsewhere": factories.user(Role.OFFICER, office=_office_elsewhere()),
        "head": factories.user(Role.UNIT_HEAD, units=[dukcapil]),
        "head_of_other_unit": factories.user(Role.UNIT_HEAD, units=[perizinan]),
        "liaison": _liaison_of("74.71"),
        "liaison_of_other_region": _liaison_of("74.72"),
        "liaison_without_agreement": _liaison_of("74.05"),  # Konawe Selatan has no agreement
        "citizen_owner": factories.user(Role.CITIZEN, email=SECRETS.email),
        "citizen": factories.user(Role.CITIZEN),
    }


_addresses = itertools.count(1)


def new_client(app: Flask):
    """A browser of its own, from an address of its own: the world files, signs in and crawls far more than the rate
    limits per address allow one visitor."""
    client = app.test_client()
    n = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    return client


def _signed_in(app: Flask, user: User):
    client = new_client(app)
    factories.login(client, user)
    return client


def _file_confidential(owner_client, stage: str) -> Complaint:
    """Filed by the reporter's own account; the secrets are in every identity field and in the files' names."""
    data = form_data(
        full_name=SECRETS.name,
        nik=SECRETS.nik,
        email=SECRETS.email,
        phone=SECRETS.phone,
        confidential="y",
        id_card=upload(PNG, f"KTP {SECRETS.name} {SECRETS.nik}.png"),
        evidence=[upload(PDF, f"bukti {SECRETS.name}.pdf"), upload(PNG, f"{SECRETS.phone} {SECRETS.email}.png")],
        chronology=f"Tahap {stage}: KTP elektronik saya belum terbit tiga bulan tanpa penjelasan apa pun.",
    )
    response = owner_client.post("/lapor", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))


def _answer_as_unit(head_client, case: Complaint) -> None:
    request = db.session.scalar(select(ClarificationRequest).where(ClarificationRequest.complaint_id == case.id))
    response = head_client.post(
        f"/portal/permintaan/{request.id}",
        data={
            "answer-text": "Blangko KTP habis; kami terbitkan pekan depan.",
            "answer-documents": [upload(PDF, "jawaban.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.status_code


def _respond_to_notice(owner_client, case: Complaint) -> None:
    response = owner_client.post(
        f"/lacak/{case.tracking_number}/tanggapan",
        data={"response": "Saya setuju.", "documents": [upload(PNG, f"tanggapan {SECRETS.name}.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def _report_action_as_unit(head_client, case: Complaint) -> CorrectiveAction:
    action = db.session.scalar(select(CorrectiveAction).where(CorrectiveAction.complaint_id == case.id))
    response = head_client.post(
        f"/portal/tindakan/{action.id}",
        data={
            "report-text": "KTP telah diterbitkan sebagian.",
            "report-done_on": office_today("Asia/Makassar").isoformat(),
            "report-documents": [upload(PDF, "laporan-tindakan.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.status_code
    return db.session.get(CorrectiveAction, action.id)


def _advance(case: Complaint, stage: str, staff: Staff, clients: dict) -> None:
    """Take ``case`` from filing to ``stage`` (each stage includes every step of the ones before)."""
    steps = STAGES[1 : STAGES.index(stage) + 1]
    for step in steps:
        if step == "verified":
            verification.record_checks(case, ALL_CHECKS, by=staff.examiner)
        elif step == "registered":
            verification.register(case, by=staff.supervisor)
        elif step == "examination":
            examination.assign_examiner(case, staff.examiner, by=staff.supervisor)
            examination.request_clarification(case, "Mengapa KTP belum terbit?", by=staff.examiner)
            db.session.commit()
            _answer_as_unit(clients["head"], case)
        elif step == "final_report":
            examination.send_notice(case, "Ditemukan penundaan berlarut.", by=staff.examiner)
            db.session.commit()
            _respond_to_notice(clients["citizen_owner"], case)
            staff.find_maladministration(case)
        elif step == "monitoring":
            action = _report_action_as_unit(clients["head"], case)
            monitoring.record_verdict(action, "not_implemented", "Belum semua KTP terbit.", by=staff.examiner)
        elif step == "recommendation":
            monitoring.escalate_to_resolution(case, "Tindakan korektif tidak dilaksanakan.", by=staff.supervisor)
            monitoring.issue_recommendation(case, "Terbitkan KTP.", "Wali Kota Kendari", by=staff.supervisor)
        elif step == "closed":
            monitoring.record_recommendation_outcome(case, "implemented", "Dilaksanakan.", by=staff.supervisor)
        db.session.commit()
        db.session.refresh(case)


def _other_case(client, staff: Staff, unit, head_client=None) -> Complaint:
    """A report of somebody else against ``unit``, examined, with a clarification request (answered when a head's
    client is given, then taken to a corrective action for the unit)."""
    response = client.post(
        "/lapor",
        data=form_data(region_id=str(unit.region_id), unit_id=str(unit.id), email="orang.lain@example.org"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    case = db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))
    staff.examine(case)
    examination.request_clarification(case, "Mengapa?", by=staff.examiner)
    db.session.commit()
    if head_client is not None:
        _answer_as_unit(head_client, case)
        examination.send_notice(case, "Kesimpulan", by=staff.examiner)
        reporter_actions.respond_to_notice(case, "Setuju", [])
        db.session.commit()
        staff.find_maladministration(case)
    return case


def _file_through_open311(app: Flask, world: World) -> Complaint:
    """The confidential reporter again, through an application's desk (Open311), with a submission key."""
    first, _, last = SECRETS.name.rpartition(" ")
    world.submission_keys.append("meja-rahasia-1")
    data = open311_request(
        world.open311_key,
        first_name=first,
        last_name=last,
        email=SECRETS.email,
        phone=SECRETS.phone,
        **{
            "attribute[nik]": SECRETS.nik,
            "attribute[confidential]": "yes",
            "attribute[submission_key]": world.submission_keys[0],
        },
        media=upload(PNG, f"KTP {SECRETS.name}.png"),
    )
    response = new_client(app).post("/open311/v2/requests.json", data=data, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)[:500]
    return db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))


def _admin_objects(world: World) -> None:
    """The objects only an administrator addresses: an Open311 application, a band, a holiday correction."""
    admin = world.users["admin"]
    client, world.open311_key = api_tokens.create_client("Aplikasi uji", "aplikasi@example.org", by=admin)
    band = classification.add_band(
        2025, category="A", lower=Decimal("88.00"), upper=Decimal("100.00"), opinion="Sangat baik", zone="hijau"
    )
    override = working_days.add_override(
        day=date(2026, 12, 28), kind="holiday", name="Cuti uji", legal_basis=None, by_user_id=admin.id
    )
    db.session.commit()
    world.client_id, world.band_id, world.override_id = client.id, band.id, override.id


@contextmanager
def filing_limit_raised(app: Flask):
    """The reporter files eight reports from one browser (a new address would end the signed-in session: Flask-Login's
    strong protection), more than FILING_RATE_LIMIT lets anyone file in an hour."""
    kept = app.config["FILING_RATE_LIMIT"]
    app.config["FILING_RATE_LIMIT"] = "1000 per hour"
    try:
        yield
    finally:
        app.config["FILING_RATE_LIMIT"] = kept


def build_world(app: Flask) -> World:
    with filing_limit_raised(app):
        return _build_world(app)


def _build_world(app: Flask) -> World:
    staff = Staff()
    users = _people(staff)
    clients = {name: _signed_in(app, users[name]) for name in ("head", "head_of_other_unit", "citizen_owner")}
    confidential = {}
    for stage in STAGES:
        case = _file_confidential(clients["citizen_owner"], stage)
        _advance(case, stage, staff, clients)
        confidential[stage] = case
    anonymous = new_client(app)
    other_unit = _other_case(anonymous, staff, factories.unit("74.71", UnitKind.DPMPTSP), clients["head_of_other_unit"])
    other_region = _other_case(anonymous, staff, factories.unit("74.72", UnitKind.DISDUKCAPIL))
    world = World(confidential, other_unit, other_region, users)
    _admin_objects(world)
    confidential["received_through_open311"] = _file_through_open311(app, world)
    today = office_today("Asia/Makassar")
    for agreement in db.session.scalars(select(Agreement).join(Agreement.region)):
        if agreement.is_active(today) and agreement.region.code in {"74.71", "74.72"}:
            joint_reviews.build_review(agreement, joint_reviews.quarter_of(today))
    db.session.commit()
    world.report_job = compliance_tasks.start_report(factories.region("74.71"), "id")  # built at once (eager)
    world.principals = _principals(app, users, clients)
    world.principals["open311_application"] = Principal(
        "open311_application", client=new_client(app), extra_headers={"X-Api-Key": world.open311_key}
    )
    return world


#: The roles that hold API tokens, and so the token principals of the matrix and the crawl.
TOKEN_HOLDERS = {role for role in api_tokens.TOKEN_ROLES}


def _principals(app: Flask, users: dict[str, User], clients: dict) -> dict[str, Principal]:
    principals = {"anonymous": Principal("anonymous", client=new_client(app))}
    for name, user in users.items():
        principals[name] = Principal(name, user, client=clients.get(name) or _signed_in(app, user))
        if user.role in TOKEN_HOLDERS:
            _token, secret = api_tokens.create_token(user, "uji")
            db.session.commit()
            principals[f"{name}_token"] = Principal(f"{name}_token", user, secret, client=new_client(app))
    return principals
