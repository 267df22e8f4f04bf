"""Two-step sign-in (issue 12): TOTP from an authenticator app and one-time recovery codes; enforced for Ombudsman
staff and administrators (they set it up before anything else), optional for unit heads and liaisons."""

import logging
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from complaints.config import ProductionConfig
from complaints.extensions import db
from complaints.models import EndReason, RecoveryCode, Role, SignInSession, User
from complaints.services.accounts import api_tokens, two_factor
from tests import factories
from tests.mail import delivered_text


@pytest.fixture
def enforced(app):
    app.config["TWO_FACTOR_REQUIRED"] = True
    yield
    app.config["TWO_FACTOR_REQUIRED"] = False


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """The app's code for now (or for a later step: a second sign-in within 30 s may not reuse the first)."""
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30 * steps_ahead))


def enrol(client) -> tuple[str, list[str]]:
    """Set up the app from the account page as a person would; returns the key and the recovery codes."""
    page = client.get("/akun/dua-langkah").get_data(as_text=True)
    secret = re.search(r'<code class="user-select-all fs-5">([A-Z2-7]+)</code>', page).group(1)
    shown = client.post("/akun/dua-langkah", data={"code": app_code(secret)})
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<li>([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})</li>", shown.get_data(as_text=True))
    return secret, codes


def enrolled_officer(client):
    """An officer who has set up the app, signed out again; with the key and the recovery codes."""
    officer = factories.user(Role.OFFICER)
    factories.login(client, officer)
    secret, codes = enrol(client)
    client.post("/keluar")
    return officer, secret, codes


