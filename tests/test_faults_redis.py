"""A Redis outage loses nothing: with production's settings (limits, broker and locks on one Redis) and that Redis
down, citizens still file, track and sign in, the API answers, and every receipt waits in the outbox; limits still
hold, counted per process in memory, until Redis is back."""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from limits.storage import MemoryStorage
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from sqlalchemy import func, select

from complaints import create_app, tasks
from complaints.extensions import db, limiter
from complaints.models import Complaint, OutboxMessage, OutboxStatus, ReportJob, ReportJobStatus, Role, StaleUnit
from complaints.services.accounts import api_tokens
from complaints.tasks.compliance import refresh_figures
from complaints.tasks.notifications import relay
from tests import factories
from tests.conftest import SuiteConfig, app_with_broker, service_unavailable
from tests.filing import file_complaint, receipt_codes
from tests.smtp import free_port
from tests.test_notifications_integration import wait_until
from tests.test_open311 import post as open311_post


def production_like(database_url: str, redis_url: str, **overrides):
    """The app as production runs it with ``REDIS_URL`` set and ``RATELIMIT_STORAGE_URI`` unset: rate limits, the
    Celery broker (not eager) and the locks all on that one Redis."""
    return app_with_broker(database_url, redis_url, RATELIMIT_STORAGE_URI=redis_url, **overrides)


def dead_redis_url() -> str:
    """A Redis address where nothing listens."""
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def redis_down(database_url, seeded):
    """Production's settings with Redis down."""
    return production_like(database_url, dead_redis_url())


def test_a_report_is_filed_and_its_receipt_waits_in_the_outbox_while_redis_is_down(redis_down):
    client = redis_down.test_client()
    response = file_complaint(client, email="warga@example.org")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert db.session.scalar(select(Complaint.id)) is not None
    receipts = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "warga@example.org")).all()
    assert [m.status for m in receipts] == [OutboxStatus.PENDING]  # for the relay, once Redis is back
    assert db.session.scalar(select(StaleUnit.unit_id)) is not None  # for beat's refresh of the figures


def test_signing_in_and_the_api_answer_while_redis_is_down(database_url, client, seeded):
    assert file_complaint(client).status_code == 302  # through the suite's app, before Redis goes down
    officer = factories.user(Role.OFFICER)
    token = api_tokens.create_token(officer, "uji")[1]
    db.session.commit()
    down = production_like(database_url, dead_redis_url()).test_client()
    assert down.post("/masuk", data={"email": officer.email, "password": "wrong-password-1"}).status_code == 422
    assert down.post("/masuk", data={"email": officer.email, "password": factories.PASSWORD}).status_code == 302
    answer = down.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert len(answer.get_json()["items"]) == 1


def test_tracking_answers_while_redis_is_down(database_url, client, seeded):
    filed = file_complaint(client)  # through the suite's app, before Redis goes down
    number, key = receipt_codes(client.get(filed.headers["Location"]).get_data(as_text=True))
    down = production_like(database_url, dead_redis_url()).test_client()
    assert down.post("/lacak", data={"tracking_number": number, "access_key": "salah"}).status_code == 422
    tracked = down.post("/lacak", data={"tracking_number": number, "access_key": key})
    assert tracked.status_code == 302


def test_an_application_files_through_open311_while_redis_is_down(database_url, seeded):
    api_key = api_tokens.create_client("Meja Pengaduan", "it@example.org", by=factories.user(Role.ADMIN))[1]
    db.session.commit()
    response = open311_post(production_like(database_url, dead_redis_url()).test_client(), api_key)
    assert response.status_code == 201
    assert db.session.scalar(select(OutboxMessage.status)) is OutboxStatus.PENDING


def test_limits_still_hold_per_process_while_redis_is_down(database_url, seeded):
    app = production_like(
        database_url,
        dead_redis_url(),
        LOGIN_RATE_LIMIT="3 per minute",
        FILING_RATE_LIMIT="2 per hour",
    )
    client = app.test_client()
    wrong = {"email": "nobody@example.org", "password": "wrong-password-1"}
    assert [client.post("/masuk", data=wrong).status_code for _ in range(4)] == [422, 422, 422, 429]
    # Filing counts only reports filed (a conditional deduction, made after the answer).
    assert [file_complaint(client, email=f"w{n}@example.org").status_code for n in range(3)] == [302, 302, 429]
    assert len(db.session.scalars(select(Complaint.id)).all()) == 2


