"""Accounts: citizens register themselves; staff accounts are made by an administrator (page or CLI)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from complaints.extensions import db
from complaints.models import Agreement, EndReason, Office, Region, Role, ServiceUnit, User
from complaints.models.types import utcnow
from complaints.services.accounts import sessions
from complaints.services.core.errors import RuleError
from complaints.services.core.links import external_url


class AccountError(RuleError):
    """A rule about accounts was broken; ``str(error)`` is a message fit for the user, ``field`` the form field."""


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _timing_decoy_hash(method: str) -> str:
    """Checked when the e-mail is unknown, so that the answer takes as long either way and the login form does not
    reveal which addresses have accounts."""
    return generate_password_hash("timing-decoy-password", method=method)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, or None (same answer for every kind of failure)."""
    user = find_user_by_email(email)
    if user is None:
        User(password_hash=_timing_decoy_hash(current_app.config["PASSWORD_HASH_METHOD"])).check_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def _ensure_email_free(email: str) -> None:
    if db.session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise AccountError(_l("An account with this e-mail address already exists."), "email")


def request_citizen_account(email: str, full_name: str, password: str) -> User | None:
    """Registration as the public sees it: the same answer whether or not the address already has an account, so
    that nobody can learn who has dealings with the Ombudsman. A new address gets an account and a confirmation
    link; a known one gets a notice to its owner instead. Returns the new account, or None."""
    email = email.strip().lower()
    existing = find_user_by_email(email)
    if existing is None:
        return register_citizen(email, full_name, password)
    generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])  # same work, same time
    from complaints.services.core.outbox import queue_email

    queue_email(
        to=existing.email,
        subject=_("Someone tried to create an account with your e-mail address"),
        body=_(
            "Hello %(name)s,\n\nSomeone tried to create a new account with this address, which already has one. "
            "If it was you, sign in at %(link)s (you can change your password there). If it was not you, you can "
            "ignore this message: nothing has changed.",
            name=existing.full_name,
            link=external_url("auth.login"),
        ),
        kind="registration_attempt",
    )
    return None


def register_citizen(email: str, full_name: str, password: str, *, verified: bool = False) -> User:
    """A citizen account. Unless ``verified`` (demo data), a confirmation link is e-mailed (through the outbox)."""
    email = email.strip().lower()
    _ensure_email_free(email)
    user = User(email=email, full_name=full_name.strip(), role=Role.CITIZEN)
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    if verified:
        user.email_verified_at = utcnow()
    else:
        send_email_verification(user)
    return user


def create_staff_user(
    *,
    email: str,
    full_name: str,
    password: str,
    role: Role | str,
    office: Office | None = None,
    region: Region | None = None,
    units: Iterable[ServiceUnit] = (),
) -> User:
    """Create an account for anyone but a citizen, with the reach its role needs."""
    role = Role(role)
    if role is Role.CITIZEN:
        raise AccountError(_l("Citizens register themselves; choose a staff role."), "role")
    email = email.strip().lower()
    _ensure_email_free(email)
    user = User(email=email, full_name=full_name.strip(), role=role)
    set_password(user, password)
    set_reach(user, office=office, region=region, units=units)
    db.session.add(user)
    db.session.flush()
    return user


def set_reach(user: User, *, office: Office | None, region: Region | None, units: Iterable[ServiceUnit] = ()) -> None:
    """Give the account exactly the reach its role calls for; reach that does not fit the role is refused, not
    dropped, so that an administrator is never surprised by what was saved."""
    units = list(units)
    role = user.role
    if role in {Role.OFFICER, Role.SUPERVISOR, Role.ADMIN}:
        _require(office is not None, _l("Ombudsman staff belong to an office."), "office_id")
        _require(
            region is None and not units,
            _l("Ombudsman staff have an office only: leave region and units empty."),
            "region_id",
        )
    elif role is Role.LIAISON:
        _require(region is not None, _l("A liaison belongs to a region."), "region_id")
        _require(
            office is None and not units, _l("A liaison has a region only: leave office and units empty."), "office_id"
        )
    elif role is Role.UNIT_HEAD:
        _require(bool(units), _l("A unit head heads at least one service unit."), "unit_ids")
        _require(
            office is None and region is None,
            _l("A unit head has service units only: leave office and region empty."),
            "office_id",
        )
    else:
        _require(
            office is None and region is None and not units,
            _l("A citizen account has no office, region or units."),
            "office_id",
        )
    user.office, user.region, user.units = office, region, units
    _leave_agreements_outside(user)


def _require(condition: bool, message, field: str) -> None:
    if not condition:
        raise AccountError(message, field)


def _leave_agreements_outside(user: User) -> None:
    """A liaison follows only their own region's agreements; anyone else follows none."""
    if user.id is None:
        return
    for agreement in db.session.scalars(select(Agreement).where(Agreement.liaisons.any(User.id == user.id))):
        if user.role is not Role.LIAISON or agreement.region_id != (user.region.id if user.region else None):
            agreement.liaisons.remove(user)


