"""Test harness.

- Database: a fresh one per run, built by the migrations (never ``create_all``). SQLite in a temporary folder by
  default; with ``TEST_DATABASE_URL`` (a PostgreSQL server URL) a database of its own is created on that server for
  the run and dropped at the end. A test that asks for ``seeded`` starts from the reference data and nothing else;
  any other test from empty tables. The reference data is seeded once and kept: after each test only the tables it
  wrote are emptied (see ``DatabaseState``).
- Services: tests marked ``services`` talk to the real Redis (``TEST_REDIS_URL``) and real Celery workers. With
  ``REQUIRE_SERVICES=1`` (as CI sets it) an unreachable service fails the test instead of skipping it.
- Side effects fail closed: Celery runs eager in process unless a test asks for the broker.
- Tests marked ``integration`` (real workers, the browser, migrations, Schemathesis, the fault and attack campaigns)
  are the slow ones; the SQLite pass of ``.ci/run`` leaves them out, the PostgreSQL pass runs them all.
"""

from __future__ import annotations

import inspect
import os
import re
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
from sqlalchemy import Engine, create_engine, event, make_url, select, text
from werkzeug.serving import make_server

from complaints import create_app
from complaints.config import TestingConfig, normalise_database_url
from complaints.extensions import db, limiter
from complaints.services.seeding.reference import SeedReport, seed_reference_data

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


#: The table each INSERT, UPDATE, DELETE or TRUNCATE names (anywhere: a CTE may lead). A false hit ("FOR UPDATE OF")
#: names no table and is ignored.
WRITTEN_TABLE = re.compile(
    r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE)\s+\"?(\w+)", re.IGNORECASE
)


class DatabaseState:
    """What the run's database holds between tests, so that a test pays only for cleaning what it wrote.

    Every statement sent by any engine of this process is watched (the live server's thread and the other apps a
    test builds included), so the tables a test wrote are known. Writes from other processes (Celery workers,
    subprocesses given ``database_url``) are not: after such a test everything is cleaned.
    """

    def __init__(self) -> None:
        self.reference: SeedReport | None = None  # what the seed added, while the reference data is in place
        self.reference_tables: frozenset[str] = frozenset()
        self.written: set[str] = set()

    def note_statement(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.written.update(name.lower() for name in WRITTEN_TABLE.findall(statement))

    def seed(self) -> SeedReport:
        """The reference data, seeded into empty tables once and kept until a test writes to it."""
        if self.reference is None:
            written_before, self.written = self.written, set()
            try:
                report = seed_reference_data()
                db.session.commit()
            except BaseException:
                self.written |= written_before
                raise
            self.reference, self.reference_tables = report, frozenset(self.written)
            self.written = written_before
        return SeedReport(self.reference)

    def clean(self, *, everything: bool = False) -> None:
        """Empty the tables written since the last clean; all of them (reference data too) when that is not enough."""
        tables = {table.name: table for table in db.metadata.sorted_tables}
        to_empty = tables_referring_to({name for name in self.written if name in tables}, tables.values())
        if everything or (self.reference is not None and to_empty & self.reference_tables):
            to_empty, self.reference = set(tables), None
        empty_tables(to_empty)
        self.written.clear()  # the cleaning's own statements included


def tables_referring_to(names: set[str], tables) -> set[str]:
    """``names`` and every table that refers to one of them, however indirectly (PostgreSQL truncates them together)."""
    closure = set(names)
    while grown := {
        t.name for t in tables if t.name not in closure and {fk.column.table.name for fk in t.foreign_keys} & closure
    }:
        closure |= grown
    return closure


def empty_tables(names: set[str]) -> None:
    """Delete every row; ids start again at 1 as in a new database (SQLite reuses them once a table is empty)."""
    if not names:
        return
    ordered = [table for table in reversed(db.metadata.sorted_tables) if table.name in names]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Append-only tables (identity_views) refuse DELETE by trigger; the suite's superuser empties them with
            # user triggers off for this transaction only (foreign keys too, but every referring table goes as well).
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        for table in ordered:
            conn.execute(text(f"DELETE FROM {table.name}"))  # noqa: S608 (our own table names)
        if conn.dialect.name == "postgresql":
            # DELETE and a sequence reset, not TRUNCATE: the few rows a test leaves go at once, while TRUNCATE makes
            # new files for every table it names and was most of the PostgreSQL pass's time.
            sequences = [t.name for t in ordered if "id" in t.c and t.c.id.autoincrement is not False]
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(name, 'id'), 1, false) FROM unnest(CAST(:names AS text[])) "
                    "AS name WHERE pg_get_serial_sequence(name, 'id') IS NOT NULL"
                ),
                {"names": sequences},
            )


@pytest.fixture(scope="session")
def database_state():
    state = DatabaseState()
    event.listen(Engine, "before_cursor_execute", state.note_statement)
    yield state
    event.remove(Engine, "before_cursor_execute", state.note_statement)


def writes_from_other_processes(request) -> bool:
    """A test that starts Celery workers, or hands the database's address to code of its own, may write unseen."""
    return "celery_worker" in request.fixturenames or "database_url" in inspect.signature(request.function).parameters


#: What the one Flask-Limiter of the process keeps from the last app bound to it: its storage, and whether that storage
#: failed and limits are counted in the in-memory fallback.
LIMITER_STATE = ("_storage", "_limiter", "_storage_dead", "_fallback_storage", "_fallback_limiter")


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Each test starts from the state it asks for and fresh rate-limit counters."""
    uses_database = "app" in request.fixturenames
    if uses_database:
        state = request.getfixturevalue("database_state")  # watching before any fixture writes
        if state.reference is not None and "seeded" not in request.fixturenames:
            with request.getfixturevalue("app").app_context():
                state.clean(everything=True)
    # Flask-Limiter keeps one storage per process, rebound by every create_app(); tests that build other apps
    # (production config, Redis) must not leave the suite's app counting in their storage.
    kept = {name: getattr(limiter, name, None) for name in LIMITER_STATE}
    yield
    for name, value in kept.items():
        setattr(limiter, name, value)
    if not uses_database:
        return
    app = request.getfixturevalue("app")
    app.extensions["celery"].set_default()  # likewise Celery's process-wide default and current app
    app.extensions["celery"].set_current()
    with app.app_context():
        db.session.remove()
        state.clean(everything=writes_from_other_processes(request))
        limiter.reset()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def seeded(app_ctx, database_state):
    """The reference data (regions, offices, units, agreements, lists), committed: what its seed added."""
    return database_state.seed()


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


#: Fixtures that make a test an integration test: real worker processes, a real browser against a live server.
INTEGRATION_FIXTURES = {"celery_worker", "browser", "live_server"}


def pytest_configure(config):
    config.addinivalue_line("markers", "services: needs Redis or a Celery worker (fails under REQUIRE_SERVICES=1)")
    config.addinivalue_line(
        "markers",
        "integration: slow (workers, browser, migrations, Schemathesis, campaigns); the SQLite pass leaves it out",
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if {"redis_url", "celery_worker"} & fixtures:
            item.add_marker(pytest.mark.services)
        if INTEGRATION_FIXTURES & fixtures:
            item.add_marker(pytest.mark.integration)


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
            # The suite's keys: the worker opens the outbox's sealed secrets and signs history as the tests' app does.
            "SECRET_KEY": TestingConfig().SECRET_KEY,
            "AUDIT_KEY": TestingConfig().AUDIT_KEY,
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
