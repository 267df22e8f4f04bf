"""Demo data for `make run`: one account per role (README), a year of casework on three of Kota Kendari's units,
and one report by the demo citizen. Refused in production; like the reference loader it only adds what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import (
    CaseKind,
    Complaint,
    Office,
    Region,
    Role,
    ServiceUnit,
    UnitKind,
    UploadType,
    User,
)
from complaints.services.accounts import two_factor
from complaints.services.accounts.users import create_staff_user, register_citizen
from complaints.services.places.working_days import office_today
from complaints.services.seeding.reference import SeedReport, seed_reference_data


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    full_name: str
    reach: str


#: One account per role, all with the same password; listed in the README. Never loaded in production.
DEMO_PASSWORD = "demo-sultra-2026"
#: The demo's Ombudsman staff sign in with two steps like real staff, all with this authenticator key (README):
#: add it to an app, or print the current code with ``flask users demo-code``. Public, like the password.
DEMO_TOTP_SECRET = "OMBUDSMANDEMOSULTRAKENDARI234567"  # noqa: S105 (demo data, published)
KENDARI = "74.71"
DEMO_ACCOUNTS = (
    DemoAccount("admin.demo@example.org", Role.ADMIN, "Admin Demo", "office KDI"),
    DemoAccount("kepala.keasistenan.demo@example.org", Role.SUPERVISOR, "Kepala Keasistenan Demo", "office KDI"),
    DemoAccount("asisten.demo@example.org", Role.OFFICER, "Asisten Ombudsman Demo", "office KDI"),
    DemoAccount(
        "kadis.dukcapil.kendari.demo@example.org",
        Role.UNIT_HEAD,
        "Kepala Disdukcapil Kendari Demo",
        "Disdukcapil, Kota Kendari",
    ),
    DemoAccount("narahubung.kendari.demo@example.org", Role.LIAISON, "Narahubung Kendari Demo", "Kota Kendari"),
    DemoAccount("warga.demo@example.org", Role.CITIZEN, "Warga Demo", "own complaints"),
)


def seed_demo_data() -> SeedReport:
    """One account per role, scoped to Sulawesi Tenggara's office and Kota Kendari. Needs the reference data."""
    report = seed_reference_data()
    office = db.session.scalar(select(Office).where(Office.code == "KDI"))
    kendari = db.session.scalar(select(Region).where(Region.code == KENDARI))
    disdukcapil = db.session.scalar(
        select(ServiceUnit).where(ServiceUnit.region_id == kendari.id, ServiceUnit.kind == UnitKind.DISDUKCAPIL)
    )
    existing = set(db.session.scalars(select(User.email)))
    for account in DEMO_ACCOUNTS:
        if account.email in existing:
            continue
        if account.role is Role.CITIZEN:
            register_citizen(account.email, account.full_name, DEMO_PASSWORD, verified=True)
        else:
            reach = {Role.UNIT_HEAD: {"units": [disdukcapil]}, Role.LIAISON: {"region": kendari}}
            user = create_staff_user(
                email=account.email,
                full_name=account.full_name,
                password=DEMO_PASSWORD,
                role=account.role,
                **reach.get(account.role, {"office": office}),
            )
            if account.role is Role.LIAISON:
                for agreement in kendari.agreements:
                    agreement.liaisons.append(user)
            if user.two_factor_required:
                two_factor.enable_known_secret(user, DEMO_TOTP_SECRET)
        report["demo accounts"] += 1
    db.session.flush()
    _seed_demo_complaint(report, disdukcapil)
    _seed_demo_casework(report, kendari)
    return report


