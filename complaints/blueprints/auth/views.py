from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from complaints.access import public, signed_in
from complaints.blueprints.auth import bp
from complaints.blueprints.auth.forms import ForgotPasswordForm, LoginForm, RegistrationForm, ResetPasswordForm
from complaints.extensions import db, limiter
from complaints.i18n import SESSION_KEY
from complaints.pages import committing, form_status
from complaints.security import safe_next_url
from complaints.services.accounts.users import (
    AccountError,
    authenticate,
    request_citizen_account,
    request_password_reset,
)
from complaints.services.accounts.users import reset_password as reset_account_password

REGISTERED_EMAIL = "registered_email"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def _submitted_email() -> str:
    # A second limit keyed on the account under attack, so that guessing from many addresses is bounded too.
    return "login-email:" + request.form.get("email", "")[:254].strip().lower()


def _landing_url() -> str:
    return safe_next_url(request.args.get("next")) or url_for("account.home")


@bp.route("/masuk", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
# Counts failures only, so that an attacker cannot lock a person out just by trying; the per-address limit above
# still bounds how fast anyone can try.
@limiter.limit("30 per hour", key_func=_submitted_email, methods=["POST"], deduct_when=lambda r: r.status_code != 302)
def login():
    if current_user.is_authenticated:
        return redirect(_landing_url())
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(_landing_url())
        form.password.errors.append(_("The e-mail address or password is not correct."))
    return render_template("auth/login.html", form=form), form_status()


@bp.route("/daftar", methods=["GET", "POST"])
@public
@limiter.limit(_register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("account.home"))
    form = RegistrationForm()
    if form.validate_on_submit():
        request_citizen_account(form.email.data, form.full_name.data, form.password.data)
        db.session.commit()
        session[REGISTERED_EMAIL] = form.email.data
        return redirect(url_for("auth.registered"))
    return render_template("auth/register.html", form=form), form_status()


@bp.get("/daftar/terkirim")
@public
def registered():
    email = session.pop(REGISTERED_EMAIL, None)
    if email is None:
        return redirect(url_for("auth.register"))
    return render_template("auth/registered.html", email=email)


@bp.post("/keluar")
@signed_in
def logout():
    logout_user()
    # Also forget the reports opened with an access key on this device; keep only the language.
    language = session.get(SESSION_KEY)
    session.clear()
    if language:
        session[SESSION_KEY] = language
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/lupa-kata-sandi", methods=["GET", "POST"])
@public
@limiter.limit(_register_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        db.session.commit()
        session[REGISTERED_EMAIL] = form.email.data
        return redirect(url_for("auth.reset_sent"))
    return render_template("auth/forgot.html", form=form), form_status()


@bp.get("/lupa-kata-sandi/terkirim")
@public
def reset_sent():
    email = session.pop(REGISTERED_EMAIL, None)
    if email is None:
        return redirect(url_for("auth.forgot_password"))
    return render_template("auth/reset_sent.html", email=email)


@bp.route("/atur-kata-sandi/<token>", methods=["GET", "POST"])
@public  # the signed, single-use token from the e-mail is the credential
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with committing(refusals=(AccountError,)) as change:
            user = reset_account_password(token[:500], form.password.data)
        if not change.committed:
            return redirect(url_for("auth.forgot_password"))
        login_user(user)
        flash(_("Your new password is set, and every other device has been signed out."), "success")
        return redirect(url_for("account.home"))
    return render_template("auth/reset.html", form=form), form_status()
