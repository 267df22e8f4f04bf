"""The compliance report of a region (PDF): what the Ombudsman hands a regional head. A worker builds it; the
visitor's page follows the job's progress, stored on the job's row after each stage.

Anyone may ask for it (the figures are public); a region's report asked for again within ``REUSE_FOR`` in the same
language is the same job, so that repeated clicks do not queue repeated work.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from complaints.extensions import db
from complaints.i18n import format_long_date
from complaints.labels import TARGET_STATE_LABELS, ZONE_LABELS
from complaints.models import Region, ReportJob, ReportJobStatus
from complaints.models.types import utcnow
from complaints.services.compliance.region_profiles import RegionProfile, RegionRecord, region_profile
from complaints.services.core import uploads
from complaints.services.core.pdf import new_document, table
from complaints.services.places.working_days import office_today

REUSE_FOR = timedelta(minutes=30)
#: A job not done by then is given up (no worker took it, or it died): the page says so and a new one can start.
GIVE_UP_AFTER = timedelta(minutes=10)
#: Built reports are removed after this long (the figures behind them move on anyway).
KEEP_FOR = timedelta(days=2)
ZONE_RGB = {"hijau": (25, 135, 84), "kuning": (255, 193, 7), "merah": (220, 53, 69)}


def request_report(region: Region, locale: str) -> tuple[ReportJob, bool]:
    """The region's report job: a recent one (queued, running or done), or a new one, with True: the caller commits
    it and hands it to a worker (``start_report`` in the task layer)."""
    recent = db.session.scalar(
        select(ReportJob)
        .where(
            ReportJob.region_id == region.id,
            ReportJob.locale == locale,
            ReportJob.status != ReportJobStatus.FAILED,
            ReportJob.created_at >= utcnow() - REUSE_FOR,
        )
        .order_by(ReportJob.id.desc())
        .limit(1)
    )
    if recent is not None and not is_stale(recent):
        return recent, False
    job = ReportJob(token=secrets.token_hex(16), region_id=region.id, locale=locale, stage="queued")
    db.session.add(job)
    db.session.flush()
    return job, True


def mark_unqueued(job: ReportJob) -> None:
    """No worker could be given the job (the broker is down): the waiting page says so at once instead of waiting."""
    job.status, job.stage = ReportJobStatus.FAILED, "unqueued"


def is_stale(job: ReportJob) -> bool:
    return job.status in (ReportJobStatus.QUEUED, ReportJobStatus.RUNNING) and job.created_at < utcnow() - GIVE_UP_AFTER


def shown_status(job: ReportJob) -> ReportJobStatus:
    """What the waiting page shows: a job past its time counts as failed."""
    return ReportJobStatus.FAILED if is_stale(job) else job.status


def remove_old_reports() -> int:
    """Beat's daily clean-up: jobs older than ``KEEP_FOR`` go, with their files."""
    old = db.session.scalars(select(ReportJob).where(ReportJob.created_at < utcnow() - KEEP_FOR)).all()
    for job in old:
        if job.file_name:
            report_path(job).unlink(missing_ok=True)
        db.session.delete(job)
    db.session.flush()
    return len(old)


def job_by_token(token: str) -> ReportJob | None:
    if len(token) != 32 or not all(ch in "0123456789abcdef" for ch in token):
        return None
    return db.session.scalar(select(ReportJob).where(ReportJob.token == token))


def report_path(job: ReportJob):
    name = job.file_name or ""
    if len(name) != 32 or not all(ch in "0123456789abcdef" for ch in name):
        raise ValueError("invalid stored name")
    return uploads.upload_folder() / name


def _progress(job: ReportJob, stage: str, percent: int) -> None:
    job.status, job.stage, job.progress = ReportJobStatus.RUNNING, stage, percent
    db.session.commit()


def run_job(job_id: int) -> str:
    """The worker's part: each stage commits its progress, so the waiting page can show it."""
    job = db.session.get(ReportJob, job_id)
    if job is None or job.status is ReportJobStatus.DONE:
        return "nothing to do"
    try:
        with force_locale(job.locale):
            _progress(job, "assessments", 10)
            region = job.region
            profile = region_profile(region)
            _progress(job, "figures", 40)
            document = compliance_pdf(profile)
            _progress(job, "document", 80)
            name = secrets.token_hex(16)
            (uploads.upload_folder() / name).write_bytes(document)
            job.file_name, job.status, job.stage, job.progress = name, ReportJobStatus.DONE, "done", 100
            job.finished_at = utcnow()
            db.session.commit()
    except Exception:
        db.session.rollback()
        job = db.session.get(ReportJob, job_id)
        job.status, job.stage = ReportJobStatus.FAILED, "error"
        db.session.commit()
        raise
    return f"report {job.token} built"


# --- the document --------------------------------------------------------------------------------------------------


def _heading(pdf, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)


