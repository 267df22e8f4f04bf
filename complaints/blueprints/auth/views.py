from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from complaints.access import access_rule_of, public, signed_in
from complaints.blueprints.auth import bp
from complaints.blueprints.auth.forms import (
    CodeForm,
    ForgotPasswordForm,
    LoginForm,
    RegistrationForm,
    ResetPasswordForm,
)
from complaints.blueprints.reports.views import close_opened_reports
from complaints.extensions import db, limiter
from complaints.i18n import SESSION_KEY
from complaints.models import EndReason, User
from complaints.pages import committing, form_status
from complaints.security import safe_next_url
from complaints.services.accounts import sessions, two_factor
from complaints.services.accounts.users import (
    AccountError,
    authenticate,
    request_citizen_account,
    request_password_reset,
)
from complaints.services.accounts.users import reset_password as reset_account_password

REGISTERED_EMAIL = "registered_email"
#: The half-done sign-in between the password and the code: its session's secret, the account, "remember me"
#: and where to go next. The server's row says whether it is still open.
PENDING = "pending_sign_in"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def _submitted_email() -> str:
    # A second limit keyed on the account under attack, so that guessing from many addresses is bounded too.
    return "login-email:" + request.form.get("email", "")[:254].strip().lower()


def _landing_url(next_url: str | None = None) -> str:
    return safe_next_url(next_url or request.args.get("next")) or url_for("account.home")


def _pending_account() -> str:
    # The per-account failure limit of the code step, like the password's.
    return f"code-user:{(session.get(PENDING) or {}).get('user_id', '')}"


def start_session(user: User, *, remember: bool = False) -> None:
    """Sign ``user`` in on this device: a new server-side session whose secret the cookies carry. Commits."""
    sessions.start(user, user_agent=request.user_agent.string, ip_address=request.remote_addr)
    db.session.commit()
    _sign_in_cookie(user, remember)


def _sign_in_cookie(user: User, remember: bool) -> None:
    # "Remember me" keeps the cookie across browser restarts, never past the session's own end.
    login_user(user, remember=remember, duration=sessions.lifetime(user) if remember else None)


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
        if user is not None and user.two_factor_enabled:
            secret = sessions.start(
                user, user_agent=request.user_agent.string, ip_address=request.remote_addr, awaiting_code=True
            )
            db.session.commit()
            session[PENDING] = {
                "secret": secret,
                "user_id": user.id,
                "remember": bool(form.remember.data),
                "next": safe_next_url(request.args.get("next")),
            }
            return redirect(url_for("auth.second_step"))
        if user is not None:
            start_session(user, remember=form.remember.data)
            return redirect(_landing_url())
        form.password.errors.append(_("The e-mail address or password is not correct."))
    return render_template("auth/login.html", form=form), form_status()


@bp.route("/masuk/kode", methods=["GET", "POST"])
@public  # the half-done sign-in in this browser's session is what it needs; without one, back to the password
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit("30 per hour", key_func=_pending_account, methods=["POST"], deduct_when=lambda r: r.status_code != 302)
def second_step():
    pending = session.get(PENDING) or {}
    row = sessions.find(str(pending.get("secret", "")), awaiting_code=True)
    if row is None:
        session.pop(PENDING, None)
        flash(_("Sign in again: the sign-in was not finished in time."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        user = row.user  # held here: it carries the new session's secret across the commit
        secret = two_factor.second_step(row, form.code.data)
        db.session.commit()
        if secret is not None:
            session.pop(PENDING, None)
            _sign_in_cookie(user, bool(pending.get("remember")))
            return redirect(_landing_url(pending.get("next")))
        form.code.errors.append(_("That code is not correct, or it has already been used."))
    return render_template("auth/second_step.html", form=form), form_status()


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
    # The session ends on the server: a copy of this browser's cookies opens nothing any more.
    if current_user.sign_in_session is not None:
        sessions.end(current_user.sign_in_session, EndReason.SIGNED_OUT)
    close_opened_reports()
    db.session.commit()
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
        if user.two_factor_enabled:  # the mailbox stands in for the password, never for the second factor
            flash(_("Your new password is set, and every device has been signed out. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
        start_session(user)
        flash(_("Your new password is set, and every other device has been signed out."), "success")
        return redirect(url_for("account.home"))
    return render_template("auth/reset.html", form=form), form_status()


#: What an account that must set up its second factor may still use: the set-up itself and signing out.
SET_UP_ENDPOINTS = frozenset({"account.two_factor_setup", "account.confirm_two_factor", "auth.logout"})


@bp.before_app_request
def require_two_factor_set_up():
    """Ombudsman staff set up their authenticator app before anything else that needs an account."""
    if request.endpoint in SET_UP_ENDPOINTS:
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    if access_rule_of(view) not in {"signed_in", "roles"}:  # public pages and the token API: nothing to guard
        return None
    if not current_user.is_authenticated or not two_factor.must_enrol(current_user):
        return None
    flash(_("Set up two-step sign-in first: your role needs it."), "warning")
    return redirect(url_for("account.two_factor_setup"))
