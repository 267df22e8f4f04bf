"""Data and information exchange with a region under an agreement (MoU): the region's cases and their stages.

Agreements with regions include "pertukaran data dan informasi". For a region whose agreement is active today, this
module gives the cases of the region's service units that the Ombudsman has brought to the region, by the same rule
as the units' portal and the JSON API (``reach.brought_to_the_unit``: a clarification request, or a corrective action
for the unit), whatever their kind (public report, quick response, own-motion investigation) and whichever office
now holds them: current stage and the date it was reached, the next legal date and who must act, clarification
requests and corrective actions, recommendation, closure. A region's complaint desk keeps its own register in step
with it. Reports still being verified, rejected or closed before any request are not the region's to see (the
portal shows it nothing of them either); ``region_rows(every_case=True)`` includes them for the Ombudsman's own use.

**No reporter appears.** The queries never touch ``reporter_identities`` (name, NIK, birth, address, telephone,
e-mail), nor the texts citizens write (the account of events, what they want, the prior complaint's response, the
rating comment), in which they often name themselves. Whether a reporter asked for confidentiality is given (units
already see "Pelapor (dirahasiakan)"), never who they are.

Two layouts, both UTF-8 with a byte-order mark, dates ISO 8601 in the region's office time zone:

- ``region_csv``: our own columns, in the visitor's language;
- ``lapor_csv``: the column layout of the national SP4N-LAPOR! report export (``LAPOR_COLUMNS``), in Indonesian.

``region_rows`` yields one ``ExchangeRow`` per case, built by one statement with joins and grouped subqueries (no
query per case), streamed in batches with ``yield_per``; the JSON API can use it as it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from complaints.extensions import db
from complaints.labels import CASE_KIND_LABELS, CLOCK_LABELS, STAFF_ACTOR_LABELS, STATUS_LABELS, VERDICT_LABELS
from complaints.models import (
    Actor,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Channel,
    ClarificationRequest,
    ClarificationStatus,
    Clock,
    ClockStatus,
    ClosureReason,
    Complaint,
    CorrectiveAction,
    MaladministrationForm,
    Recommendation,
    Region,
    Role,
    ServiceUnit,
    SubstanceArea,
    User,
    Verdict,
)
from complaints.models.types import UTCDateTime
from complaints.services.casework import reach
from complaints.services.compliance.exports import safe_cell
from complaints.services.places import directory
from complaints.services.places.working_days import office_today

#: Rows fetched from the database at a time, and rows written to the response at a time.
BATCH_SIZE = 500

#: The status each history event puts a case in (the steps in complaints/services/casework/, and intake/filing.py
#: and intake/reporter_actions.py); events not listed leave the status as it was. "Stage since" is the first of the
#: events that put the case in its current status after the last event that put it in another one, so a repeated
#: event (a second examiner, checks recorded again) does not move the date.
STATUS_ENTERED_BY: dict[str, CaseStatus] = {
    "filed": CaseStatus.RECEIVED,
    "transferred": CaseStatus.RECEIVED,
    "verification_started": CaseStatus.VERIFICATION,
    "checks_recorded": CaseStatus.VERIFICATION,
    "documents_supplied": CaseStatus.VERIFICATION,
    "documents_requested": CaseStatus.DOCUMENTS_REQUESTED,
    "registered": CaseStatus.REGISTERED,
    "opened": CaseStatus.EXAMINATION,
    "examiner_assigned": CaseStatus.EXAMINATION,
    "examination_reopened": CaseStatus.EXAMINATION,
    "notice_sent": CaseStatus.PRE_REPORT_NOTICE,
    "final_report_issued": CaseStatus.CORRECTIVE_MONITORING,
    "moved_to_resolution": CaseStatus.RESOLUTION,
    "recommendation_issued": CaseStatus.RECOMMENDATION,
    "closed": CaseStatus.CLOSED,
    "withdrawn": CaseStatus.CLOSED,
}

#: How a case came in (no list of these exists elsewhere yet).
CHANNEL_LABELS = {
    Channel.ONLINE: _l("Online form"),
    Channel.WALK_IN: _l("In person"),
    Channel.LETTER: _l("By letter"),
    Channel.PHONE: _l("By telephone"),
    Channel.WHATSAPP: _l("WhatsApp"),
    Channel.OPEN311: _l("Partner application (Open311)"),
}


@dataclass(frozen=True)
class ExchangeRow:
    """One case of the region, as the exchange shares it. Dates are the office's local dates; codes, not labels, so
    that each layout (or the JSON API) names them in its own language."""

    case_id: int
    tracking_number: str
    registration_number: str | None
    kind: CaseKind
    channel: Channel
    #: The reporter asked that their identity be kept confidential (who they are is never in the row).
    confidential: bool
    unit_id: int
    unit_name: str
    substance_area_code: str
    suspected_form_code: str | None
    received_at: datetime
    received_on: date
    registered_on: date | None
    status: CaseStatus
    #: The day the case reached its current status (from its history); None if the history does not say.
    stage_since: date | None
    #: The running clock that falls due first (``clocks.next_running_clock``): its last day, who must act, its kind.
    next_due_on: date | None
    next_due_actor: Actor | None
    next_due_clock: str | None
    #: Clocks that ran out and whose duty is still not done.
    overdue_clocks: int
    clarification_requests: int
    clarifications_answered: int
    clarifications_answered_on_time: int
    corrective_actions: int
    corrective_actions_implemented: int
    recommendation_issued_on: date | None
    recommendation_outcome: Verdict | None
    closed_on: date | None
    closure_reason_code: str | None
    #: The reporter's rating of the outcome (1-5), once closed; never their comment.
    rating: int | None


# --- who may download ------------------------------------------------------------------------------------------


def _today(region: Region) -> date:
    return office_today(region.province.timezone)


def liaison_region(user: User) -> Region | None:
    """A liaison's own region, while its agreement is active (the portal's rule); None otherwise."""
    if user.role is not Role.LIAISON or user.region is None:
        return None
    region = user.region
    return region if reach.liaison_follows(region) else None


def office_region(user: User, region_code: str) -> Region | None:
    """A region covered by the staff member's office and under an active agreement; None otherwise (a 404)."""
    if not user.is_ombudsman or user.office is None:
        return None
    region = directory.get_region(region_code)
    if region is None or region.province_id != user.office.province_id:
        return None
    return region if reach.liaison_follows(region) else None


