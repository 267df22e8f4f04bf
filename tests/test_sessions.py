"""Sign-in sessions live on the server: signing out, "close on this device", a password change or the account
page end them, and every copy of the cookies that carried them stops working at once (issue 12, finding 2)."""

from datetime import timedelta

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Complaint, EndReason, Role, SignInSession
from tests import factories
from tests.filing import file_complaint


def copy_cookies(source, target, *names):
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, name
        target.set_cookie(name, cookie.value)


def signs_in_again(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/masuk")


def test_a_copied_session_cookie_stops_working_after_sign_out(app, client, seeded):
    officer = factories.user(Role.OFFICER)
    factories.login(client, officer)
    thief = app.test_client()
    copy_cookies(client, thief, "session")
    assert thief.get("/kasus").status_code == 200  # the copy works while the session is open
    assert client.post("/keluar").status_code == 302
    assert signs_in_again(thief.get("/kasus"))
    row = db.session.scalar(select(SignInSession))
    assert row.ended_reason is EndReason.SIGNED_OUT and row.ended_at is not None


def test_the_remember_me_cookie_stops_working_after_sign_out(app, client, seeded):
    officer = factories.user(Role.OFFICER)
    client.post("/masuk", data={"email": officer.email, "password": factories.PASSWORD, "remember": "y"})
    remembered = app.test_client()
    copy_cookies(client, remembered, "remember_token")
    assert remembered.get("/kasus").status_code == 200  # a browser restarted with only that cookie is let in
    client.post("/keluar")
    later = app.test_client()
    copy_cookies(remembered, later, "remember_token")
    assert signs_in_again(later.get("/kasus"))


def test_staff_remember_me_lasts_no_longer_than_their_session(client, seeded):
    officer = factories.user(Role.OFFICER)
    client.post("/masuk", data={"email": officer.email, "password": factories.PASSWORD, "remember": "y"})
    row = db.session.scalar(select(SignInSession))
    assert row.expires_at - row.created_at == timedelta(hours=12)
    assert client.get_cookie("remember_token").expires is not None


def test_a_copied_cookie_no_longer_opens_a_report_closed_on_this_device(app, client, seeded):
    file_complaint(client)
    complaint = db.session.scalar(select(Complaint))
    thief = app.test_client()
    copy_cookies(client, thief, "session")
    assert thief.get(f"/lacak/{complaint.tracking_number}").status_code == 200
    assert client.post(f"/lacak/{complaint.tracking_number}/kunci").status_code == 302
    assert thief.get(f"/lacak/{complaint.tracking_number}").status_code == 404
    assert thief.get(f"/lacak/{complaint.tracking_number}/tanda-terima.pdf").status_code == 404


def test_a_copied_cookie_no_longer_opens_a_report_after_sign_out(app, client, seeded):
    citizen = factories.user(Role.CITIZEN)
    factories.login(client, citizen)
    file_complaint(client, email="someone.else@example.org")
    complaint = db.session.scalar(select(Complaint))
    complaint.reporter_user_id = None  # filed for someone else: only the key opens it
    db.session.commit()
    thief = app.test_client()
    copy_cookies(client, thief, "session")
    client.post("/keluar")
    assert thief.get(f"/lacak/{complaint.tracking_number}").status_code == 404


def test_report_access_lapses_after_its_hours(client, seeded):
    from complaints.models import ReportAccess

    file_complaint(client)
    complaint = db.session.scalar(select(Complaint))
    access = db.session.scalar(select(ReportAccess))
    access.created_at -= timedelta(hours=25)
    db.session.commit()
    assert client.get(f"/lacak/{complaint.tracking_number}").status_code == 404


def test_staff_see_and_end_their_other_sessions(app, client, seeded):
    officer = factories.user(Role.OFFICER)
    other = app.test_client()
    other.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Windows NT 10.0) Gecko/20100101 Firefox/128.0"
    factories.login(other, officer)
    factories.login(client, officer)
    page = client.get("/akun").get_data(as_text=True)
    assert "Firefox · Windows" in page and page.count('action="/akun/sesi/') == 2  # one to end + "all others"
    other_row = db.session.scalar(select(SignInSession).order_by(SignInSession.id))
    assert client.post(f"/akun/sesi/{other_row.id}/akhiri").status_code == 303
    assert signs_in_again(other.get("/akun"))
    assert client.get("/akun").status_code == 200  # this device goes on
    assert db.session.get(SignInSession, other_row.id).ended_reason is EndReason.ENDED_BY_USER


