"""The periodic jobs' lock: one run at a time, taken over at once from a killed holder, never stopped by Redis."""

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from complaints import create_app
from complaints.extensions import db
from complaints.services.core.locks import exclusive
from tests.conftest import RUN_FOLDER, SuiteConfig, app_with_broker

HOLD_AND_WAIT = """
import sys, time
from complaints import create_app
from complaints.services.core.locks import exclusive

app = create_app()
with app.app_context(), exclusive(sys.argv[1]) as held:
    print("held" if held else "refused", flush=True)
    time.sleep(600)
"""


def advisory_locks() -> int:
    return db.session.scalar(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"))


def test_one_run_at_a_time_and_nothing_left_behind(app_ctx):
    for _ in range(3):
        with (
            exclusive("clock-sweep") as first,
            exclusive("clock-sweep") as second,
            exclusive("figures-refresh") as third,
        ):
            assert (first, second, third) == (True, False, True)
    with exclusive("clock-sweep") as again:
        assert again
    if db.engine.dialect.name == "postgresql":  # every lock's connection closed, with its locks
        assert advisory_locks() == 0
        assert db.engine.pool.checkedout() <= 1


def start_holder(database_url: str, redis_url: str, name: str, tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "INSTANCE_PATH": str(tmp_path),
        "UPLOAD_FOLDER": str(RUN_FOLDER / "uploads"),
    }
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_WAIT, name],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    line = holder.stdout.readline()
    if line.strip() != "held":
        holder.kill()
        pytest.fail(f"the holder did not take the lock: {line}{holder.stdout.read()}")
    return holder


def test_a_killed_holders_lock_is_taken_over_at_once(database_url, redis_url, app_ctx, tmp_path):
    """A worker SIGKILLed while holding the lock (here: a process of its own) blocks nobody once it is dead, and
    nobody gets the lock while it lives. The app here has Redis, as production does."""
    app = app_with_broker(database_url, redis_url)
    holder = start_holder(database_url, redis_url, "clock-sweep", tmp_path)
    try:
        with app.app_context(), exclusive("clock-sweep") as acquired:
            assert not acquired, "two holders at once"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        holder.stdout.close()
    killed = time.monotonic()
    taken = False
    while not taken and time.monotonic() - killed < 30:
        with app.app_context(), exclusive("clock-sweep") as taken:
            pass
        time.sleep(0.1)
    assert taken, "the dead holder's lock was not released"


def test_a_redis_outage_does_not_stop_the_periodic_jobs(database_url, app_ctx):
    app = app_with_broker(database_url, "redis://127.0.0.1:1/0")
    with app.app_context(), exclusive("clock-sweep") as acquired:
        assert acquired


@pytest.mark.parametrize(
    "unreachable", ["postgresql+psycopg://postgres@127.0.0.1:1/complaints", "sqlite:////nonexistent/folder/x.db"]
)
def test_a_database_out_of_reach_skips_the_run_with_a_warning(unreachable, caplog, monkeypatch):
    app = create_app(SuiteConfig(unreachable))
    # The migrations' fileConfig (run by the suite's app in this process) disables the loggers that existed then.
    monkeypatch.setattr(app.logger, "disabled", False)
    with caplog.at_level(logging.WARNING), app.app_context(), exclusive("clock-sweep") as acquired:
        assert not acquired
    assert "Lock clock-sweep" in caplog.text and "this run is skipped" in caplog.text
