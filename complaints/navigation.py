"""Navigation per role: what each kind of user finds in the header once signed in."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from complaints.models.people import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str


_OFFICE = [
    NavItem("cases.index", _l("Cases")),
    NavItem("office.overview", _l("Office and regions")),
    NavItem("office.calendar_view", _l("Working-day calendar")),
]

NAVIGATION: dict[Role, list[NavItem]] = {
    Role.CITIZEN: [NavItem("reports.mine", _l("My reports"))],
    Role.OFFICER: _OFFICE,
    Role.SUPERVISOR: [
        *_OFFICE,
        NavItem("units.reviews_index", _l("Joint reviews")),
        NavItem("cases.identity_views_index", _l("Identity access")),
    ],
    Role.UNIT_HEAD: [NavItem("units.mine", _l("My units")), NavItem("units.record", _l("Record"))],
    Role.LIAISON: [
        NavItem("units.region", _l("My region")),
        NavItem("units.record", _l("Record")),
        NavItem("units.reviews_index", _l("Joint reviews")),
    ],
    Role.ADMIN: [
        NavItem("admin.users", _l("Users")),
        NavItem("admin.units", _l("Service units")),
        NavItem("admin.agreements", _l("Agreements")),
        NavItem("admin.holidays", _l("Holidays")),
        NavItem("admin.assessments", _l("Assessments")),
        NavItem("admin.clients", _l("Integrations")),
    ],
}


#: What the public comes for; staff, who have their own work, do not need it in their header.
PUBLIC_NAVIGATION = [
    NavItem("reports.file", _l("File a report")),
    NavItem("reports.track", _l("Follow a report")),
    NavItem("public.regions", _l("Regions and service units")),
    NavItem("compliance.provinces", _l("Compliance")),
]


def navigation_for(role: Role | None) -> list[NavItem]:
    if role is None:
        return PUBLIC_NAVIGATION
    if role is Role.CITIZEN:
        return PUBLIC_NAVIGATION + NAVIGATION[role]
    return NAVIGATION[role]