def test_a_refusal_stands_when_the_limits_storage_fails_after_counting(database_url, seeded, monkeypatch):
    """Redis may go away between the count that refuses a request and the page that says for how long."""
    client = create_app(SuiteConfig(database_url, LOGIN_RATE_LIMIT="1 per minute")).test_client()
    wrong = {"email": "nobody@example.org", "password": "wrong-password-1"}
    assert client.post("/masuk", data=wrong).status_code == 422

    def gone(*_args):
        raise RedisConnectionError("Redis went away")

    monkeypatch.setattr(MemoryStorage, "get_expiry", gone)  # what the retry time and the headers read
    refused = client.post("/masuk", data=wrong)
    assert refused.status_code == 429
    assert "X-RateLimit-Reset" not in refused.headers


def test_a_compliance_report_asked_for_while_redis_is_down_says_so_at_once(redis_down):
    client = redis_down.test_client()
    response = client.post("/wilayah/74.71/laporan-kepatuhan")
    assert response.status_code == 303
    job = db.session.scalar(select(ReportJob))
    assert (job.status, job.stage) == (ReportJobStatus.FAILED, "unqueued")
    assert client.get(response.headers["Location"]).status_code == 200


def test_healthz_reports_the_broker_unavailable_while_redis_is_down(redis_down):
    response = redis_down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["broker"] == "unavailable"
    assert response.get_json()["database"] == "ok"


class SilentServer:
    """A black-holed Redis: it accepts connections and never answers (it hangs up after ``hang_up_after`` seconds, so
    that a client without timeouts fails in the end rather than waits forever)."""

    def __init__(self, hang_up_after: float = 20.0):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.socket.getsockname()[1]}/0"
        self.hang_up_after = hang_up_after
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self.socket.accept()
            except OSError:
                return  # closed
            self.accepted += 1
            threading.Timer(self.hang_up_after, connection.close).start()

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def silent_servers():
    servers = [SilentServer(), SilentServer()]
    yield servers
    for server in servers:
        server.close()


def test_a_silent_redis_holds_a_request_only_briefly(database_url, seeded, silent_servers, monkeypatch):
    """The limiter's client gives up within half a second and counts in memory; the broker's within its socket
    timeout, after which this process leaves the broker alone for a while (the outbox keeps the receipts)."""
    monkeypatch.setattr(tasks, "BROKER_PAUSE_SECONDS", 3600.0)  # "a while" outlasts the test however slow it runs
    limits_server, broker = silent_servers
    app = app_with_broker(database_url, broker.url, RATELIMIT_STORAGE_URI=limits_server.url)
    options = limiter.storage.storage.connection_pool.connection_kwargs
    assert options["socket_connect_timeout"] <= 0.5 and options["socket_timeout"] <= 0.5
    client = app.test_client()
    assert file_complaint(client, email="satu@example.org").status_code == 302
    tried = broker.accepted
    assert tried >= 1
    assert [file_complaint(client, email=f"w{n}@example.org").status_code for n in range(2)] == [302, 302]
    assert broker.accepted == tried, "the broker was tried again while it was known to be silent"
    assert outbox_statuses() == {OutboxStatus.PENDING: 3}
    health = client.get("/healthz")
    assert (health.status_code, health.get_json()["broker"]) == (503, "unavailable")


# --- the campaign: a redis-server of the test's own, stopped during 200 filings and started again ---------------


