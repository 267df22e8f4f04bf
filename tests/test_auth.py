import re

import pytest
from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import OutboxMessage, Role, User
from tests import factories
from tests.mail import delivered_text

GOOD = {
    "full_name": "Siti Rahma",
    "email": "siti@example.org",
    "password": "kendari-sultra-77",
    "confirm": "kendari-sultra-77",
}


def users_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_citizen_registers_confirms_by_email_and_signs_in(client, app_ctx):
    response = client.post("/daftar", data={**GOOD, "email": "  Siti@Example.ORG "})
    assert response.status_code == 302 and response.headers["Location"] == "/daftar/terkirim"
    assert "siti@example.org" in client.get("/daftar/terkirim").get_data(as_text=True)
    user = db.session.scalar(select(User))
    assert (user.email, user.role, user.email_verified_at) == ("siti@example.org", Role.CITIZEN, None)
    assert user.password_hash != GOOD["password"] and user.check_password(GOOD["password"])
    message = db.session.scalar(select(OutboxMessage))
    assert message.kind == "email_verification" and message.recipient == "siti@example.org"
    factories.login(client, user, GOOD["password"])
    assert "Siti Rahma" in client.get("/akun").get_data(as_text=True)
    link = re.search(r"/akun/verifikasi/\S+", delivered_text(message)).group(0)
    client.get(link)
    assert db.session.get(User, user.id).email_verified_at is not None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"email": ""}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": "x" * 250 + "@example.org"}, "email"),
        ({"full_name": "N" * 121}, "full_name"),
        ({"password": "short", "confirm": "short"}, "password"),
        ({"password": "p" * 129, "confirm": "p" * 129}, "password"),
        ({"password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"}, "password"),
        ({"confirm": "something-else-entirely"}, "confirm"),
        ({"password": "", "confirm": ""}, "password"),
    ],
)
def test_bad_registration_is_a_422_with_a_message_and_writes_nothing(client, app_ctx, changes, field):
    response = client.post("/daftar", data={**GOOD, **changes})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and 'aria-invalid="true"' in page
    assert users_count() == 0


def test_registration_does_not_reveal_that_an_address_has_an_account(app, client, app_ctx):
    owner = factories.user(Role.CITIZEN, email="siti@example.org")
    taken = client.post("/daftar", data=GOOD)
    free = app.test_client().post("/daftar", data={**GOOD, "email": "new@example.org"})
    assert taken.status_code == free.status_code == 302
    assert taken.headers["Location"] == free.headers["Location"] == "/daftar/terkirim"
    assert users_count() == 2 and db.session.get(User, owner.id).check_password(factories.PASSWORD)
    notices = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.kind, m.recipient) for m in notices][-2:] == [
        ("registration_attempt", "siti@example.org"),
        ("email_verification", "new@example.org"),
    ]


def test_markup_in_a_name_is_shown_as_text(client, app_ctx):
    client.post("/daftar", data={**GOOD, "full_name": "<script>alert(1)</script>"})
    factories.login(client, db.session.scalar(select(User)), GOOD["password"])
    page = client.get("/akun").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_login_and_logout(client, app_ctx):
    user = factories.user(Role.CITIZEN)
    response = client.post("/masuk", data={"email": user.email.upper(), "password": factories.PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/akun"
    assert db.session.get(User, user.id).last_login_at is not None
    assert client.get("/keluar").status_code == 405  # signing out is a POST (a link cannot sign anyone out)
    assert client.post("/keluar").status_code == 302
    assert client.get("/akun").status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {"email": "", "password": ""},
        {"email": "nobody@example.org", "password": "whatever-password"},
        {"email": "malformed", "password": "whatever-password"},
        {"email": "e" * 300, "password": "p" * 500},
    ],
)
def test_failed_login_is_a_422_with_a_message(client, app_ctx, data):
    factories.user(Role.CITIZEN)
    response = client.post("/masuk", data=data)
    assert response.status_code == 422
    assert "-error" in response.get_data(as_text=True)


def test_wrong_password_and_unknown_email_get_the_same_answer(client, app_ctx):
    user = factories.user(Role.CITIZEN)
    wrong = client.post("/masuk", data={"email": user.email, "password": "wrong-password-1"})
    unknown = client.post("/masuk", data={"email": "ghost@example.org", "password": "wrong-password-1"})
    assert wrong.status_code == unknown.status_code == 422
    assert wrong.get_data(as_text=True).replace(user.email, "X") == unknown.get_data(as_text=True).replace(
        "ghost@example.org", "X"
    )


def test_deactivated_account_cannot_sign_in(client, app_ctx):
    user = factories.user(Role.CITIZEN)
    user.active = False
    db.session.commit()
    assert client.post("/masuk", data={"email": user.email, "password": factories.PASSWORD}).status_code == 422


def test_many_wrong_passwords_are_stopped_with_429(client, app_ctx):
    user = factories.user(Role.CITIZEN)
    codes = [
        client.post("/masuk", data={"email": user.email, "password": f"wrong-{i}-pass"}).status_code for i in range(12)
    ]
    assert codes[:10] == [422] * 10
    assert codes[10:] == [429, 429]
    # Even the right password waits: the limit is on attempts, not on failures.
    page = client.post("/masuk", data={"email": user.email, "password": factories.PASSWORD})
    assert page.status_code == 429 and "429" in page.get_data(as_text=True)
    assert client.get("/masuk").status_code == 200  # reading the form is not limited