def test_ending_every_other_session_keeps_this_one(app, client, seeded):
    officer = factories.user(Role.OFFICER)
    others = [app.test_client() for _ in range(2)]
    for browser in others:
        factories.login(browser, officer)
    factories.login(client, officer)
    assert client.post("/akun/sesi/akhiri-lainnya").status_code == 303
    assert all(signs_in_again(browser.get("/akun")) for browser in others)
    assert client.get("/kasus").status_code == 200


def test_nobody_ends_another_accounts_session(app, client, seeded):
    victim = factories.user(Role.OFFICER)
    victims_browser = app.test_client()
    factories.login(victims_browser, victim)
    factories.login(client, factories.user(Role.OFFICER))
    victims_row = db.session.scalar(select(SignInSession).where(SignInSession.user_id == victim.id))
    assert client.post(f"/akun/sesi/{victims_row.id}/akhiri").status_code == 404
    assert client.post("/akun/sesi/99999999/akhiri").status_code == 404
    assert victims_browser.get("/kasus").status_code == 200


def test_idle_and_absolute_lifetimes(app, client, seeded):
    officer = factories.user(Role.OFFICER)
    factories.login(client, officer)
    row = db.session.scalar(select(SignInSession))
    row.last_seen_at -= timedelta(minutes=31)  # staff: 30 minutes idle
    db.session.commit()
    assert signs_in_again(client.get("/kasus"))
    factories.login(client, officer)
    row = db.session.scalar(select(SignInSession).order_by(SignInSession.id.desc()))
    row.expires_at = row.created_at  # past its absolute end, however active
    db.session.commit()
    assert signs_in_again(client.get("/kasus"))


def test_citizens_stay_signed_in_longer(client, seeded):
    citizen = factories.user(Role.CITIZEN)
    factories.login(client, citizen)
    row = db.session.scalar(select(SignInSession))
    assert row.expires_at - row.created_at == timedelta(days=30)
    row.last_seen_at -= timedelta(days=2)
    db.session.commit()
    assert client.get("/akun").status_code == 200


def test_last_seen_is_written_every_few_minutes_not_every_request(client, seeded):
    factories.login(client, factories.user(Role.OFFICER))
    row = db.session.scalar(select(SignInSession))
    first = row.last_seen_at
    client.get("/akun")
    client.get("/kasus")
    assert db.session.get(SignInSession, row.id).last_seen_at == first
    row.last_seen_at = first - timedelta(minutes=6)
    db.session.commit()
    client.get("/akun")
    assert db.session.get(SignInSession, row.id).last_seen_at > first


def test_a_password_change_ends_every_other_session_and_this_device_goes_on(app, client, seeded):
    officer = factories.user(Role.OFFICER)
    other = app.test_client()
    factories.login(other, officer)
    factories.login(client, officer)
    copy = app.test_client()
    copy_cookies(client, copy, "session")
    changed = client.post(
        "/akun/kata-sandi",
        data={
            "current_password": factories.PASSWORD,
            "new_password": "another-long-one",
            "confirm": "another-long-one",
        },
    )
    assert changed.status_code == 302
    assert client.get("/kasus").status_code == 200
    assert signs_in_again(other.get("/kasus"))
    assert signs_in_again(copy.get("/kasus"))  # the old cookie of this very device too: it got a new session


def test_deactivation_ends_every_session(app, client, seeded):
    from complaints.services.accounts.users import set_active

    officer = factories.user(Role.OFFICER)
    factories.login(client, officer)
    set_active(officer, False, by=factories.user(Role.ADMIN))
    db.session.commit()
    assert signs_in_again(client.get("/kasus"))
    rows = db.session.scalars(select(SignInSession)).all()
    assert [row.ended_reason for row in rows] == [EndReason.DEACTIVATED]


def test_a_forged_or_old_style_cookie_opens_nothing(app, client, seeded):
    officer = factories.user(Role.OFFICER)
    with client.session_transaction() as session:
        session["_user_id"] = f"{officer.id}:{'0' * 32}"  # the cookie shape before server-side sessions
        session["_fresh"] = True
    assert signs_in_again(client.get("/kasus"))
    with client.session_transaction() as session:
        session["_user_id"] = "x" * 5000
    assert signs_in_again(client.get("/kasus"))