class RedisServer:
    """A redis-server on a free loopback port, without persistence: stopped, it loses everything queued in it, as a
    Redis that crashes or is replaced does."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = folder
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or service_unavailable("redis-server is not installed")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--daemonize", "no", "--dir", str(self.folder)],
            stdout=(self.folder / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        if not wait_until(self.answers, timeout=20):
            pytest.fail(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        """Killed, as a crash would: no goodbye to its clients."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)

    def answers(self) -> bool:
        client = Redis.from_url(self.url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return bool(client.ping())
        except RedisError:
            return False
        finally:
            client.close()

    def limiter_keys(self) -> list[bytes]:
        client = Redis.from_url(self.url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return list(client.scan_iter("LIMITS*"))
        finally:
            client.close()


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


FILINGS = 200
#: Redis is stopped before this filing and started again before that one.
STOP_AT, START_AT = 50, 150


def outbox_statuses() -> Counter:
    db.session.expire_all()
    counts = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return Counter(dict(counts.all()))


def test_campaign_redis_stopped_during_200_filings(database_url, seeded, own_redis, smtp_server, celery_worker):
    """Production's settings on a Redis of the test's own, a real worker on it and a real SMTP server on loopback;
    Redis is killed after 50 filings and started again (empty) after 150. Filed through the test client with errors
    answered as gunicorn would (TESTING off): the same app, limiter and broker client, and each filing's time is the
    app's own, not HTTP's."""
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port}
    worker = celery_worker(REDIS_URL=own_redis.url, **mail)
    app = production_like(
        database_url,
        own_redis.url,
        queue=worker.queue,
        TESTING=False,
        PROPAGATE_EXCEPTIONS=False,
        FILING_RATE_LIMIT="1000 per hour",
        FILING_ATTEMPT_LIMIT="1000 per hour",
        TRACKING_RATE_LIMIT="1000 per hour",
        **mail,
    )
    client = app.test_client()
    clock, lap = {}, time.monotonic()
    answers, seconds = Counter(), {"before": [], "down": [], "after": []}
    for n in range(FILINGS):
        if n == STOP_AT:
            own_redis.stop()
        elif n == START_AT:
            own_redis.start()
        started = time.monotonic()
        answers[file_complaint(client, email=f"pelapor{n}@example.org").status_code] += 1
        seconds["before" if n < STOP_AT else "down" if n < START_AT else "after"].append(time.monotonic() - started)
    sent_before_relay = outbox_statuses()[OutboxStatus.SENT]
    marks = db.session.scalar(select(func.count()).select_from(StaleUnit))
    clock["filing"], lap = time.monotonic() - lap, time.monotonic()

    assert answers == {302: FILINGS}
    assert db.session.scalar(select(func.count()).select_from(Complaint)) == FILINGS

    # The limits are counted in Redis again (a limited request lets the limiter see that Redis answers).
    back = wait_until(lambda: client.post("/lacak", data={}).status_code == 422 and own_redis.limiter_keys(), 60, 1)
    assert back, "the limiter did not go back to Redis"
    clock["limits back in Redis"], lap = time.monotonic() - lap, time.monotonic()

    # Beat's jobs, run by the worker: the relay sends what waited, the refresh clears the figures' marks.
    with app.app_context():
        relay.apply_async()
        refresh_figures.apply_async()
    assert wait_until(lambda: outbox_statuses() == {OutboxStatus.SENT: FILINGS}, 120), (
        outbox_statuses(),
        worker.log()[-3000:],
    )
    clock["relay"], lap = time.monotonic() - lap, time.monotonic()
    assert wait_until(lambda: db.session.scalar(select(func.count()).select_from(StaleUnit)) == 0, 60)
    clock["figures"] = time.monotonic() - lap

    with app.app_context():  # the relay again, here: nothing is left to send
        assert relay.apply().get() == 0
    received = Counter(message["To"] for message in smtp_server.messages)
    assert received == {f"pelapor{n}@example.org": 1 for n in range(FILINGS)}
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert sorted(smtp_server.message_ids()) == sorted(m.message_id for m in rows)
    assert all(m.attempts == 1 for m in rows)

    times = "; ".join(
        f"{phase} median {statistics.median(values):.3f} max {max(values):.3f} (#{values.index(max(values))})"
        for phase, values in seconds.items()
    )
    print(
        f"\nRedis campaign: answers {dict(answers)}; seconds per filing: {times}; receipts sent before the relay "
        f"{sent_before_relay}, in all {len(received)} of {FILINGS}; marks {marks}; "
        f"phases (s): {', '.join(f'{k} {v:.1f}' for k, v in clock.items())}"
    )