def set_active(user: User, active: bool, *, by: User) -> None:
    if user.id == by.id and not active:
        raise AccountError(_l("You cannot deactivate your own account."), "active")
    if user.active and not active:
        _sign_out_everywhere(user, EndReason.DEACTIVATED)
    user.active = active


def _sign_out_everywhere(user: User, reason: EndReason) -> None:
    """Every session ends and every API token is revoked: what a thief copied stops working."""
    from complaints.services.accounts.api_tokens import revoke_all_tokens

    sessions.end_all(user, reason)
    revoke_all_tokens(user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """A new password ends every session of the account (the caller starts a new one for the device it came from)
    and revokes its API tokens."""
    if not user.check_password(current_password):
        raise AccountError(_l("The current password is not correct."), "current_password")
    set_password(user, new_password)
    _sign_out_everywhere(user, EndReason.PASSWORD_CHANGED)


#: A confirmation link is valid this long (seconds).
EMAIL_VERIFICATION_MAX_AGE = 7 * 24 * 3600


def _verification_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="email-verification")


def send_email_verification(user: User) -> None:
    """Queue the confirmation link (sent after commit through the outbox)."""
    from complaints.services.core.outbox import SECRET_PLACEHOLDER, queue_email

    token = _verification_serializer().dumps({"id": user.id, "email": user.email})
    # The name is the registrant's own words: it is not repeated in a message sent on the service's behalf.
    # The link is a secret: kept apart from the stored body, and wiped once sent.
    queue_email(
        to=user.email,
        subject=_("Confirm your e-mail address"),
        body=_(
            "Hello,\n\nAn account of the Ombudsman's complaints service was created with this address. If it was "
            "you, open this link within 7 days and sign in with the account's password to confirm it:\n%(link)s\n\n"
            "Reports filed with this address will then appear in the account.\n\nIf it was not you, ignore this "
            "message: without the account's password nobody can confirm it, and your reports stay yours.",
            link=SECRET_PLACEHOLDER,
        ),
        kind="email_verification",
        secret=external_url("account.verify_email", token=token),
    )


def verify_email(token: str, signed_in: User) -> User:
    """Mark the address confirmed and link the reports filed with it. Needs both the link (the mailbox) and the
    account's own session (its password): whoever registered someone else's address cannot get its reports."""

    try:
        data = _verification_serializer().loads(token, max_age=EMAIL_VERIFICATION_MAX_AGE)
    except SignatureExpired as exc:
        raise AccountError(_l("This confirmation link has expired. Ask for a new one under My account.")) from exc
    except BadSignature as exc:
        raise AccountError(_l("This confirmation link is not valid.")) from exc
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("email"):
        raise AccountError(_l("This confirmation link is not valid."))
    if user.id != signed_in.id:
        raise AccountError(_l("This confirmation link belongs to another account."))
    _confirm_address(user)
    return user


def _confirm_address(user: User) -> None:
    from complaints.services.intake.tracking import link_complaints_to

    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    link_complaints_to(user)


#: A password-reset link is valid this long (seconds), and only until the password changes.
PASSWORD_RESET_MAX_AGE = 3600


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    # Part of the token: the link stops working once the password has changed (it is single-use).
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the address has an active account; the same silence either way."""
    from complaints.services.core.outbox import SECRET_PLACEHOLDER, queue_email

    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    token = _reset_serializer().dumps({"id": user.id, "fp": _password_fingerprint(user)})
    queue_email(
        to=user.email,
        subject=_("Choose a new password"),
        body=_(
            "Hello,\n\nSomeone asked to choose a new password for the account with this address. If it was you, "
            "open this link within one hour:\n%(link)s\n\nIf it was not you, ignore this message: your password "
            "stays as it is.",
            link=SECRET_PLACEHOLDER,
        ),
        kind="password_reset",
        secret=external_url("auth.reset_password", token=token),  # kept apart from the stored body, wiped once sent
    )


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from an e-mailed link. Holding the mailbox also confirms the address (and so links its
    reports), and every other session of the account ends."""
    try:
        data = _reset_serializer().loads(token, max_age=PASSWORD_RESET_MAX_AGE)
    except SignatureExpired as exc:
        raise AccountError(_l("This link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise AccountError(_l("This link is not valid.")) from exc
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) and isinstance(data.get("id"), int) else None
    if user is None or not user.active or data.get("fp") != _password_fingerprint(user):
        raise AccountError(_l("This link is not valid any more: it has been used, or the password has changed."))
    set_password(user, new_password)
    _sign_out_everywhere(user, EndReason.PASSWORD_CHANGED)
    _confirm_address(user)
    return user
