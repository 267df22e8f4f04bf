"""The JSON API's rules: which cases a token's owner reaches (the same as the pages), the query filters, and what each
resource says. Reporter identities go to Ombudsman staff only; everyone else sees the label the pages show
("Pelapor (dirahasiakan)" for a confidential reporter). The NIK is never in the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from complaints.extensions import db
from complaints.labels import STATUS_LABELS, ZONE_LABELS
from complaints.models import (
    CaseEvent,
    CaseStatus,
    Clock,
    Complaint,
    MaladministrationForm,
    Region,
    ServiceUnit,
    SubstanceArea,
    User,
)
from complaints.security import plain_digits
from complaints.services.casework import notifications, reach
from complaints.services.casework.officer_queue import QueueFilters, case_query, next_due_dates
from complaints.services.compliance import region_profiles
from complaints.services.places import directory
from complaints.services.places.working_days import office_today
from complaints.services.privacy import identity_views

MAX_PER_PAGE = 100


class BadQuery(ValueError):
    """A query parameter that cannot be understood; ``str(error)`` says which and why (answered with 400)."""


# --- query parameters ---------------------------------------------------------------------------------------------


def int_param(args, name: str, *, default: int | None = None, low: int = 1, high: int = 2_147_483_647) -> int | None:
    text = args.get(name)
    if text is None or text == "":
        return default
    if not plain_digits(text) or not low <= int(text) <= high:
        raise BadQuery(f"{name} must be a whole number from {low} to {high}")
    return int(text)


def bool_param(args, name: str) -> bool:
    text = (args.get(name) or "").lower()
    if text in {"", "false", "0"}:
        return False
    if text in {"true", "1"}:
        return True
    raise BadQuery(f"{name} must be true or false")


def choice_param(args, name: str, allowed) -> str | None:
    text = args.get(name) or None
    if text is not None and text not in allowed:
        raise BadQuery(f"{name} must be one of: {', '.join(sorted(allowed))}")
    return text


@dataclass(frozen=True)
class Page:
    number: int
    per_page: int


def page_param(args) -> Page:
    return Page(
        int_param(args, "page", default=1, high=100_000), int_param(args, "per_page", default=25, high=MAX_PER_PAGE)
    )


def paginate(query, page: Page) -> tuple[list, int]:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.limit(page.per_page).offset((page.number - 1) * page.per_page)).all()
    return list(items), total


# --- reach --------------------------------------------------------------------------------------------------------


def case_filters(args) -> QueueFilters:
    region_code = args.get("region") or None
    region_id = None
    if region_code is not None:
        region_id = db.session.scalar(select(Region.id).where(Region.code == region_code[:10]))
        if region_id is None:
            raise BadQuery("region: unknown region code")
    forms = set(db.session.scalars(select(MaladministrationForm.code)))
    areas = set(db.session.scalars(select(SubstanceArea.code)))
    return QueueFilters(
        status=choice_param(args, "status", {s.value for s in CaseStatus}),
        region_id=region_id,
        unit_id=int_param(args, "unit_id"),
        examiner_id=int_param(args, "examiner_id"),
        form_code=choice_param(args, "form", forms),
        area_code=choice_param(args, "area", areas),
        due_within_days=int_param(args, "due_within_days", low=0, high=3650),
        overdue=bool_param(args, "overdue"),
        include_closed=bool_param(args, "include_closed"),
    )


def cases_for(user: User, filters: QueueFilters):
    return case_query(reach.case_scope(user), filters, office_today(user.timezone))


def case_for(user: User, case_id: int) -> Complaint | None:
    """The case if the user reaches it; None (answered 404, as the pages do) otherwise."""
    return reach.case_in_reach(user, case_id)


# --- representations ----------------------------------------------------------------------------------------------


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _labels(model) -> dict[str, str]:
    return dict(db.session.execute(select(model.code, model.label_id)).all())


def case_summaries(cases: list[Complaint], user: User) -> list[dict]:
    due = next_due_dates([c.id for c in cases])
    areas, forms = _labels(SubstanceArea), _labels(MaladministrationForm)
    return [_summary(case, user, due.get(case.id), areas, forms) for case in cases]


def _summary(case: Complaint, user: User, due, areas, forms) -> dict:
    staff = reach.sees_identity(user)
    return {
        "id": case.id,
        # The tracking number opens the reporter's own page (with the access key): Ombudsman staff only.
        "tracking_number": case.tracking_number if staff else None,
        "registration_number": case.registration_number,
        "kind": case.kind.value,
        "status": case.status.value,
        "status_label": str(STATUS_LABELS[case.status]),
        "channel": case.channel.value,
        "region": {"code": case.region.code, "name": case.region.name},
        "unit": {"id": case.unit.id, "name": case.unit.name},
        "substance_area": {"code": case.substance_area_code, "label": areas.get(case.substance_area_code)},
        "suspected_form": (
            {"code": case.suspected_form_code, "label": forms.get(case.suspected_form_code)}
            if case.suspected_form_code
            else None
        ),
        "reporter": notifications.reporter_label(case),
        "confidential": case.confidential,
        "received_at": _iso(case.received_at),
        "registered_at": _iso(case.registered_at),
        "closed_at": _iso(case.closed_at),
        "closure_reason": case.closure_reason_code,
        "next_due": {"due_on": _iso(due[0]), "clock": due[1], "who_must_act": str(due[2])} if due else None,
    }


def case_detail(case: Complaint, user: User) -> dict:
    [summary] = case_summaries([case], user)
    detail = {
        **summary,
        "event_date": _iso(case.event_date),
        "chronology": case.chronology,
        "complained_to_unit": case.complained_to_unit,
        "summons_count": case.summons_count,
        "examiner": {"id": case.examiner.id, "name": case.examiner.full_name} if case.examiner else None,
        # What the reporter wrote they want: Ombudsman staff only, as the pages show it.
        "expectation": case.expectation if reach.sees_identity(user) and case.reporter is not None else None,
        # Ombudsman staff only, and none once anonymised after the retention period (privacy.retention).
        "reporter_identity": None,
    }
    if identity_views.shows_identity(user, case):
        reporter = case.reporter
        detail["reporter_identity"] = {
            "full_name": reporter.full_name,
            "email": reporter.email,
            "phone": reporter.phone,
            "address": reporter.address,
            "acts_for_other": reporter.acts_for_other,
        }
    return detail


def case_events(case: Complaint, user: User) -> list[dict]:
    """Staff see the whole history; units the events the reporter also sees (no payloads)."""
    query = select(CaseEvent).where(CaseEvent.complaint_id == case.id).order_by(CaseEvent.seq)
    staff = reach.sees_identity(user)
    if not staff:
        query = query.where(CaseEvent.public)
    return [
        {
            "seq": e.seq,
            "type": e.type,
            "occurred_at": _iso(e.occurred_at),
            "actor": e.actor_label,
            "public": e.public,
            "payload": e.payload if staff else None,
        }
        for e in db.session.scalars(query)
    ]


def case_clocks(case: Complaint) -> list[dict]:
    return [
        {
            "id": c.id,
            "kind": c.kind,
            "who_must_act": c.who_must_act.value,
            "days": c.days,
            "day_type": c.day_type.value,
            "start_on": _iso(c.start_on),
            "due_on": _iso(c.due_on),
            "status": c.status.value,
            "met_on": _iso(c.met_on),
            "legal_basis": c.legal_basis,
        }
        for c in db.session.scalars(select(Clock).where(Clock.complaint_id == case.id).order_by(Clock.id))
    ]


def units_query(region: Region | None):
    query = select(ServiceUnit).options(selectinload(ServiceUnit.region)).order_by(ServiceUnit.id)
    return query.where(ServiceUnit.region_id == region.id) if region is not None else query


def regions_query():
    return select(Region).options(selectinload(Region.province), selectinload(Region.agreements)).order_by(Region.code)


def assessments(year: int | None, region: Region | None) -> list[region_profiles.AssessmentView]:
    """Published results of every province, newest year first, optionally of one year or region."""
    views = [
        v
        for province in directory.provinces()
        for v in region_profiles.assessment_views(province)
        if (year is None or v.year == year) and (region is None or v.region.id == region.id)
    ]
    return sorted(views, key=lambda v: (-v.year, v.region.code))


def unit_dict(unit: ServiceUnit) -> dict:
    return {
        "id": unit.id,
        "name": unit.name,
        "kind": unit.kind.value,
        "region_code": unit.region.code,
        "head_title": unit.head_title,
        "active": unit.is_active,
    }


def region_dict(region: Region, today: date) -> dict:
    return {
        "code": region.code,
        "name": region.name,
        "kind": region.kind.value,
        "province": region.province.name,
        "agreement_active": region.active_agreement(today) is not None,
    }


def assessment_dict(view: region_profiles.AssessmentView) -> dict:
    a = view.assessment
    return {
        "year": a.year,
        "region_code": a.region.code,
        "region": a.region.name,
        "score": float(a.score),
        "zone": view.zone,
        "zone_label": str(ZONE_LABELS[view.zone]) if view.zone else None,
        "category": view.category,
        "opinion": view.opinion,
        "stated_zone": a.stated_zone,
        "stated_category": a.stated_category,
        "classified": view.classified,
        "rank_province": view.rank_province,
        "position_among_published": view.position,
        "published_results": view.published,
        "rank_national": a.rank_national,
        "points_to_next": float(view.points_to_next) if view.points_to_next is not None else None,
        "next_category": view.next_category,
        "source": a.source,
        "parts": [{"kind": "dimension", "label": label, "score": float(score)} for label, score in view.dimensions]
        + [{"kind": "unit", "label": name, "score": float(score)} for name, score, _c in view.units],
    }


def _rate(rate: region_profiles.Rate) -> dict:
    interval = rate.interval
    return {
        "done": rate.done,
        "total": rate.total,
        "share": rate.share,
        "wilson_low": interval[0] if interval else None,
        "wilson_high": interval[1] if interval else None,
    }


def record_dict(record: region_profiles.LiveRecord) -> dict:
    return {
        "unit_id": record.unit_id,
        "name": record.name,
        "rank": record.rank,
        "cases": record.cases,
        "closed": record.closed,
        "median_days_to_close": record.median_close_days,
        "clarification_answers_on_time": _rate(record.answers),
        "corrective_actions_on_time": _rate(record.corrective),
        "recommendations_implemented": _rate(record.recommendation_rate),
        "open_overdue_items": record.overdue_open,
        "by_suspected_form": dict(record.by_form),
        "by_subject_area": dict(record.by_area),
    }


def profile_dict(profile: region_profiles.RegionProfile, today: date) -> dict:
    record = profile.record
    return {
        "region": region_dict(profile.region, today),
        "latest_assessment": assessment_dict(profile.latest) if profile.latest else None,
        "history": [assessment_dict(v) for v in profile.history],
        "targets": [
            {
                "year": t.target.year,
                "wording": t.target.wording,
                "set_on": t.target.set_on,
                "set_by": t.target.set_by,
                "state": t.state,
                "standing_year": t.standing_year,
            }
            for t in profile.targets
        ],
        "live_record": {
            "year": record.year,
            "min_cases_for_rank": record.min_cases,
            "refreshed_at": _iso(record.refreshed_at),
            "total": record_dict(record.total),
            "units": [record_dict(r) for r in record.units],
        },
    }