# --- the rows --------------------------------------------------------------------------------------------------


def _status_entered():
    return case(
        {event_type: status.value for event_type, status in STATUS_ENTERED_BY.items()},
        value=CaseEvent.type,
        else_=None,
    )


def _stage_since(in_region):
    """Per case, when it reached its current status: the first event that put it there after the last event that
    put it in another one."""
    entered = _status_entered()
    # The region's status-changing events, each with the status it put the case in and the case's status now.
    transitions = (
        select(
            CaseEvent.complaint_id,
            CaseEvent.seq,
            CaseEvent.occurred_at,
            entered.label("entered"),
            Complaint.status.label("current"),
        )
        .join(Complaint, Complaint.id == CaseEvent.complaint_id)
        .where(in_region, entered.is_not(None))
        .cte("transitions")  # read twice below: a CTE, so that the events are scanned once
    )
    last_other = (
        select(transitions.c.complaint_id, func.max(transitions.c.seq).label("seq"))
        .where(transitions.c.entered != transitions.c.current)
        .group_by(transitions.c.complaint_id)
        .subquery("last_other")
    )
    return (
        select(
            transitions.c.complaint_id,
            func.min(transitions.c.occurred_at, type_=UTCDateTime).label("since"),
        )
        .outerjoin(last_other, last_other.c.complaint_id == transitions.c.complaint_id)
        .where(
            transitions.c.entered == transitions.c.current,
            transitions.c.seq > func.coalesce(last_other.c.seq, 0),
        )
        .group_by(transitions.c.complaint_id)
        .subquery("since")
    )


def _running_clocks(in_region):
    """The running clocks of the region's cases, numbered per case from the one that falls due first."""
    return (
        select(
            Clock.complaint_id,
            Clock.due_on,
            Clock.who_must_act,
            Clock.kind,
            func.row_number()
            .over(partition_by=Clock.complaint_id, order_by=(Clock.due_on, Clock.id))
            .label("position"),
        )
        .join(Complaint, Complaint.id == Clock.complaint_id)
        .where(in_region, Clock.status == ClockStatus.RUNNING)
        .subquery("next_clock")
    )


