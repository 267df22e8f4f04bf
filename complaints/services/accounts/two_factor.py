"""Two-factor sign-in: a TOTP authenticator app (RFC 6238: 6 digits, 30 seconds) and ten one-time recovery codes.

Enforced for the roles in ``TWO_FACTOR_ROLES`` (Ombudsman staff and administrators) while ``TWO_FACTOR_REQUIRED``
is on, optional for unit heads and liaisons. The TOTP secret is stored encrypted (Fernet, with a key derived from
SECRET_KEY, which the database does not hold) and shown only while it is being set up; recovery codes are stored
as SHA-256 hashes (80 random bits each) and each opens one sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from complaints.extensions import db
from complaints.models import EndReason, RecoveryCode, SignInSession, User
from complaints.models.types import utcnow
from complaints.services.accounts import sessions
from complaints.services.core.errors import RuleError
from complaints.services.core.sealing import SealBroken, seal, unseal

ISSUER = "Ombudsman RI Pengaduan"
RECOVERY_CODES = 10
#: Codes of the step before and after the current one are accepted too: a phone's clock may be 30 s off.
CLOCK_DRIFT_STEPS = 1
#: Wrong codes at one half-done sign-in before the password must be given again.
MAX_WRONG_CODES = 5


#: The TOTP secrets' own sealing key (see core/sealing.py).
_PURPOSE = b"totp-secret"


class TwoFactorError(RuleError):
    """A second-factor rule was broken; the message is fit for the user."""


def _seal(secret: str) -> str:
    return seal(secret, purpose=_PURPOSE)


def _open(sealed: str) -> str:
    try:
        return unseal(sealed, purpose=_PURPOSE)
    except SealBroken as exc:  # SECRET_KEY changed since enrolment: an administrator resets the second factor
        raise TwoFactorError(_l("Your second factor cannot be read; ask an administrator to reset it.")) from exc


def must_enrol(user: User) -> bool:
    """The account may not work until it has set up its authenticator app."""
    return current_app.config["TWO_FACTOR_REQUIRED"] and user.two_factor_required and not user.two_factor_enabled


def begin_enrolment(user: User) -> str:
    """The secret to put in the authenticator app: a new one, or the one shown before if it was never confirmed.
    Flushes; in force only once ``confirm_enrolment`` accepts a code made from it."""
    if user.two_factor_enabled:
        raise TwoFactorError(_l("Two-step sign-in is already on for this account."))
    if user.totp_secret is not None:
        return _open(user.totp_secret)
    secret = pyotp.random_base32()
    user.totp_secret = _seal(secret)
    db.session.flush()
    return secret


def enable_known_secret(user: User, secret: str) -> None:
    """Demo data only (refused in production by ``flask seed``): two-step sign-in on with a published key."""
    user.totp_secret = _seal(secret)
    user.totp_enabled_at = utcnow()
    db.session.flush()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The setup QR code as inline SVG (drawn in Python; nothing is fetched)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def _matching_step(secret: str, code: str) -> int | None:
    totp = pyotp.TOTP(secret)
    now = totp.timecode(utcnow())
    for step in range(now - CLOCK_DRIFT_STEPS, now + CLOCK_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_totp(user: User, code: str) -> bool:
    """A code of the app, never one whose step was already used (a code seen over a shoulder is spent)."""
    if user.totp_secret is None or not (len(code) == 6 and code.isdigit() and code.isascii()):
        return False
    step = _matching_step(_open(user.totp_secret), code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    # Conditional, so that two requests with the same code at once accept it once.
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id, (User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        user.totp_last_step = step
    return bool(claimed)


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Turn two-step sign-in on once the app's first code matches; returns the recovery codes (shown once)."""
    if user.two_factor_enabled or user.totp_secret is None:
        raise TwoFactorError(_l("Start the set-up again."))
    if not _accept_totp(user, _normalise(code)):
        raise TwoFactorError(
            _l("That code does not match. Check the time on your phone and try the next code."), "code"
        )
    user.totp_enabled_at = utcnow()
    current_app.logger.info("two-step sign-in turned on for user %s", user.id)
    return new_recovery_codes(user)


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "")[:40] if ch not in " -").upper()


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Ten new codes (the old ones stop working); shown once as XXXX-XXXX-XXXX-XXXX. Flushes."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [base64.b32encode(secrets.token_bytes(10)).decode() for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(code)) for code in codes)
    db.session.flush()
    return ["-".join(code[i : i + 4] for i in range(0, 16, 4)) for code in codes]


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _accept_recovery_code(user: User, code: str) -> bool:
    if len(code) != 16:
        return False
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    ).rowcount
    if spent:
        current_app.logger.info("recovery code used by user %s", user.id)
    return bool(spent)


def accept_code(user: User, code: str) -> bool:
    """A code from the app or an unused recovery code; either is spent by being accepted. Flushes."""
    code = _normalise(code)
    if not user.two_factor_enabled:
        return False
    return _accept_totp(user, code) or _accept_recovery_code(user, code)


def turn_off(user: User, code: str) -> None:
    """Only where it is optional, and only with a code: a stolen session alone cannot remove the second factor."""
    if user.two_factor_required:
        raise TwoFactorError(_l("Your role signs in with two steps; it cannot be turned off."))
    if not accept_code(user, code):
        raise TwoFactorError(_l("That code is not correct."), "code")
    _clear(user)


def _clear(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()


def reset(user: User, *, by: User) -> None:
    """An administrator's reset (a lost phone, no recovery code left): the second factor is removed and every
    session of the account ends; the owner sets it up again at the next sign-in. Logged."""
    if user.id == by.id:
        raise TwoFactorError(_l("Another administrator must reset your own second factor."))
    _clear(user)
    sessions.end_all(user, EndReason.TWO_FACTOR_RESET)
    current_app.logger.warning("two-step sign-in of user %s reset by administrator %s", user.id, by.id)


def second_step(pending: SignInSession, code: str) -> str | None:
    """The code that completes a half-done sign-in: the new session's secret, or None. After ``MAX_WRONG_CODES``
    wrong codes the half-done sign-in ends and the password must be given again. Flushes; the caller commits
    either way (a wrong code counts)."""
    if accept_code(pending.user, code):
        return sessions.complete(pending)
    pending.failed_codes += 1
    if pending.failed_codes >= MAX_WRONG_CODES:
        sessions.end(pending, EndReason.TOO_MANY_CODES)
    db.session.flush()
    return None
