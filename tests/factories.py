"""Plain factory functions: each makes one committed row with sensible defaults that a test can override."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Office, Region, Role, ServiceUnit, UnitKind, User
from complaints.services.accounts.users import create_staff_user, register_citizen

PASSWORD = "a-long-test-password"
_sequence = itertools.count(1)


def region(code: str = "74.71") -> Region:
    return db.session.scalar(select(Region).where(Region.code == code))


def office(code: str = "KDI") -> Office:
    return db.session.scalar(select(Office).where(Office.code == code))


def unit(region_code: str = "74.71", kind: UnitKind = UnitKind.DISDUKCAPIL) -> ServiceUnit:
    return db.session.scalar(
        select(ServiceUnit).join(ServiceUnit.region).where(Region.code == region_code, ServiceUnit.kind == kind)
    )


def user(role: Role | str = Role.CITIZEN, *, email: str | None = None, password: str = PASSWORD, **reach) -> User:
    """A committed account of ``role``; staff get Sulawesi Tenggara's office, Kota Kendari or its Disdukcapil."""
    role = Role(role)
    email = email or f"{role.value}{next(_sequence)}@example.org"
    if role is Role.CITIZEN:
        account = register_citizen(email, f"Warga {email}", password)
    else:
        if role is Role.UNIT_HEAD:
            reach = {"units": reach.get("units") or [unit()]}
        elif role is Role.LIAISON:
            reach = {"region": reach.get("region") or region()}
        else:
            reach = {"office": reach.get("office") or office()}
        account = create_staff_user(
            email=email, full_name=f"{role.value.title()} {email}", password=password, role=role, **reach
        )
    db.session.commit()
    return account


def login(client, account: User, password: str = PASSWORD):
    response = client.post("/masuk", data={"email": account.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response