def _overdue_clocks(in_region):
    return (
        select(Clock.complaint_id, func.count().label("overdue"))
        .join(Complaint, Complaint.id == Clock.complaint_id)
        .where(in_region, Clock.status == ClockStatus.BREACHED)
        .group_by(Clock.complaint_id)
        .subquery("overdue")
    )


def _clarification_counts(in_region):
    """Per case: clarification requests, those answered, and those answered by their clock's last day."""
    answered = ClarificationRequest.status == ClarificationStatus.ANSWERED
    on_time = and_(answered, Clock.met_on.is_not(None), Clock.met_on <= Clock.due_on)
    return (
        select(
            ClarificationRequest.complaint_id,
            func.count().label("total"),
            func.sum(case((answered, 1), else_=0)).label("answered"),
            func.sum(case((on_time, 1), else_=0)).label("on_time"),
        )
        .join(Clock, Clock.id == ClarificationRequest.clock_id)
        .join(Complaint, Complaint.id == ClarificationRequest.complaint_id)
        .where(in_region)
        .group_by(ClarificationRequest.complaint_id)
        .subquery("requests")
    )


def _corrective_action_counts(in_region):
    return (
        select(
            CorrectiveAction.complaint_id,
            func.count().label("total"),
            func.sum(case((CorrectiveAction.verdict == Verdict.IMPLEMENTED, 1), else_=0)).label("implemented"),
        )
        .join(Complaint, Complaint.id == CorrectiveAction.complaint_id)
        .where(in_region)
        .group_by(CorrectiveAction.complaint_id)
        .subquery("actions")
    )


def _rows_statement(region_id: int, every_case: bool):
    """One SELECT for the whole region: each figure per case comes from a subquery grouped by case, restricted to
    the region's cases, joined once."""
    in_region = Complaint.region_id == region_id
    since = _stage_since(in_region)
    next_clock = _running_clocks(in_region)
    overdue = _overdue_clocks(in_region)
    requests = _clarification_counts(in_region)
    actions = _corrective_action_counts(in_region)
    statement = (
        select(
            Complaint.id,
            Complaint.tracking_number,
            Complaint.registration_number,
            Complaint.kind,
            Complaint.channel,
            Complaint.confidential,
            Complaint.unit_id,
            ServiceUnit.name.label("unit_name"),
            Complaint.substance_area_code,
            Complaint.suspected_form_code,
            Complaint.received_at,
            Complaint.registered_at,
            Complaint.status,
            since.c.since,
            next_clock.c.due_on,
            next_clock.c.who_must_act,
            next_clock.c.kind.label("clock_kind"),
            func.coalesce(overdue.c.overdue, 0).label("overdue"),
            func.coalesce(requests.c.total, 0).label("requests"),
            func.coalesce(requests.c.answered, 0).label("answered"),
            func.coalesce(requests.c.on_time, 0).label("on_time"),
            func.coalesce(actions.c.total, 0).label("actions"),
            func.coalesce(actions.c.implemented, 0).label("implemented"),
            Recommendation.issued_on.label("recommended_on"),
            Recommendation.outcome.label("recommendation_outcome"),
            Complaint.closed_at,
            Complaint.closure_reason_code,
            Complaint.rating,
        )
        .join(ServiceUnit, ServiceUnit.id == Complaint.unit_id)
        .outerjoin(since, since.c.complaint_id == Complaint.id)
        .outerjoin(next_clock, and_(next_clock.c.complaint_id == Complaint.id, next_clock.c.position == 1))
        .outerjoin(overdue, overdue.c.complaint_id == Complaint.id)
        .outerjoin(requests, requests.c.complaint_id == Complaint.id)
        .outerjoin(actions, actions.c.complaint_id == Complaint.id)
        .outerjoin(Recommendation, Recommendation.complaint_id == Complaint.id)
        .where(in_region)
        .order_by(Complaint.received_at, Complaint.id)
    )
    return statement if every_case else statement.where(reach.brought_to_the_unit())