def _line(pdf, text: str, height: float = 5) -> None:
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def _shortened(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _percent(rate) -> str:
    if rate.share is None:
        return "–"
    low, high = rate.interval
    return f"{rate.share:.0%} ({low:.0%}–{high:.0%}) n={rate.total}"


def _history_chart(pdf, profile: RegionProfile) -> None:
    """Bars per year, coloured by zone, on a 0-100 scale."""
    if not profile.history:
        return
    left, top, height, bar = pdf.l_margin + 8, pdf.get_y() + 2, 40, 12
    pdf.set_draw_color(200, 200, 200)
    pdf.set_font("DejaVu", "", 6)
    for tick in (0, 50, 100):
        y = top + height - height * tick / 100
        pdf.line(left, y, left + (bar + 6) * len(profile.history), y)
        pdf.text(pdf.l_margin, y + 1, str(tick))
    for index, view in enumerate(profile.history):
        x = left + 3 + index * (bar + 6)
        value = float(view.score)
        pdf.set_fill_color(*ZONE_RGB.get(view.zone, (150, 150, 150)))
        pdf.rect(x, top + height - height * value / 100, bar, height * value / 100, style="F")
        pdf.text(x, top + height + 4, str(view.year))
        pdf.text(x, top + height - height * value / 100 - 1, f"{value:.2f}")
    pdf.set_y(top + height + 7)
    pdf.set_font("DejaVu", "", 9)


def compliance_pdf(profile: RegionProfile) -> bytes:
    region = profile.region
    pdf = new_document(_("Compliance report: %(region)s", region=region.name))
    _title(pdf, region)
    _latest_assessment(pdf, profile)
    _targets(pdf, profile)
    _live_record(pdf, profile.record)
    _about_the_figures(pdf)
    return bytes(pdf.output())


def _title(pdf, region: Region) -> None:
    pdf.set_font("DejaVu", "B", 14)
    _line(pdf, _("Compliance report: %(region)s", region=region.name), 8)
    pdf.set_font("DejaVu", "", 9)
    _line(
        pdf,
        _(
            "Public service compliance with the service standard, %(province)s. Situation on %(today)s.",
            province=region.province.name,
            today=format_long_date(office_today(region.province.timezone)),
        ),
    )


def _latest_assessment(pdf, profile: RegionProfile) -> None:
    """The latest published result, where it stands, and every year's result (chart and table)."""
    latest = profile.latest
    _heading(pdf, _("Latest assessment"))
    if latest is None:
        _line(pdf, _("No published assessment result for this region."))
        return
    zone = ZONE_LABELS[latest.zone] if latest.zone else "–"
    _line(
        pdf,
        _("%(year)d: score %(score)s, %(zone)s zone", year=latest.year, score=latest.score, zone=zone)
        + (f", {_('category')} {latest.category} ({latest.opinion})" if latest.category else ""),
    )
    if latest.rank_province:
        _line(pdf, _("Rank in the province: %(rank)d", rank=latest.rank_province))
    else:
        _line(
            pdf,
            _(
                "Rank in the province not published; place %(p)d among the %(n)d published results of that year.",
                p=latest.position,
                n=latest.published,
            ),
        )
    if latest.points_to_next is not None:
        _line(pdf, _("%(points)s points short of %(next)s.", points=latest.points_to_next, next=latest.next_category))
    _history_chart(pdf, profile)
    table(
        pdf,
        [_("Year"), _("Score"), _("Zone"), _("Category"), _("Opinion"), _("Rank (source)")],
        [18, 22, 24, 22, 60, 24],
        [
            [
                v.year,
                v.score,
                ZONE_LABELS[v.zone] if v.zone else "",
                v.category or "",
                v.opinion or "",
                v.rank_province or "–",
            ]
            for v in reversed(profile.history)
        ],
    )


def _targets(pdf, profile: RegionProfile) -> None:
    _heading(pdf, _("Targets"))
    for t in profile.targets:
        _line(
            pdf,
            f"{t.target.year}: {t.target.wording} — {TARGET_STATE_LABELS[t.state]}"
            + (f" ({t.target.set_by})" if t.target.set_by else ""),
        )
    if not profile.targets:
        _line(pdf, _("No published target for this region."))


def _live_record(pdf, record: RegionRecord) -> None:
    """The figures from this service's own cases: totals, the units' table, then forms and subject areas."""
    period = str(record.year) if record.year else _("all years")
    _heading(pdf, _("Live record from complaints (%(period)s)", period=period))
    _line(
        pdf,
        _(
            "Registered cases: %(cases)d, closed: %(closed)d, median days to close: %(median)s, open overdue "
            "items: %(overdue)d.",
            cases=record.total.cases,
            closed=record.total.closed,
            median="–" if record.total.median_close_days is None else f"{record.total.median_close_days:g}",
            overdue=record.total.overdue_open,
        ),
    )
    _line(
        pdf,
        _(
            "Rates with their 95%% interval and their number of items (requests or actions decided); units are "
            "ranked only from %(n)d registered cases.",
            n=record.min_cases,
        ),
    )
    table(
        pdf,
        [_("Service unit"), _("Rank"), _("Cases"), _("Answers on time"), _("Actions on time"), _("Overdue")],
        [64, 14, 14, 37, 37, 14],
        [
            [
                _shortened(r.name, 42),
                r.rank or "–",
                r.cases,
                _percent(r.answers),
                _percent(r.corrective),
                r.overdue_open,
            ]
            for r in record.units
        ],
    )
    if record.forms:
        _heading(pdf, _("Suspected forms of maladministration"))
        for label, count in record.forms:
            _line(pdf, f"{label}: {count}")
    if record.areas:
        _heading(pdf, _("Subject areas"))
        for label, count in record.areas:
            _line(pdf, f"{label}: {count}")


def _about_the_figures(pdf) -> None:
    _heading(pdf, _("About these figures"))
    _line(
        pdf,
        _(
            "Assessment results as published by Ombudsman RI; zones and categories from the year's band table. "
            "Live figures count reports the Ombudsman has registered, from this service's records."
        ),
    )