def test_a_person_cannot_be_locked_out_by_someone_elses_failures_alone(client, app_ctx):
    """Only failures count towards the per-account limit; the owner's own correct password still works after an
    attacker has used up part of it (and per-address limits bound the attacker)."""
    user = factories.user(Role.CITIZEN)
    for i in range(9):
        client.post(
            "/masuk",
            data={"email": user.email, "password": f"wrong-{i}-pass"},
            environ_base={"REMOTE_ADDR": "10.9.9.9"},
        )
    assert client.post("/masuk", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302


def test_guessing_one_account_from_many_addresses_is_bounded(client, app_ctx):
    user = factories.user(Role.CITIZEN)
    codes = [
        client.post(
            "/masuk",
            data={"email": user.email, "password": f"wrong-{i}-pass"},
            environ_base={"REMOTE_ADDR": f"10.0.{i // 200}.{i % 200}"},
        ).status_code
        for i in range(31)
    ]
    assert codes[:30] == [422] * 30 and codes[30] == 429


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/wilayah", "/wilayah"),
        ("/wilayah/74.71?x=1", "/wilayah/74.71?x=1"),
        ("https://evil.example/", "/akun"),
        ("//evil.example/", "/akun"),
        ("/\\evil.example", "/akun"),
        ("javascript:alert(1)", "/akun"),
        ("\t//evil.example", "/akun"),
    ],
)
def test_only_local_next_urls_are_followed(client, app_ctx, next_url, expected):
    user = factories.user(Role.CITIZEN)
    response = client.post(
        "/masuk", query_string={"next": next_url}, data={"email": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == expected


def test_change_password(client, app_ctx):
    user = factories.user(Role.CITIZEN)
    factories.login(client, user)
    wrong = client.post(
        "/akun/kata-sandi",
        data={"current_password": "nope-nope-nope", "new_password": "another-long-one", "confirm": "another-long-one"},
    )
    assert wrong.status_code == 422
    ok = client.post(
        "/akun/kata-sandi",
        data={
            "current_password": factories.PASSWORD,
            "new_password": "another-long-one",
            "confirm": "another-long-one",
        },
    )
    assert ok.status_code == 302
    assert db.session.get(User, user.id).check_password("another-long-one")


def test_a_protected_page_asks_to_sign_in_and_returns_there(client, seeded):
    officer = factories.user(Role.OFFICER)
    response = client.get("/kantor/kalender?tahun=2026")
    assert response.status_code == 302
    login_page = response.headers["Location"]
    assert login_page == "/masuk?next=%2Fkantor%2Fkalender%3Ftahun%3D2026"
    assert "Silakan masuk untuk membuka halaman ini." in client.get(login_page).get_data(as_text=True)
    signed_in = client.post(login_page, data={"email": officer.email, "password": factories.PASSWORD})
    assert signed_in.headers["Location"] == "/kantor/kalender?tahun=2026"


def test_registering_someone_elses_address_does_not_give_their_reports(app, client, seeded):
    from tests.filing import file_complaint

    file_complaint(app.test_client(), email="budi@example.org")
    attacker = app.test_client()
    attacker.post(
        "/daftar",
        data={**GOOD, "email": "budi@example.org", "password": "attacker-pass-1", "confirm": "attacker-pass-1"},
    )
    account = db.session.scalar(select(User).where(User.email == "budi@example.org"))
    factories.login(attacker, account, "attacker-pass-1")
    link = re.search(
        r"/akun/verifikasi/\S+",
        delivered_text(db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "email_verification"))),
    ).group(0)
    # The owner of the mailbox opens the link: without the password it confirms nothing.
    owner = app.test_client()
    assert owner.get(link).headers["Location"].startswith("/masuk")
    assert db.session.get(User, account.id).email_verified_at is None
    assert "Daftar laporan" not in attacker.get("/akun/laporan").get_data(as_text=True)
    assert attacker.get("/akun/laporan").get_data(as_text=True).count("/lacak/") == 0
    # The owner takes the address back with a password reset, which proves the mailbox.
    owner.post("/lupa-kata-sandi", data={"email": "budi@example.org"})
    reset = re.search(
        r"/atur-kata-sandi/\S+",
        delivered_text(db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "password_reset"))),
    ).group(0)
    done = owner.post(reset, data={"password": "owners-new-pass", "confirm": "owners-new-pass"})
    assert done.status_code == 302
    assert owner.get("/akun/laporan").get_data(as_text=True).count("/lacak/") == 1
    assert attacker.get("/akun/laporan").status_code == 302  # the attacker's session has ended
    assert owner.post(reset, data={"password": "third-password-x", "confirm": "third-password-x"}).status_code == 302
    assert db.session.get(User, account.id).check_password("owners-new-pass")  # the link worked once only


def test_forgotten_password_answers_the_same_for_unknown_addresses(client, app_ctx):
    factories.user(Role.CITIZEN, email="known@example.org")
    known = client.post("/lupa-kata-sandi", data={"email": "known@example.org"})
    unknown = client.post("/lupa-kata-sandi", data={"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == 302
    resets = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password_reset")).all()
    assert [m.recipient for m in resets] == ["known@example.org"]
    assert client.get("/atur-kata-sandi/forged-token").status_code == 200
    forged = client.post(
        "/atur-kata-sandi/forged-token", data={"password": "another-pass-1", "confirm": "another-pass-1"}
    )
    assert forged.status_code == 302 and forged.headers["Location"] == "/lupa-kata-sandi"