def password_step(client, user):
    response = client.post("/masuk", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/masuk/kode"
    return response


def signs_in_again(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/masuk")


def test_staff_without_two_factor_cannot_reach_cases_until_they_set_it_up(client, seeded, enforced):
    officer = factories.user(Role.OFFICER)
    factories.login(client, officer)
    for path in ("/kasus", "/akun", "/akun/token", "/kantor"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/akun/dua-langkah", path
    assert client.post("/akun/token", data={"name": "x"}).headers["Location"] == "/akun/dua-langkah"
    secret, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/kasus").status_code == 200
    stored = db.session.get(User, officer.id)
    assert stored.totp_enabled_at is not None and secret not in stored.totp_secret  # encrypted at rest
    hashes = {row.code_hash for row in db.session.scalars(select(RecoveryCode))}
    assert len(hashes) == 10 and not {c.replace("-", "") for c in codes} & hashes


def test_unit_heads_and_liaisons_may_go_without(client, seeded, enforced):
    head = factories.user(Role.UNIT_HEAD)
    factories.login(client, head)
    assert client.get("/unit-saya").status_code == 200
    assert "/akun/dua-langkah" in client.get("/akun").get_data(as_text=True)  # offered, not imposed


def test_the_key_is_shown_only_while_being_set_up(client, seeded, enforced):
    factories.login(client, factories.user(Role.SUPERVISOR))
    secret, _codes = enrol(client)
    assert client.get("/akun/dua-langkah").headers["Location"] == "/akun"
    assert secret not in client.get("/akun").get_data(as_text=True)


def test_a_wrong_code_does_not_turn_it_on(client, seeded, enforced):
    officer = factories.user(Role.OFFICER)
    factories.login(client, officer)
    client.get("/akun/dua-langkah")
    for wrong in ("000000", "12345", "abcdef", "1" * 41, "١٢٣٤٥٦"):
        assert client.post("/akun/dua-langkah", data={"code": wrong}).status_code == 422, wrong
    assert db.session.get(User, officer.id).totp_enabled_at is None
    assert client.get("/kasus").headers["Location"] == "/akun/dua-langkah"


def test_sign_in_asks_for_the_code_after_the_password(app, client, seeded, enforced):
    officer, secret, _codes = enrolled_officer(client)
    password_step(client, officer)
    assert signs_in_again(client.get("/kasus"))  # the password alone opens nothing
    assert client.post("/masuk/kode", data={"code": "000000"}).status_code == 422
    done = client.post("/masuk/kode", data={"code": app_code(secret, 1)})
    assert done.status_code == 302 and done.headers["Location"] == "/akun"
    assert client.get("/kasus").status_code == 200


def test_a_code_is_accepted_once(app, client, seeded, enforced):
    officer, secret, _codes = enrolled_officer(client)
    used = app_code(secret, 1)
    password_step(client, officer)
    assert client.post("/masuk/kode", data={"code": used}).status_code == 302
    onlooker = app.test_client()  # saw the code over the shoulder, and knows the password
    password_step(onlooker, officer)
    assert onlooker.post("/masuk/kode", data={"code": used}).status_code == 422
    assert signs_in_again(onlooker.get("/kasus"))
    # An older code than the last one accepted is refused too, even within the clock drift allowed.
    assert onlooker.post("/masuk/kode", data={"code": app_code(secret)}).status_code == 422


def test_a_recovery_code_works_once(app, client, seeded, enforced):
    officer, _secret, codes = enrolled_officer(client)
    password_step(client, officer)
    assert client.post("/masuk/kode", data={"code": codes[3].lower().replace("-", " ")}).status_code == 302
    assert client.get("/kasus").status_code == 200
    other = app.test_client()
    password_step(other, officer)
    assert other.post("/masuk/kode", data={"code": codes[3]}).status_code == 422
    client.get("/bahasa/en")
    assert "9 recovery codes left" in client.get("/akun").get_data(as_text=True)
    assert db.session.scalar(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None))) is not None


def test_the_half_done_sign_in_expires_and_ends_after_five_wrong_codes(app, client, seeded, enforced):
    officer, secret, _codes = enrolled_officer(client)
    password_step(client, officer)
    pending = db.session.scalar(select(SignInSession).where(SignInSession.awaiting_code.is_(True)))
    pending.expires_at = pending.created_at
    db.session.commit()
    assert signs_in_again(client.post("/masuk/kode", data={"code": app_code(secret, 1)}))
    password_step(client, officer)
    for _ in range(5):
        client.post("/masuk/kode", data={"code": "000000"})
    assert signs_in_again(client.post("/masuk/kode", data={"code": app_code(secret, 1)}))
    ended = db.session.scalars(select(SignInSession).where(SignInSession.awaiting_code.is_(True))).all()
    assert [row.ended_reason for row in ended][-1] is EndReason.TOO_MANY_CODES


def test_the_code_step_is_rate_limited(app, client, seeded, enforced):
    officer, _secret, _codes = enrolled_officer(client)
    answers = []
    for _ in range(3):
        password_step(client, officer)
        answers += [client.post("/masuk/kode", data={"code": "000000"}).status_code for _ in range(4)]
    assert 429 in answers


def test_the_code_step_without_a_password_step_goes_back_to_sign_in(client, seeded):
    assert signs_in_again(client.get("/masuk/kode"))
    assert signs_in_again(client.post("/masuk/kode", data={"code": "123456"}))


def test_an_administrator_resets_a_lost_phone(app, client, seeded, enforced, caplog, monkeypatch):
    # The migrations' logging set-up disables the app's logger in this process; the reset must be logged.
    monkeypatch.setattr(logging.getLogger("complaints"), "disabled", False)
    officer = factories.user(Role.OFFICER)
    officers_browser = app.test_client()
    factories.login(officers_browser, officer)
    enrol(officers_browser)
    admin = factories.user(Role.ADMIN)
    factories.login(client, admin)
    enrol(client)
    assert client.post(f"/admin/pengguna/{admin.id}/dua-langkah/reset").status_code == 303  # not one's own
    assert db.session.get(User, admin.id).two_factor_enabled
    with caplog.at_level("WARNING", logger="complaints"):
        assert client.post(f"/admin/pengguna/{officer.id}/dua-langkah/reset").status_code == 303
    assert f"user {officer.id} reset by administrator {admin.id}" in caplog.text
    stored = db.session.get(User, officer.id)
    assert (stored.totp_secret, stored.totp_enabled_at) == (None, None)
    assert signs_in_again(officers_browser.get("/kasus"))  # signed out everywhere
    factories.login(officers_browser, officer)  # the password alone, then straight to the set-up
    assert officers_browser.get("/kasus").headers["Location"] == "/akun/dua-langkah"


def test_only_administrators_reset(client, seeded):
    officer = factories.user(Role.OFFICER)
    factories.login(client, factories.user(Role.SUPERVISOR))
    assert client.post(f"/admin/pengguna/{officer.id}/dua-langkah/reset").status_code == 403


def test_a_unit_head_turns_it_on_and_off_but_staff_cannot_turn_it_off(app, client, seeded, enforced):
    head = factories.user(Role.UNIT_HEAD)
    factories.login(client, head)
    secret, _codes = enrol(client)
    client.post("/akun/dua-langkah/matikan", data={"code": app_code(secret, 1)})
    assert not db.session.get(User, head.id).two_factor_enabled
    officer = factories.user(Role.OFFICER)
    staff = app.test_client()
    factories.login(staff, officer)
    staff_secret, _codes = enrol(staff)
    staff.post("/akun/dua-langkah/matikan", data={"code": app_code(staff_secret, 1)})
    assert db.session.get(User, officer.id).two_factor_enabled


def test_api_tokens_keep_working_with_two_factor(app, client, seeded, enforced):
    officer = factories.user(Role.OFFICER)
    _token, secret = api_tokens.create_token(officer, "uji")
    db.session.commit()
    factories.login(client, officer)
    enrol(client)
    answer = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200


def test_production_refuses_to_turn_enforcement_off(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/complaints")
    monkeypatch.setenv("REDIS_URL", "redis://redis:6379/0")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://pengaduan.example.go.id")
    monkeypatch.setenv("AUDIT_KEY", "a" * 40)
    ProductionConfig().validate()
    monkeypatch.setenv("TWO_FACTOR_REQUIRED", "0")
    with pytest.raises(RuntimeError, match="TWO_FACTOR_REQUIRED"):
        ProductionConfig().validate()


def test_a_secret_unreadable_after_a_key_change_is_refused_not_a_500(app_ctx, seeded):
    officer = factories.user(Role.OFFICER)
    officer.totp_secret, officer.totp_enabled_at = "not-a-fernet-token", datetime.now(UTC)
    with pytest.raises(two_factor.TwoFactorError):
        two_factor.accept_code(officer, "123456")


def test_a_password_reset_by_e_mail_does_not_skip_the_code(app, client, seeded, enforced):
    from complaints.models import OutboxMessage

    officer, secret, _codes = enrolled_officer(client)
    client.post("/lupa-kata-sandi", data={"email": officer.email})
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "password_reset"))
    reset = re.search(r"/atur-kata-sandi/\S+", delivered_text(message)).group(0)
    done = client.post(reset, data={"password": "owners-new-pass", "confirm": "owners-new-pass"})
    assert signs_in_again(done) and signs_in_again(client.get("/kasus"))
    response = client.post("/masuk", data={"email": officer.email, "password": "owners-new-pass"})
    assert response.headers["Location"] == "/masuk/kode"
    assert client.post("/masuk/kode", data={"code": app_code(secret, 1)}).status_code == 302
    assert client.get("/kasus").status_code == 200
