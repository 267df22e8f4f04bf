from flask import abort, current_app, redirect, render_template, send_file, url_for
from flask_babel import get_locale

from complaints.access import public
from complaints.blueprints.compliance import bp
from complaints.extensions import limiter
from complaints.models import ReportJob, ReportJobStatus
from complaints.security import int_arg
from complaints.services.compliance import exports, region_profiles, region_report
from complaints.services.places import directory
from complaints.tasks import compliance as compliance_tasks

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _year_asked() -> int | None:
    """?tahun=YYYY; anything else means "no year chosen" (the pages then take their default)."""
    year = int_arg("tahun")
    return year if year is not None and 1990 <= year <= 2100 else None


def _file(content: bytes, fmt: str, name: str):
    response = current_app.response_class(content, mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _region_or_404(region_code: str):
    return directory.get_region(region_code) or abort(404)


@bp.get("/kepatuhan")
@public
def provinces():
    listed = directory.provinces()
    if len(listed) == 1:
        return redirect(url_for("compliance.dashboard", province_code=listed[0].code))
    return render_template("compliance/provinces.html", provinces=listed)


@bp.get("/kepatuhan/<province_code>")
@public
def dashboard(province_code: str):
    province = directory.get_province(province_code) or abort(404)
    return render_template("compliance/dashboard.html", board=region_profiles.dashboard(province, _year_asked()))


@bp.get("/kepatuhan/<province_code>/penilaian.<any(csv, xlsx):fmt>")
@public
def province_export(province_code: str, fmt: str):
    province = directory.get_province(province_code) or abort(404)
    year = _year_asked()
    table = exports.province_table(province, year)
    content = exports.as_csv([table]) if fmt == "csv" else exports.as_xlsx([table])
    return _file(content, fmt, f"penilaian-kepatuhan-{province.code}" + (f"-{year}" if year else ""))


@bp.get("/wilayah/<region_code>")
@public
def region(region_code: str):
    region = _region_or_404(region_code)
    return render_template(
        "compliance/region.html",
        region=region,
        agreement=directory.current_agreement(region),
        profile=region_profiles.region_profile(region, _year_asked()),
    )


@bp.get("/wilayah/<region_code>/profil.<any(csv, xlsx):fmt>")
@public
def region_export(region_code: str, fmt: str):
    region = _region_or_404(region_code)
    year = _year_asked()
    tables = exports.profile_tables(region_profiles.region_profile(region, year))
    content = exports.as_csv(tables) if fmt == "csv" else exports.as_xlsx(tables)
    return _file(content, fmt, f"profil-kepatuhan-{region.code}" + (f"-{year}" if year else ""))


def _report_limit() -> str:
    return current_app.config["REPORT_RATE_LIMIT"]


@bp.post("/wilayah/<region_code>/laporan-kepatuhan")
@public
@limiter.limit(_report_limit)
def request_report(region_code: str):
    region = _region_or_404(region_code)
    job = compliance_tasks.start_report(region, str(get_locale()))
    return redirect(url_for("compliance.report_job", token=job.token), code=303)


def _job_or_404(token: str) -> ReportJob:
    return region_report.job_by_token(token) or abort(404)


@bp.get("/laporan-kepatuhan/<token>")
@public
def report_job(token: str):
    job = _job_or_404(token)
    return render_template("compliance/report_job.html", job=job, status=region_report.shown_status(job))


@bp.get("/laporan-kepatuhan/<token>/status")
@public
def report_status(token: str):
    job = _job_or_404(token)
    done = job.status is ReportJobStatus.DONE
    return {
        "status": region_report.shown_status(job),
        "progress": job.progress,
        "download": url_for("compliance.report_download", token=job.token) if done else None,
    }


@bp.get("/laporan-kepatuhan/<token>/unduh")
@public
def report_download(token: str):
    job = _job_or_404(token)
    if job.status is not ReportJobStatus.DONE:
        abort(404)
    return send_file(
        region_report.report_path(job),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"laporan-kepatuhan-{job.region.code}.pdf",
    )
