from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from complaints.access import require_role, signed_in
from complaints.blueprints.account import bp
from complaints.blueprints.account.forms import ChangePasswordForm, TokenForm
from complaints.blueprints.auth.forms import CodeForm
from complaints.blueprints.auth.views import start_session
from complaints.extensions import db, limiter
from complaints.models import EndReason, Role
from complaints.navigation import navigation_for
from complaints.pages import INVALID, committing, form_status
from complaints.services.accounts import api_tokens, sessions, two_factor
from complaints.services.accounts.users import AccountError, change_password, send_email_verification
from complaints.services.accounts.users import verify_email as confirm_email


def _home(form: ChangePasswordForm, status: int = 200):
    return render_template(
        "account/home.html",
        form=form,
        shortcuts=navigation_for(current_user.role),
        sessions=sessions.open_sessions(current_user),
        this_session=current_user.sign_in_session,
        codes_left=two_factor.recovery_codes_left(current_user) if current_user.two_factor_enabled else None,
    ), status


@bp.get("")
@signed_in
def home():
    return _home(ChangePasswordForm())


def _own_account_key() -> str:
    return f"password-change:{current_user.id}"


@bp.post("/kata-sandi")
@signed_in
@limiter.limit("10 per hour", key_func=_own_account_key)  # guessing the current password from a stolen session
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with committing(form, field="current_password", refusals=(AccountError,)) as change:
            change_password(current_user, form.current_password.data, form.new_password.data)
        if change.committed:
            start_session(current_user._get_current_object())  # every session ended; this device goes on anew
            flash(_("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("account.home"))
    return _home(form, form_status())


# --- sign-in sessions -----------------------------------------------------------------------------------------


@bp.post("/sesi/<int:session_id>/akhiri")
@signed_in
def end_session(session_id: int):
    if sessions.end_own(current_user, session_id) is None:
        abort(404)
    db.session.commit()
    flash(_("That session has ended: the device it was on is signed out."), "success")
    return redirect(url_for("account.home"), code=303)


@bp.post("/sesi/akhiri-lainnya")
@signed_in
def end_other_sessions():
    count = sessions.end_all(current_user, EndReason.ENDED_BY_USER, keep=current_user.sign_in_session)
    db.session.commit()
    flash(_("Signed out on %(n)d other devices.", n=count), "success")
    return redirect(url_for("account.home"), code=303)


# --- two-step sign-in -----------------------------------------------------------------------------------------


def _two_factor_page(form: CodeForm, status: int = 200):
    with committing() as change:  # a first visit stores the new secret (encrypted) until it is confirmed
        secret = two_factor.begin_enrolment(current_user)
    if not change.committed:
        return redirect(url_for("account.home"))
    uri = two_factor.provisioning_uri(current_user, secret)
    page = render_template(
        "account/two_factor.html",
        form=form,
        secret=secret,
        qr=two_factor.qr_svg(uri),
        required=two_factor.must_enrol(current_user),
    )
    return page, status, {"Cache-Control": "no-store"}


@bp.get("/dua-langkah")
@signed_in
def two_factor_setup():
    if current_user.two_factor_enabled:
        return redirect(url_for("account.home"))
    return _two_factor_page(CodeForm())


@bp.post("/dua-langkah")
@signed_in
@limiter.limit("20 per hour", key_func=lambda: f"two-factor:{current_user.id}")
def confirm_two_factor():
    form = CodeForm()
    if current_user.two_factor_enabled:
        return redirect(url_for("account.home"))
    if form.validate_on_submit():
        with committing(form, field="code", refusals=(two_factor.TwoFactorError,)) as change:
            codes = two_factor.confirm_enrolment(current_user, form.code.data)
        if change.committed:
            return _recovery_codes_page(codes)
    return _two_factor_page(form, INVALID)


def _recovery_codes_page(codes: list[str]):
    # Shown on this response only: they are stored as hashes.
    return render_template("account/recovery_codes.html", codes=codes), 200, {"Cache-Control": "no-store"}


@bp.post("/dua-langkah/kode-pemulihan")
@signed_in
@limiter.limit("20 per hour", key_func=lambda: f"two-factor:{current_user.id}")
def renew_recovery_codes():
    form = CodeForm()
    if form.validate_on_submit() and current_user.two_factor_enabled:
        if two_factor.accept_code(current_user, form.code.data):
            codes = two_factor.new_recovery_codes(current_user)
            db.session.commit()
            return _recovery_codes_page(codes)
        db.session.rollback()
    flash(_("That code is not correct, or it has already been used."), "danger")
    return redirect(url_for("account.home"), code=303)


@bp.post("/dua-langkah/matikan")
@signed_in
@limiter.limit("20 per hour", key_func=lambda: f"two-factor:{current_user.id}")
def turn_off_two_factor():
    form = CodeForm()
    if form.validate_on_submit():
        with committing(refusals=(two_factor.TwoFactorError,)) as change:
            two_factor.turn_off(current_user, form.code.data)
        if change.committed:
            flash(_("Two-step sign-in is off."), "success")
    return redirect(url_for("account.home"), code=303)


@bp.get("/verifikasi/<token>")
@signed_in  # the link proves the mailbox, the session proves the password: both are needed
def verify_email(token: str):
    with committing(refusals=(AccountError,)) as change:
        user = confirm_email(token[:500], current_user)
    if not change.committed:
        return redirect(url_for("account.home"))
    flash(_("Thank you: %(email)s is confirmed.", email=user.email), "success")
    return redirect(url_for("reports.mine" if user.role is Role.CITIZEN else "account.home"))


@bp.post("/verifikasi")
@require_role("citizen")
@limiter.limit("3 per hour")
def resend_verification():
    if current_user.email_verified_at is None:
        send_email_verification(current_user)
        db.session.commit()
    flash(_("We have sent the confirmation link to %(email)s.", email=current_user.email), "info")
    return redirect(url_for("account.home"))


# --- personal API tokens ------------------------------------------------------------------------------------------

TOKEN_HOLDERS = tuple(role.value for role in api_tokens.TOKEN_ROLES)


def _tokens_page(form: TokenForm, *, secret: str | None = None, status: int = 200):
    return render_template(
        "account/tokens.html", form=form, tokens=api_tokens.tokens_of(current_user), secret=secret
    ), status


@bp.get("/token")
@require_role(*TOKEN_HOLDERS)
def tokens():
    return _tokens_page(TokenForm())


@bp.post("/token")
@require_role(*TOKEN_HOLDERS)
@limiter.limit("20 per hour")
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _tokens_page(form, status=INVALID)
    with committing(form, field="name") as change:
        _token, secret = api_tokens.create_token(current_user, form.name.data)
    if not change.committed:
        return _tokens_page(form, status=INVALID)
    # The secret is shown on this response only; it is stored as a hash and cannot be shown again.
    response, status = _tokens_page(TokenForm(formdata=None), secret=secret)
    return response, status, {"Cache-Control": "no-store"}


@bp.post("/token/<int:token_id>/cabut")
@require_role(*TOKEN_HOLDERS)
def revoke_token(token_id: int):
    if api_tokens.revoke_token(current_user, token_id) is None:
        abort(404)
    db.session.commit()
    flash(_("The token has been revoked: it no longer opens the API."), "success")
    return redirect(url_for("account.tokens"), code=303)
