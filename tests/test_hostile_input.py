"""Hostile input (issue 12, findings 8 and 9), kept as a campaign: a table of hostile texts, numbers, e-mail
addresses and files, each sent to every input route that has a field of its kind (filing, the reporter's
follow-ups, tracking, sign-in and registration, the unit's answer, Open311, the JSON API's and Open311's query
parameters). Every answer must be a 4xx, never a 500, and nothing may be kept: no row in any table, no file in the
upload folder. The same routes then take a clean input, so that the campaign cannot pass by refusing everything,
and the focused tests below pin what a refusal says and what a kept file looks like.

Run with ``-s`` to see the figures (inputs x routes, answers by code)."""

from __future__ import annotations

import io
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from flask import current_app
from PIL import Image
from sqlalchemy import func, select

from complaints.extensions import db, limiter
from complaints.models import Attachment, ClarificationRequest, Complaint, Role
from complaints.services.accounts import api_tokens
from complaints.services.casework import examination, verification
from complaints.services.core import uploads
from complaints.services.places.working_days import DEFAULT_TIMEZONE, office_today
from tests import factories
from tests.casework import Staff
from tests.filing import EXE, JPEG, PDF, PNG, file_complaint, form_data, image_bytes, kendari_disdukcapil, upload
from tests.test_portal import with_corrective_action

# --- the hostile inputs -------------------------------------------------------------------------------------------

#: Digits of other scripts, which int() reads as 0-9.
FOREIGN_DIGITS = {
    "Arabic-Indic digits": "٠١٢٣٤٥٦٧٨٩",
    "Extended Arabic-Indic digits": "۰۱۲۳۴۵۶۷۸۹",
    "full-width digits": "０１２３４５６７８９",
    "Devanagari digits": "०१२३४५६७८९",
}


@dataclass(frozen=True)
class Hostile:
    name: str
    #: "line" (a one-line field), "area" (a text area), "number", "email" or "file".
    kind: str
    #: The value, or for numbers a function of the clean number.
    value: object
    #: A fragment of the (Indonesian) message the field must show, where the field has no other rule to trip first.
    says: str | None = None


BIDI = "arah teks"
ONE_LINE = "satu baris"
DIGITS = "digit 0-9"


def _texts() -> list[Hostile]:
    line = [
        Hostile("RLO (U+202E) in a name", "line", "Siti \u202eamhaR", BIDI),
        Hostile("LRO (U+202D) in a name", "line", "Siti \u202dRahma", BIDI),
        Hostile("RLE/PDF (U+202B, U+202C) in a name", "line", "Siti \u202bRahma\u202c", BIDI),
        Hostile("LRI/PDI (U+2066, U+2069) in a name", "line", "Siti \u2066Rahma\u2069", BIDI),
        Hostile("CR/LF and a header in a name", "line", "Siti Rahma\r\nBcc: pencuri@example.org", ONE_LINE),
        Hostile("LF in a name", "line", "Siti\nRahma", ONE_LINE),
        Hostile("NEL (U+0085) in a name", "line", "Siti\x85Rahma", ONE_LINE),
        Hostile("LINE SEPARATOR (U+2028) in a name", "line", "Siti\u2028Rahma", ONE_LINE),
        Hostile("NUL in a name", "line", "Siti\x00Rahma"),
        Hostile("over-long name (5,000 characters)", "line", "S" * 5000),
    ]
    area = [
        Hostile("RLO (U+202E) in the account", "area", "KTP saya \u202eticret muleb\u202c sejak Mei.", BIDI),
        Hostile("FSI (U+2068) in the account", "area", "KTP saya \u2068belum terbit\u2069 sejak Mei.", BIDI),
        Hostile("NUL in the account", "area", "KTP saya\x00 belum terbit."),
        Hostile("over-long account (100,001 characters)", "area", "a" * 100_001),
    ]
    numbers = [
        Hostile(f"{name} in an id", "number", lambda clean, d=digits: clean.translate(str.maketrans("0123456789", d)))
        for name, digits in FOREIGN_DIGITS.items()
    ] + [
        Hostile("superscript digit in an id", "number", lambda clean: clean + "²"),
        Hostile("an id beyond PostgreSQL's integer", "number", lambda clean: "9" * 30),
    ]
    emails = [
        Hostile("e-mail with two @", "email", "siti@@example.org"),
        Hostile("e-mail with an empty label", "email", "siti@example..org"),
        Hostile("e-mail with CR/LF and a header", "email", "siti@example.org\r\nBcc: pencuri@example.org"),
        Hostile("e-mail with a space", "email", "siti rahma@example.org"),
        Hostile("e-mail in angle brackets", "email", "<siti@example.org>"),
        Hostile("e-mail without a domain", "email", "siti@"),
        Hostile("e-mail with RLO", "email", "siti@\u202egro.elpmaxe"),
        Hostile("over-long e-mail", "email", "s" * 300 + "@example.org"),
    ]
    return line + area + numbers + emails


