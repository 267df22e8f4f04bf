from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from complaints.access import require_role, signed_in
from complaints.blueprints.account import bp
from complaints.blueprints.account.forms import ChangePasswordForm, TokenForm
from complaints.extensions import db, limiter
from complaints.models import Role
from complaints.navigation import navigation_for
from complaints.pages import INVALID, committing, form_status
from complaints.services.accounts import api_tokens
from complaints.services.accounts.users import AccountError, change_password, send_email_verification
from complaints.services.accounts.users import verify_email as confirm_email


@bp.get("")
@signed_in
def home():
    return render_template("account/home.html", form=ChangePasswordForm(), shortcuts=navigation_for(current_user.role))


def _own_account_key() -> str:
    return f"password-change:{current_user.get_id().partition(':')[0]}"


@bp.post("/kata-sandi")
@signed_in
@limiter.limit("10 per hour", key_func=_own_account_key)  # guessing the current password from a stolen session
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with committing(form, field="current_password", refusals=(AccountError,)) as change:
            change_password(current_user, form.current_password.data, form.new_password.data)
        if change.committed:
            login_user(current_user._get_current_object())  # this session goes on with the account's new token
            flash(_("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("account.home"))
    return render_template("account/home.html", form=form, shortcuts=navigation_for(current_user.role)), form_status()


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