def region_rows(region: Region, *, every_case: bool = False, batch_size: int = BATCH_SIZE) -> Iterator[ExchangeRow]:
    """The cases of the region's service units that have been brought to the region (``reach.brought_to_the_unit``),
    the oldest first, fetched ``batch_size`` rows at a time; with ``every_case``, every case received about them,
    those still being verified or closed before any request included (for the Ombudsman's own use).

    This is the function for the JSON API: it checks no reach (callers do, with ``liaison_region`` or
    ``office_region``) and names nothing in any language."""
    zone = ZoneInfo(region.province.timezone)

    def local(moment: datetime | None) -> date | None:
        return moment.astimezone(zone).date() if moment is not None else None

    statement = _rows_statement(region.id, every_case).execution_options(yield_per=batch_size)
    for row in db.session.execute(statement):
        yield ExchangeRow(
            case_id=row.id,
            tracking_number=row.tracking_number,
            registration_number=row.registration_number,
            kind=row.kind,
            channel=row.channel,
            confidential=bool(row.confidential),
            unit_id=row.unit_id,
            unit_name=row.unit_name,
            substance_area_code=row.substance_area_code,
            suspected_form_code=row.suspected_form_code,
            received_at=row.received_at,
            received_on=local(row.received_at),
            registered_on=local(row.registered_at),
            status=row.status,
            stage_since=local(row.since),
            next_due_on=row.due_on,
            next_due_actor=row.who_must_act,
            next_due_clock=row.clock_kind,
            overdue_clocks=int(row.overdue),
            clarification_requests=int(row.requests),
            clarifications_answered=int(row.answered),
            clarifications_answered_on_time=int(row.on_time),
            corrective_actions=int(row.actions),
            corrective_actions_implemented=int(row.implemented),
            recommendation_issued_on=row.recommended_on,
            recommendation_outcome=row.recommendation_outcome,
            closed_on=local(row.closed_at),
            closure_reason_code=row.closure_reason_code,
            rating=row.rating,
        )


# --- reference labels ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    """Every label a file uses, in one language, worked out once per file: the reference lists' labels (a few dozen
    rows, one query each) and the enums' translations (not one gettext per cell)."""

    areas: dict[str, str]
    forms: dict[str, str]
    closure_reasons: dict[str, str]
    kinds: dict[CaseKind, str]
    channels: dict[Channel, str]
    statuses: dict[CaseStatus, str]
    actors: dict[Actor, str]
    clocks: dict[str, str]
    verdicts: dict[str, str]
    yes: str
    no: str

    @classmethod
    def load(cls, english: bool) -> _Names:
        area_label = SubstanceArea.label_en if english else SubstanceArea.label_id
        form_label = MaladministrationForm.label_en if english else MaladministrationForm.label_id

        def translated(labels: dict) -> dict:
            return {key: str(label) for key, label in labels.items()}

        return cls(
            areas=dict(db.session.execute(select(SubstanceArea.code, area_label)).all()),
            forms=dict(db.session.execute(select(MaladministrationForm.code, form_label)).all()),
            # Closure reasons exist in Indonesian only.
            closure_reasons=dict(db.session.execute(select(ClosureReason.code, ClosureReason.label_id)).all()),
            kinds=translated(CASE_KIND_LABELS),
            channels=translated(CHANNEL_LABELS),
            statuses=translated(STATUS_LABELS),
            actors=translated(STAFF_ACTOR_LABELS),
            clocks=translated(CLOCK_LABELS),
            verdicts=translated(VERDICT_LABELS),
            yes=_("yes"),
            no=_("no"),
        )


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _label(labels: dict, key) -> str:
    return labels.get(key, key or "") if key is not None else ""


# --- our layout ------------------------------------------------------------------------------------------------


