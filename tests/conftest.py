"""Test harness.

- Database: a fresh one per run, built by the migrations (never ``create_all``). SQLite in a temporary folder by
  default; with ``TEST_DATABASE_URL`` (a PostgreSQL server URL) a database of its own is created on that server for
  the run and dropped at the end. Every test starts from empty tables.
- Services: tests marked ``services`` talk to the real Redis (``TEST_REDIS_URL``) and real Celery workers. With
  ``REQUIRE_SERVICES=1`` (as CI sets it) an unreachable service fails the test instead of skipping it.
- Side effects fail closed: Celery runs eager in process unless a test asks for the broker.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import create_engine, make_url, select, text
from werkzeug.serving import make_server

from complaints import create_app
from complaints.config import TestingConfig, normalise_database_url
from complaints.extensions import db, limiter
from complaints.services.seeding.reference import seed_reference_data

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(RUN_FOLDER, ignore_errors=True)


def pytest_sessionstart(session):
    if REQUIRE_SERVICES and not TEST_DATABASE_URL:
        raise pytest.UsageError("REQUIRE_SERVICES=1 needs TEST_DATABASE_URL (a PostgreSQL server) as well")


def service_unavailable(message: str):
    """Fail when services are required (CI), skip otherwise (a laptop without Redis)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service unavailable: {message}")
    pytest.skip(f"service unavailable: {message}")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'complaints-test.db'}"
        return
    server = make_url(normalise_database_url(TEST_DATABASE_URL))
    name = f"complaints_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


#: Files the suite writes (uploads, the mail log) go under one temporary folder per run, never instance/.
RUN_FOLDER = Path(tempfile.mkdtemp(prefix="complaints-tests-"))


class SuiteConfig(TestingConfig):
    """The testing configuration, pointed at this run's database and folders."""

    def __init__(self, database_url: str, **overrides) -> None:
        super().__init__()
        self.SQLALCHEMY_DATABASE_URI = database_url
        self.UPLOAD_FOLDER = str(RUN_FOLDER / "uploads")
        self.MAIL_LOG_FILE = str(RUN_FOLDER / "mail.log")
        for key, value in overrides.items():
            setattr(self, key, value)


class RequestIsolatedClient(FlaskClient):
    """Each request gets its own application context, as in production.

    Without this a request would reuse the test's context, and what Flask-Babel and Flask-Login cache on ``g``
    (the locale, the user) would leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():  # the test's own session re-reads what the request changed
            db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(SuiteConfig(database_url))
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Every test starts with empty tables and fresh rate-limit counters."""
    # Flask-Limiter keeps one storage per process, rebound by every create_app(); tests that build other apps
    # (production config, Redis) must not leave the suite's app counting in their storage.
    storage, strategy = limiter._storage, limiter._limiter
    yield
    limiter._storage, limiter._limiter = storage, strategy
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    app.extensions["celery"].set_default()  # likewise Celery's process-wide default and current app
    app.extensions["celery"].set_current()
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (our own table names)
        limiter.reset()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def seeded(app_ctx):
    """The reference data (regions, offices, units, agreements, lists), committed."""
    report = seed_reference_data()
    db.session.commit()
    return report


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def people(seeded):
    """Casework staff, the head of Kota Kendari's Disdukcapil, and Kota Kendari's liaison (listed on its agreement)."""
    from complaints.models import Agreement, Role
    from tests import factories
    from tests.casework import Staff

    staff = Staff()
    head = factories.user(Role.UNIT_HEAD)
    liaison = factories.user(Role.LIAISON)
    agreement = db.session.scalar(select(Agreement).where(Agreement.region_id == liaison.region_id))
    agreement.liaisons.append(liaison)
    db.session.commit()
    return staff, head, liaison


@pytest.fixture
def redis_url():
    client = Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except (RedisError, OSError) as exc:
        service_unavailable(f"Redis at {TEST_REDIS_URL}: {exc}")
    finally:
        client.close()
    return TEST_REDIS_URL


def pytest_configure(config):
    config.addinivalue_line("markers", "services: needs Redis or a Celery worker (fails under REQUIRE_SERVICES=1)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if {"redis_url", "celery_worker"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.services)


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""
    from tests.smtp import RecordingSMTPServer

    server = RecordingSMTPServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def app_with_broker(database_url, broker_url, *, queue="celery", **overrides):
    """An app that sends tasks to a real broker (not eager), for integration tests."""
    config = SuiteConfig(database_url, **overrides)
    config.REDIS_URL = broker_url
    config.CELERY = {
        **config.CELERY,
        "broker_url": broker_url,
        "result_backend": broker_url,
        "task_always_eager": False,
        "task_default_queue": queue,
    }
    app = create_app(config)
    app.test_client_class = RequestIsolatedClient
    return app


class WorkerProcess:
    def __init__(self, queue: str, process: subprocess.Popen, log_path: Path):
        self.queue, self.process, self.log_path = queue, process, log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def celery_worker(database_url, redis_url, tmp_path):
    """Start real Celery worker processes on Redis, each on a queue of its own so no other worker takes its tasks."""
    started: list[WorkerProcess] = []

    def start(queue: str | None = None, **env_overrides) -> WorkerProcess:
        queue = queue or f"test-{uuid.uuid4().hex[:10]}"
        env = {
            **os.environ,
            "APP_ENV": "development",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_QUEUE": queue,
            "INSTANCE_PATH": str(tmp_path),
            "UPLOAD_FOLDER": str(RUN_FOLDER / "uploads"),
            "MAIL_LOG_FILE": str(tmp_path / "mail.log"),
            **{key: str(value) for key, value in env_overrides.items()},
        }
        log_path = tmp_path / f"worker-{len(started)}.log"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "complaints.worker",
                "worker",
                "--pool",
                "solo",
                "--queues",
                queue,
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "INFO",
            ],
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            stdout=log_path.open("w"),
            stderr=subprocess.STDOUT,
        )
        worker = WorkerProcess(queue, process, log_path)
        started.append(worker)
        return worker

    yield start
    client = Redis.from_url(redis_url)
    for worker in started:
        worker.process.terminate()
        try:
            worker.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.process.kill()
        leftovers = list(client.scan_iter(f"*{worker.queue}*"))
        if leftovers:
            client.delete(*leftovers)
    client.close()


# --- real Chromium against the service running in a thread on loopback ----------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (make test installs Debian's chromium)"
        pytest.fail(message) if REQUIRE_SERVICES else pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def live_server(database_url, seeded, smtp_server):
    app = create_app(
        SuiteConfig(database_url, WTF_CSRF_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    )
    app.test_client_class = RequestIsolatedClient
    from tests.smtp import free_port

    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