def _seed_demo_casework(report: SeedReport, region: Region) -> None:
    """A year of casework on Kota Kendari's units, so that its profile's live record has something to show: cases
    the office opened (own motion), received over the past months, some closed, clarification requests answered on
    time, late or not at all. Every change goes through the casework services; only the dates are set back."""
    from complaints.services.casework import examination, opening

    if db.session.scalar(select(Complaint.id).where(Complaint.kind == CaseKind.OWN_MOTION).limit(1)):
        return
    officer = db.session.scalar(select(User).where(User.role == Role.OFFICER).order_by(User.id).limit(1))
    supervisor = db.session.scalar(select(User).where(User.role == Role.SUPERVISOR).order_by(User.id).limit(1))
    units = {u.kind: u for u in region.units}
    today = office_today(region.province.timezone)
    plan = [  # unit, days ago received, days to close (None: open), clarification (None, "on_time", "late", "open")
        *[
            (UnitKind.DISDUKCAPIL, 300 - 25 * i, [12, 20, 35, None][i % 4], ["on_time", "late", None][i % 3])
            for i in range(9)
        ],
        *[(UnitKind.DPMPTSP, 280 - 30 * i, [18, None][i % 2], ["on_time", "open"][i % 2]) for i in range(6)],
        *[(UnitKind.DINAS_KESEHATAN, 200 - 40 * i, None, "on_time") for i in range(3)],
    ]
    forms = ["penundaan_berlarut", "penyimpangan_prosedur", "permintaan_imbalan", "tidak_memberikan_pelayanan"]
    areas = {UnitKind.DISDUKCAPIL: "administrasi_kependudukan", UnitKind.DPMPTSP: "perizinan"}
    for number, (kind, days_ago, close_after, clarification) in enumerate(plan):
        received = today - timedelta(days=days_ago)
        case = opening.open_case(
            CaseKind.OWN_MOTION,
            unit_id=units[kind].id,
            event_date=received,
            account="Data demo. Temuan pemantauan pelayanan oleh Perwakilan Ombudsman.",
            substance_area_code=areas.get(kind, "kesehatan"),
            by=officer,
        )
        case.suspected_form_code = forms[number % len(forms)]
        case.received_at = case.registered_at = datetime.combine(received, time(2, 0), tzinfo=UTC)
        if clarification:
            request = examination.request_clarification(case, "Data demo: mohon penjelasan tertulis.", by=officer)
            request.sent_at = case.received_at + timedelta(days=3)
            clock = request.clock
            clock.start_on = received + timedelta(days=3)
            clock.due_on = clock.start_on + timedelta(days=14)
            if clarification != "open":
                examination.record_clarification_answer(request, "Data demo: jawaban unit.", by=officer)
                clock.met_on = clock.start_on + timedelta(days=10 if clarification == "on_time" else 20)
        if close_after is not None:
            examination.resolved_by_unit(case, "Data demo: diselesaikan unit.", by=supervisor)
            case.closed_at = case.received_at + timedelta(days=close_after)
        report["demo cases"] += 1
    db.session.flush()


def _seed_demo_complaint(report: SeedReport, unit: ServiceUnit) -> None:
    """One report by the demo citizen, filed through the same service as the web form (with its clock and receipt)."""
    from fpdf import FPDF

    from complaints.services.core import uploads
    from complaints.services.intake import filing

    citizen = db.session.scalar(select(User).where(User.email == DEMO_ACCOUNTS[-1].email))
    if db.session.scalar(select(Complaint.id).where(Complaint.reporter_user_id == citizen.id)):
        return
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.cell(0, 10, "CONTOH KTP - DATA DEMO, BUKAN DOKUMEN ASLI")
    id_card = uploads.CheckedFile(name="ktp-demo.pdf", content=bytes(pdf.output()), content_type=UploadType.PDF)
    today = office_today(unit.region.province.timezone)
    submission = filing.Submission(
        full_name=citizen.full_name,
        nik="7471000000000001",
        birth_place="Kendari",
        birth_date=date(1990, 1, 1),
        marital_status="kawin",
        occupation="Wiraswasta",
        address="Jl. Contoh No. 1, Kota Kendari",
        phone="081200000000",
        email=citizen.email,
        region_id=unit.region_id,
        unit_id=unit.id,
        event_date=today - timedelta(days=60),
        chronology=(
            "Data demo. Saya mengajukan pencetakan KTP elektronik dua bulan lalu. Petugas berulang kali meminta "
            "saya kembali minggu depan tanpa kepastian dan tanpa penjelasan tertulis."
        ),
        complained_to_unit=True,
        prior_complaint_date=today - timedelta(days=30),
        prior_complaint_channel="langsung",
        prior_complaint_response="Diminta menunggu blangko KTP tersedia.",
        expectation="KTP elektronik saya diterbitkan dan ada kepastian waktu pelayanan.",
        substance_area_code="administrasi_kependudukan",
        suspected_form_code="penundaan_berlarut",
    )
    filing.file_complaint(submission, filing.Files(id_card=id_card), user=citizen)
    report["demo complaints"] += 1