# --- hostile files, built here -----------------------------------------------------------------------------------

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def _png_with_text(text: bytes) -> bytes:
    """A valid PNG with ``text`` in a tEXt chunk before IEND."""
    iend = PNG.rindex(b"IEND") - 4
    return PNG[:iend] + _png_chunk(b"tEXt", b"Comment\x00" + text) + PNG[iend:]


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` pixels and holds a few bytes of compressed data."""
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    data = zlib.compress(b"\x00" * 10_000, 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def _bomb_png() -> bytes:
    """56 million pixels in a few kilobytes: more than uploads.MAX_IMAGE_PIXELS once decoded."""
    out = io.BytesIO()
    Image.new("1", (8000, 7000)).save(out, format="PNG")
    return out.getvalue()


def _noisy_jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((256, 256), 64).convert("RGB").save(out, format="JPEG", quality=95)
    return out.getvalue()


def _pdf(build: Callable[[pikepdf.Pdf], None]) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    build(pdf)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _js_action(code: str = "app.alert(1)") -> pikepdf.Dictionary:
    return pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String(code))


def _open_action_js(pdf):
    pdf.Root.OpenAction = pdf.make_indirect(_js_action())


def _launch_link(pdf):
    action = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("C:\\Windows\\System32\\cmd.exe"))
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 200, 200], A=action)
    pdf.pages[0].Annots = pdf.make_indirect([link])


def _embedded_file(pdf):
    pdf.attachments["lampiran.exe"] = pikepdf.AttachedFileSpec(pdf, EXE, filename="lampiran.exe")


def _page_open_js(pdf):
    pdf.pages[0].AA = pikepdf.Dictionary(O=_js_action())


def _xfa_form(pdf):
    xfa = pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[], XFA=xfa)


def _names_javascript(pdf):
    tree = pikepdf.Dictionary(Names=[pikepdf.String("a"), pdf.make_indirect(_js_action())])
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=tree)


#: A PDF written by hand with "/JavaScript" spelled in #xx escapes and no cross-reference table: qpdf repairs it
#: and reads the name as a viewer would.
ESCAPED_JS_PDF = (
    b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"4 0 obj<</S/J#61va#53cript/J#53(app.alert\\(1\\))>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def hostile_files() -> list[Hostile]:
    truncated = _noisy_jpeg()
    files = {
        "PNG + HTML appended (polyglot)": (PNG + HTML, "ktp.png"),
        "PNG with a script in a tEXt chunk": (_png_with_text(HTML), "ktp.png"),
        "JPEG + HTML appended (polyglot)": (JPEG + HTML, "ktp.jpg"),
        "JPEG with a script in a comment": (image_bytes("JPEG", comment=HTML), "ktp.jpg"),
        "GIF with a script, named .png": (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;" + HTML, "ktp.png"),
        "SVG with a script": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "ktp.svg"),
        "SVG with a script, named .png": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "ktp.png"),
        "PDF with /OpenAction JavaScript": (_pdf(_open_action_js), "ktp.pdf"),
        "PDF with JavaScript in #xx escapes": (ESCAPED_JS_PDF, "ktp.pdf"),
        "PDF with a document-level JavaScript": (_pdf(_names_javascript), "ktp.pdf"),
        "PDF with a /Launch link": (_pdf(_launch_link), "ktp.pdf"),
        "PDF with an embedded file": (_pdf(_embedded_file), "ktp.pdf"),
        "PDF with a page /AA JavaScript": (_pdf(_page_open_js), "ktp.pdf"),
        "PDF with an XFA form": (_pdf(_xfa_form), "ktp.pdf"),
        "decompression bomb PNG (56 Mpx)": (_bomb_png(), "ktp.png"),
        "PNG claiming 100,000 x 100,000 pixels": (_png_header_only(100_000, 100_000), "ktp.png"),
        "truncated JPEG": (truncated[: len(truncated) // 2], "ktp.jpg"),
        "damaged PDF": (b"%PDF-1.4\n" + b"\x00garbage" * 50, "ktp.pdf"),
        "PNG named .pdf (extension lies)": (PNG, "ktp.pdf"),
        "PDF named .jpg (extension lies)": (PDF, "ktp.jpg"),
        "executable named .png": (EXE, "ktp.png"),
    }
    return [Hostile(name, "file", content) for name, content in files.items()]


# --- the routes ---------------------------------------------------------------------------------------------------


@dataclass
class World:
    """What the routes need: a reporter's browser that filed three reports (documents asked for, notice sent,
    open), a unit head with an open clarification request, an Open311 key and an API token."""

    app: object
    reporter: object
    documents_case: Complaint
    notice_case: Complaint
    open_case: Complaint
    portal: object
    request_id: int
    open311_key: str
    api_token: str
    unit_id: str
    staff: Staff
    officer: object
    admin: object
    closed_case: Complaint
    action_id: int


@dataclass(frozen=True)
class Route:
    name: str
    #: Sends a value of a kind to the route's field of that kind.
    send: Callable[[World, str, object], object]
    #: The kinds it has fields for.
    kinds: str
    #: Kinds whose field has no other rule that would refuse first (so the message can be checked).
    plain: str = ""
    #: The kind of clean input the control sends to show that the route keeps it (None: it keeps nothing).
    clean: str | None = None
    #: The clean number the hostile numbers are written from (a unit id; a date for a date field).
    number_of: Callable[[World], str] = lambda world: world.unit_id


def _multipart(client, url, data):
    return client.post(url, data=data, content_type="multipart/form-data")


def _file(value):
    content, name = value
    return (io.BytesIO(content), name)


def _lapor(world, kind, value):
    field = {"line": "full_name", "area": "chronology", "number": "unit_id", "email": "email", "file": "id_card"}
    data = form_data(**{field[kind]: _file(value) if kind == "file" else value})
    return _multipart(world.app.test_client(), "/lapor", data)


def _documents(world, kind, value):
    data = {"note": value} if kind == "area" else {"documents": [_file(value)]}
    data.setdefault("documents", [upload(PDF, "bukti.pdf")])
    return _multipart(world.reporter, f"/lacak/{world.documents_case.tracking_number}/dokumen", data)


def _notice(world, kind, value):
    data = {"response": value} if kind == "area" else {"response": "Saya setuju.", "documents": [_file(value)]}
    return _multipart(world.reporter, f"/lacak/{world.notice_case.tracking_number}/tanggapan", data)


def _withdraw(world, kind, value):
    return world.reporter.post(
        f"/lacak/{world.open_case.tracking_number}/cabut", data={"reason": value, "confirm": "y"}
    )


def _track(world, kind, value):
    case = world.open_case
    data = {"tracking_number": case.tracking_number, "access_key": value}
    return world.app.test_client().post("/lacak", data=data)


def _login(world, kind, value):
    return world.app.test_client().post("/masuk", data={"email": value, "password": "sandi-rahasia-123"})


def _register(world, kind, value):
    data = {
        "full_name": "Siti Rahma",
        "email": "siti.baru@example.org",
        "password": "sandi-rahasia-123",
        "confirm": "sandi-rahasia-123",
    }
    data["full_name" if kind == "line" else "email"] = value
    return world.app.test_client().post("/daftar", data=data)


def _portal_answer(world, kind, value):
    data = (
        {"answer-text": value} if kind == "area" else {"answer-text": "Terlampir.", "answer-documents": [_file(value)]}
    )
    return _multipart(world.portal, f"/portal/permintaan/{world.request_id}", data)


def _rating(world, kind, value):
    return world.reporter.post(
        f"/lacak/{world.closed_case.tracking_number}/nilai", data={"rating": "4", "comment": value}
    )


def _done_on(world) -> str:
    return office_today(DEFAULT_TIMEZONE).isoformat()  # the day the action was set: it cannot be done before


def _action_report(world, kind, value):
    data = {"report-text": "KTP sudah terbit.", "report-done_on": _done_on(world)}
    data |= {"report-text": value} if kind == "area" else {"report-done_on": value} if kind == "number" else {}
    if kind == "file":
        data["report-documents"] = [_file(value)]
    return _multipart(world.portal, f"/portal/tindakan/{world.action_id}", data)


def _officer_step(world, kind, value):
    data = {"record_step-step": "document_review", "record_step-note": value}
    return world.officer.post(f"/kasus/{world.open_case.id}/record_step", data=data)


def _officer_answer(world, kind, value):
    data = {"record_clarification_answer-request_id": value, "record_clarification_answer-answer": "Dijawab."}
    return world.officer.post(f"/kasus/{world.open_case.id}/record_clarification_answer", data=data)


def _new_staff(world, kind, value):
    data = {"full_name": "Staf Baru", "email": "staf.baru@example.org", "role": "officer"}
    data["office_id"] = str(factories.office().id)
    data |= {"password": "sandi-rahasia-123", "region_id": "0"}
    data["full_name" if kind == "line" else "email"] = value
    return world.admin.post("/admin/pengguna/baru", data=data)


def _open311(world, kind, value, *, jurisdiction: bool = True):
    from tests.test_open311 import request_data

    field = {"line": "first_name", "area": "description", "number": "attribute[unit_id]", "email": "email"}
    overrides = {"media": _file(value)} if kind == "file" else {field[kind]: value}
    if not jurisdiction:
        overrides["jurisdiction_id"] = None
    data = request_data(world.open311_key, **overrides)
    return _multipart(world.app.test_client(), "/open311/v2/requests.json?lang=id", data)


def _open311_list(world, kind, value):
    parameter = {"number": "page", "line": "jurisdiction_id"}[kind]
    return world.app.test_client().get("/open311/v2/requests.json", query_string={parameter: value})


def _api(world, kind, value):
    parameter = {"number": "unit_id", "line": "region"}[kind]
    return world.app.test_client().get(
        "/api/v1/cases", query_string={parameter: value}, headers={"Authorization": f"Bearer {world.api_token}"}
    )


ROUTES = [
    Route("filing POST /lapor", _lapor, "line area number email file", plain="line area number", clean="area"),
    Route("documents POST /lacak/<n>/dokumen", _documents, "area file", plain="area", clean="file"),
    Route("response POST /lacak/<n>/tanggapan", _notice, "area file", plain="area", clean="file"),
    Route("tracking POST /lacak", _track, "line", plain="line"),
    Route("sign-in POST /masuk", _login, "email"),
    Route("registration POST /daftar", _register, "line email", plain="line", clean="line"),
    Route("unit's answer POST /portal/permintaan/<id>", _portal_answer, "area file", plain="area", clean="file"),
    Route(
        "unit's report POST /portal/tindakan/<id> (text, done_on, documents)",
        _action_report,
        "area number file",
        plain="area number",
        clean="file",
        number_of=_done_on,
    ),
    Route("rating POST /lacak/<n>/nilai", _rating, "area", plain="area", clean="area"),
    Route("officer's step POST /kasus/<id>/record_step", _officer_step, "area", plain="area", clean="area"),
    Route("officer's answer POST /kasus/<id>/record_clarification_answer", _officer_answer, "number"),
    Route("administrator POST /admin/pengguna/baru", _new_staff, "line email", plain="line", clean="line"),
    Route("Open311 POST /requests", _open311, "line area number email file", plain="line area number", clean="file"),
    Route(
        "Open311 POST /requests without jurisdiction_id",
        lambda world, kind, value: _open311(world, kind, value, jurisdiction=False),
        "number",
        plain="number",
        clean="number",
    ),
    Route("Open311 GET /requests (page, jurisdiction_id)", _open311_list, "number line"),
    Route("API GET /api/v1/cases (unit_id, region)", _api, "number line"),
    # Last: the clean control closes the case the unit and the officer act on.
    Route("withdrawal POST /lacak/<n>/cabut", _withdraw, "area", plain="area", clean="area"),
]


def _value(hostile: Hostile, world: World, route: Route):
    return hostile.value(route.number_of(world)) if callable(hostile.value) else hostile.value


@pytest.fixture
def world(app, client, seeded, tmp_path) -> World:
    staff = Staff()
    for _ in range(5):
        assert file_complaint(client).status_code == 302
    cases = db.session.scalars(select(Complaint).order_by(Complaint.id)).all()
    documents_case, notice_case, open_case, closed_case, action_case = cases
    verification.request_documents(documents_case, "Fotokopi surat pengantar", by=staff.examiner)
    staff.notify(notice_case)
    head = factories.user(Role.UNIT_HEAD)
    examined = staff.examine(open_case)
    request = examination.request_clarification(examined, "Mengapa KTP belum terbit?", by=staff.examiner)
    examination.resolved_by_unit(staff.examine(closed_case), "KTP sudah diterbitkan.", by=staff.supervisor)
    action = with_corrective_action(staff.examine(action_case), staff, head)
    _client, open311_key = api_tokens.create_client("Meja Pengaduan", "it@example.org", by=factories.user("admin"))
    _token, api_token = api_tokens.create_token(staff.examiner, "uji")
    db.session.commit()
    portal, officer, admin = app.test_client(), app.test_client(), app.test_client()
    factories.login(portal, head)
    factories.login(officer, staff.examiner)
    factories.login(admin, factories.user("admin"))
    return World(
        app=app,
        reporter=client,
        documents_case=documents_case,
        notice_case=notice_case,
        open_case=open_case,
        portal=portal,
        request_id=request.id,
        open311_key=open311_key,
        api_token=api_token,
        unit_id=str(kendari_disdukcapil().id),
        staff=staff,
        officer=officer,
        admin=admin,
        closed_case=closed_case,
        action_id=action.id,
    )


#: Records of who was shown what: a refused officer's form shows the case page again, which records that its
#: identity was shown (as it was); that is a record of the answer, not something kept of the hostile input.
ACCESS_RECORDS = {"identity_views"}


def rows_and_files() -> tuple[dict[str, int], int]:
    rows = {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in ACCESS_RECORDS
    }
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    return rows, sum(1 for _ in folder.iterdir()) if folder.exists() else 0


@pytest.mark.integration  # a campaign: the PostgreSQL pass runs it
def test_hostile_inputs_on_every_route_are_refused_and_leave_nothing(world, capsys):
    hostile = _texts() + hostile_files()
    answers: Counter[int] = Counter()
    problems = []
    pairs = 0
    for route in ROUTES:
        for item in hostile:
            if item.kind not in route.kinds.split():
                continue
            pairs += 1
            limiter.reset()  # every input is judged on its own, never cut short by a rate limit
            before = rows_and_files()
            try:
                response = route.send(world, item.kind, _value(item, world, route))
            except Exception as exc:  # the test client raises what would be a 500: count it and go on
                answers[500] += 1
                problems.append(f"{route.name} <- {item.name}: raised {exc!r:.200}")
                db.session.rollback()
                continue
            answers[response.status_code] += 1
            body = response.get_data(as_text=True)
            if not 400 <= response.status_code < 500:
                problems.append(f"{route.name} <- {item.name}: answered {response.status_code}")
            elif rows_and_files() != before:
                problems.append(f"{route.name} <- {item.name}: something was kept")
            elif item.says and item.kind in route.plain.split() and item.says not in body:
                problems.append(f"{route.name} <- {item.name}: no message with '{item.says}'")
    with capsys.disabled():
        kinds = Counter(item.kind for item in hostile)
        print(f"\nhostile inputs: {len(hostile)} ({dict(kinds)}), routes: {len(ROUTES)}, pairs sent: {pairs}")
        codes = dict(sorted(answers.items()))
        print(f"answers by code: {codes}; 500s: {answers[500]}; accepted, kept or unexplained: {len(problems)}")
    assert "\n".join(problems) == ""
    assert answers[429] == 0 and pairs >= 250 and answers[500] == 0


@pytest.mark.integration  # a campaign: the PostgreSQL pass runs it
def test_the_same_routes_take_clean_input(world):
    """The control: what the campaign sends, but clean, is accepted and kept on every route that stores."""
    clean = {
        "line": "Siti Rahma",
        "area": "KTP saya belum terbit sejak Mei.",
        "number": world.unit_id,
        "email": "siti.lain@example.org",
        "file": (PNG, "ktp.png"),
    }
    for route in ROUTES:
        if route.clean is None:
            continue
        limiter.reset()
        before, _files = rows_and_files()
        response = route.send(world, route.clean, clean[route.clean])
        assert response.status_code in {200, 201, 302}, (route.name, response.status_code)
        assert rows_and_files()[0] != before, route.name
    # Every image kept on disk is a valid image still, with no metadata.
    images = [a for a in db.session.scalars(select(Attachment)) if a.content_type.value.startswith("image/")]
    assert len(images) >= 5
    for attachment in images:
        with Image.open(uploads.path_of(attachment)) as image:
            image.verify()
            assert not image.info.get("exif") and image.format in {"PNG", "JPEG"}
    assert _api(world, "number", world.unit_id).status_code == 200
    assert _open311_list(world, "number", "1").status_code == 200


# --- finding 8: digits ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("jurisdiction", [True, False])
def test_open311_refuses_arabic_indic_digits_in_unit_id_naming_the_parameter(world, jurisdiction):
    arabic = world.unit_id.translate(str.maketrans("0123456789", FOREIGN_DIGITS["Arabic-Indic digits"]))
    response = _open311(world, "number", arabic, jurisdiction=jurisdiction)
    assert response.status_code == 400
    assert response.get_json() == [{"code": 400, "description": "attribute[unit_id]: Tulis angka dengan digit 0-9."}]
    assert db.session.scalar(select(func.count()).select_from(Complaint)) == 5


def test_every_open311_refusal_names_its_parameter(world):
    from tests.test_open311 import request_data

    for parameter, value in [("first_name", "Siti\u202e"), ("attribute[nik]", "٧٤٧١٠١٠١٠١٩٠٠٠٠١"), ("email", "a@@b")]:
        data = request_data(world.open311_key, **{parameter: value})
        response = _multipart(world.app.test_client(), "/open311/v2/requests.json", data)
        descriptions = [error["description"] for error in response.get_json()]
        assert response.status_code == 400 and descriptions, parameter
        expected = "first_name/last_name" if parameter == "first_name" else parameter
        assert all(": " in d for d in descriptions) and any(d.startswith(expected + ": ") for d in descriptions)
    nul = _open311(world, "area", "a\x00b")
    assert nul.status_code == 400
    assert nul.get_json()[0]["description"].startswith("description: ")


def test_a_nul_in_the_api_names_its_parameter(world):
    response = _api(world, "line", "74.71\x00")
    assert response.status_code == 400 and response.get_json()["detail"].startswith("region: ")
    # Every value of a repeated parameter is looked at, not only the first.
    repeated = world.app.test_client().get(
        "/api/v1/cases?region=74.71&region=%00", headers={"Authorization": f"Bearer {world.api_token}"}
    )
    assert repeated.status_code == 400 and repeated.get_json()["detail"].startswith("region: ")


def test_a_superscript_id_in_a_staff_form_is_refused_not_a_500(world, app):
    officer = app.test_client()
    factories.login(officer, world.staff.examiner)
    case = world.open_case
    for forged in ("²", "9" * 30, "٣"):
        response = officer.post(
            f"/kasus/{case.id}/record_clarification_answer",
            data={"record_clarification_answer-request_id": forged, "record_clarification_answer-answer": "Dijawab."},
        )
        assert 400 <= response.status_code < 500, forged
    assert db.session.get(ClarificationRequest, world.request_id).status.value == "open"


def test_page_and_year_arguments_take_ascii_digits_only(app):
    from complaints.security import int_arg, page_number

    with app.test_request_context("/?page=%D9%A3&tahun=%D9%A2%D9%A0%D9%A2%D9%A4"):
        assert page_number() == 1 and int_arg("tahun") is None
    with app.test_request_context("/?page=3&tahun=2024"):
        assert page_number() == 3 and int_arg("tahun") == 2024


# --- finding 9: text ----------------------------------------------------------------------------------------------


def test_direction_marks_stay_allowed_in_the_account(client, seeded):
    """LRM and RLM reorder nothing by themselves (see complaints/security.py): an Arabic quotation keeps them."""
    response = file_complaint(client, chronology="Petugas menulis \u200fلا\u200e di berkas saya dan menolak.")
    assert response.status_code == 302


def test_a_refused_name_says_why_in_english_too(client, seeded):
    response = client.post(
        "/lapor?lang=en", data=form_data(full_name="Siti \u202eamhaR"), content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "Remove the invisible text-direction characters" in response.get_data(as_text=True)


# --- finding 9: files ---------------------------------------------------------------------------------------------


def _checked(content: bytes, name: str) -> uploads.CheckedFile:
    storage = type("Upload", (), {"filename": name, "stream": io.BytesIO(content)})()
    return uploads.check_file(storage)


def test_an_image_is_kept_re_encoded_upright_without_its_metadata(app_ctx):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was turned, the picture must be rotated 90 degrees to stand upright
    exif[0x010F] = "KameraKu"
    exif.get_ifd(0x8825)[2] = (3.0, 58.0, 12.0)  # GPS latitude: where the reporter stood
    original = image_bytes("JPEG", size=(60, 20), exif=exif.tobytes())
    kept = _checked(original, "ktp.jpg")
    image = Image.open(io.BytesIO(kept.content))
    image.verify()
    image = Image.open(io.BytesIO(kept.content))
    assert image.format == "JPEG" and image.size == (20, 60)  # turned upright
    assert not image.getexif() and "exif" not in image.info
    assert b"KameraKu" not in kept.content and kept.content != original
    png = _checked(image_bytes("PNG"), "ktp.png")
    assert Image.open(io.BytesIO(png.content)).format == "PNG"


def test_a_plain_pdf_is_kept_byte_for_byte_and_going_to_a_page_on_opening_is_allowed(app_ctx):
    assert _checked(PDF, "surat.pdf").content == PDF

    def open_on_first_page(pdf):
        pdf.Root.OpenAction = [pdf.pages[0].obj, pikepdf.Name.Fit]

    fit = _pdf(open_on_first_page)
    assert _checked(fit, "surat.pdf").content == fit


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("PDF with /OpenAction JavaScript", "JavaScript"),
        ("PDF with a /Launch link", "menjalankan program"),
        ("PDF with an embedded file", "berkas lain di dalamnya"),
        ("PDF with an XFA form", "XFA"),
        ("PNG + HTML appended (polyglot)", "halaman web atau skrip"),
        ("decompression bomb PNG (56 Mpx)", "terlalu banyak piksel"),
        ("truncated JPEG", "rusak atau tidak lengkap"),
    ],
)
def test_the_citizen_is_told_which_file_was_refused_and_why(client, seeded, name, says):
    content = next(item.value for item in hostile_files() if item.name == name)
    response = file_complaint(client, evidence=[upload(PDF, "surat.pdf"), upload(content[0], "bukti-" + content[1])])
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and says in page and "bukti-" + content[1] in page
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