def region_headers() -> list[str]:
    # No tracking number: with the access key it opens the reporter's own page, so it stays with the Ombudsman and
    # the reporter (as in the JSON API); the registration number names the case for the region.
    return [
        _("Registration number"),
        _("Case type"),
        _("Received on"),
        _("Registered on"),
        _("Service unit"),
        _("Subject area"),
        _("Suspected form"),
        _("Channel"),
        _("Confidential reporter"),
        _("Stage"),
        _("Stage since"),
        _("Next legal date"),
        _("Who must act"),
        _("What is due"),
        _("Overdue duties"),
        _("Clarification requests"),
        _("Requests answered"),
        _("Answered on time"),
        _("Corrective actions"),
        _("Actions implemented"),
        _("Recommendation issued on"),
        _("Recommendation outcome"),
        _("Closed on"),
        _("Closure reason"),
        _("Reporter's rating (1-5)"),
    ]


def _region_cells(row: ExchangeRow, names: _Names) -> list:
    return [
        row.registration_number or "",
        _label(names.kinds, row.kind),
        _iso(row.received_on),
        _iso(row.registered_on),
        row.unit_name,
        _label(names.areas, row.substance_area_code),
        _label(names.forms, row.suspected_form_code),
        _label(names.channels, row.channel),
        names.yes if row.confidential else names.no,
        _label(names.statuses, row.status),
        _iso(row.stage_since),
        _iso(row.next_due_on),
        _label(names.actors, row.next_due_actor),
        _label(names.clocks, row.next_due_clock),
        row.overdue_clocks,
        row.clarification_requests,
        row.clarifications_answered,
        row.clarifications_answered_on_time,
        row.corrective_actions,
        row.corrective_actions_implemented,
        _iso(row.recommendation_issued_on),
        _label(names.verdicts, row.recommendation_outcome),
        _iso(row.closed_on),
        _label(names.closure_reasons, row.closure_reason_code),
        row.rating if row.rating is not None else "",
    ]


def region_csv(region: Region, *, every_case: bool = False, batch_size: int = BATCH_SIZE) -> Iterator[bytes]:
    """The region's cases and their stages in our own columns, in the visitor's language, streamed."""
    names = _Names.load(str(get_locale()) == "en")
    rows = region_rows(region, every_case=every_case, batch_size=batch_size)
    return _csv(region_headers(), (_region_cells(row, names) for row in rows))


# --- the SP4N-LAPOR! layout ------------------------------------------------------------------------------------

LaporCell = Callable[[ExchangeRow, Region, _Names], object] | None


def _lapor_classification(row: ExchangeRow, region: Region, names: _Names) -> str:
    return "Pengaduan" if row.kind is CaseKind.REPORT else _label(names.kinds, row.kind)


