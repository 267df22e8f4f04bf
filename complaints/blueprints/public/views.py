from flask import abort, current_app, redirect, render_template, request, session, url_for

from complaints.access import public
from complaints.blueprints.public import bp
from complaints.i18n import SESSION_KEY
from complaints.security import safe_next_url
from complaints.services.core.health import health_report
from complaints.services.places import directory


@bp.get("/")
@public
def home():
    return render_template("public/home.html", summary=directory.province_summaries())


@bp.get("/wilayah")
@public
def regions():
    return render_template("public/regions.html", provinces=directory.provinces_with_regions_and_units())


@bp.get("/unit/<int:unit_id>")
@public
def unit(unit_id: int):
    unit = directory.get_unit(unit_id) or abort(404)
    return render_template("public/unit.html", unit=unit, agreement=directory.current_agreement(unit.region))


@bp.get("/bahasa/<lang>")
@public
def switch_language(lang: str):
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    session[SESSION_KEY] = lang
    return redirect(safe_next_url(request.args.get("next")) or url_for("public.home"))


@bp.get("/healthz")
@public
def healthz():
    report, healthy = health_report()
    return report, 200 if healthy else 503
