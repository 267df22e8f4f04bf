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
    NavItem("office.overview", _l("Office and regions")),
    NavItem("office.calendar_view", _l("Working-day calendar")),
]

NAVIGATION: dict[Role, list[NavItem]] = {
    Role.CITIZEN: [NavItem("reports.mine", _l("My reports")), NavItem("account.home", _l("My account"))],
    Role.OFFICER: _OFFICE,
    Role.SUPERVISOR: _OFFICE,
    Role.UNIT_HEAD: [NavItem("units.mine", _l("My units"))],
    Role.LIAISON: [NavItem("units.region", _l("My region"))],
    Role.ADMIN: [
        NavItem("admin.users", _l("Users")),
        NavItem("admin.units", _l("Service units")),
        NavItem("admin.agreements", _l("Agreements")),
        NavItem("admin.holidays", _l("Holidays")),
        *_OFFICE,
    ],
}


def navigation_for(role: Role | None) -> list[NavItem]:
    return NAVIGATION.get(role, []) if role else []