#: The columns of the report export of SP4N-LAPOR! (lapor.go.id), in their order, each with what fills it here.
#:
#: Source: KemenPAN-RB publishes no specification of this file that we could find. The names and their order are
#: those of the export as read by two independent programs that import it: github.com/devirisvianti28-ship-it/SIPANDA
#: (commit 028c967d; ``app/Services/PengaduanExcelImporter.php``, "Import file Excel export dari LAPOR.go.id", every
#: column, and ``resources/views/data-pengaduan/index.blade.php``, whose table of the imported rows lists them in the
#: same order), and
#: github.com/okimenpan/ESG-Classifier (commit 6f0071c1; ``config/esg.php`` and ``tests/Feature/DashboardTest.php``,
#: a subset in the same order, from an export of Kabupaten Toraja Utara). Both read the columns by name, so the order
#: is as strong as their listing of it: an assumption to confirm with KemenPAN-RB. The real file has a few lines of
#: general information (title, agency, date generated) above the header and writes dates as "6 Jan 2026"; this one
#: starts with the header and writes dates as ISO 8601.
#:
#: A column with ``None`` has no counterpart here and stays empty:
#: - Nama Pelapor: a region's export never names a reporter.
#: - ID Kategori, ID Instansi Terdisposisi: LAPOR!'s own numeric identifiers, which we do not hold.
#: - Judul Laporan, Isi Laporan Awal, Isi Laporan Akhir: the citizen's own words (they often name themselves);
#:   the case has no title.
#: - Kecamatan, Kelurahan: not collected.
#: - Nomor SK, Url SK, Url Dokumen Laporan Tahunan, Laporan yang Masuk melalui Kanal Aduan Setwapres: LAPOR!'s
#:   administration, no counterpart in the Ombudsman's casework.
#:
#: Where a value fills a LAPOR! column it is ours, not LAPOR!'s vocabulary: "Tracking ID" is our registration number
#: (the tracking number stays with the Ombudsman and the reporter; not a LAPOR! number either), "Status Laporan"
#: our stage, "Alasan Tunda/Arsip" our closure reason,
#: "Sumber Laporan" our channel, "Klasifikasi Laporan" "Pengaduan" for a public report and the case type otherwise,
#: "Instansi Induk" "Pemerintah <region>", "Tipe Laporan" "Rahasia" when the reporter asked for confidentiality.
LAPOR_COLUMNS: tuple[tuple[str, LaporCell], ...] = (
    ("Tracking ID", lambda row, region, names: row.registration_number or ""),
    ("Tanggal Laporan Masuk", lambda row, region, names: _iso(row.received_on)),
    (
        "Waktu Laporan Masuk",
        lambda row, region, names: row.received_at.astimezone(ZoneInfo(region.province.timezone)).strftime("%H:%M"),
    ),
    ("Nama Pelapor", None),
    ("Klasifikasi Laporan", _lapor_classification),
    ("ID Kategori", None),
    ("Kategori", lambda row, region, names: _label(names.areas, row.substance_area_code)),
    ("Judul Laporan", None),
    ("Isi Laporan Awal", None),
    ("Isi Laporan Akhir", None),
    ("Tipe Laporan (Anonim/Rahasia)", lambda row, region, names: "Rahasia" if row.confidential else ""),
    ("Sumber Laporan", lambda row, region, names: _label(names.channels, row.channel)),
    ("Instansi Induk", lambda row, region, names: f"Pemerintah {region.name}"),
    ("ID Instansi Terdisposisi", None),
    ("Instansi Terdisposisi", lambda row, region, names: row.unit_name),
    ("Status Laporan", lambda row, region, names: _label(names.statuses, row.status)),
    (
        "Alasan Tunda/Arsip",
        lambda row, region, names: _label(names.closure_reasons, row.closure_reason_code),
    ),
    ("Provinsi", lambda row, region, names: region.province.name),
    ("Kota/Kabupaten", lambda row, region, names: region.name),
    ("Kecamatan", None),
    ("Kelurahan", None),
    ("Nomor SK", None),
    ("Url SK", None),
    ("Url Dokumen Laporan Tahunan", None),
    ("Laporan yang Masuk melalui Kanal Aduan Setwapres", None),
    ("Rating", lambda row, region, names: row.rating if row.rating is not None else ""),
)


def lapor_headers() -> list[str]:
    return [name for name, _cell in LAPOR_COLUMNS]


def _lapor_cells(row: ExchangeRow, region: Region, names: _Names) -> list:
    return [cell(row, region, names) if cell is not None else "" for _name, cell in LAPOR_COLUMNS]


def lapor_csv(region: Region, *, every_case: bool = False, batch_size: int = BATCH_SIZE) -> Iterator[bytes]:
    """The same cases in the SP4N-LAPOR! export's columns (``LAPOR_COLUMNS``: the layout, its source, and what stays
    empty), always in Indonesian (the layout's language), streamed."""
    with force_locale("id"):
        names = _Names.load(english=False)
        rows = region_rows(region, every_case=every_case, batch_size=batch_size)
        cells = (_lapor_cells(row, region, names) for row in rows)
        yield from _csv(lapor_headers(), cells)


# --- files -----------------------------------------------------------------------------------------------------


def _csv(headers: list[str], rows: Iterable[list], batch_size: int = BATCH_SIZE) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so spreadsheet programs read names right), CRLF, text that a spreadsheet would
    run as a formula quoted; written ``batch_size`` rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(headers)
    for count, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(value) for value in row])
        if count % batch_size == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def filename(region: Region, layout: str) -> str:
    suffix = "-lapor" if layout == "lapor" else ""
    return f"pertukaran-data{suffix}-{region.code}-{_today(region).isoformat()}.csv"


def layout_csv(region: Region, layout: str) -> Iterator[bytes]:
    """The file of a layout ("region", our columns, or "lapor", SP4N-LAPOR!'s), in chunks; the caller has checked
    reach."""
    return lapor_csv(region) if layout == "lapor" else region_csv(region)
