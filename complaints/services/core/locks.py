"""One run at a time of each periodic job (the clock sweep, the figures refresh, the digests, the joint reviews), with
the lock held where the jobs' work lives: the database.

- **PostgreSQL**: a session-level advisory lock (``pg_try_advisory_lock``) on a connection of its own, opened for the
  run and closed after it (never returned to the pool). The server releases the lock the moment that connection
  ends: the run finishes or raises, or its worker is SIGKILLed, killed for memory or its container stopped (the
  kernel closes the socket, the server sees it at once). The next run takes over straight away, with no TTL to wait
  for. A host that vanishes without closing its sockets is found by TCP keepalives set on that connection (about a
  minute). The connection is in autocommit, so it holds no transaction open while idle. It needs a real session:
  through a pooler in transaction mode (PgBouncer ``pool_mode=transaction``) the lock would not hold; session mode,
  or a direct connection, does.
- **SQLite** (development, tests): an ``flock`` on a file beside the database, which the kernel releases when the
  process dies. An in-memory database lives in one process: nothing to exclude.

Why not Redis (as before, issue 12): a lock with a TTL has to choose. A long TTL (it was 600 s) leaves a killed
holder's lock in the way of the next run for that long; a short TTL renewed by a thread hands the lock to a second
run whenever the holder stalls past the TTL while still working (swap, a long pause, Redis unreachable for a moment),
so two runs overlap unless every write carries a fencing token. The advisory lock is held exactly as long as the
holder's connection: never two runs while the holder lives, no wait once it is dead. If that connection alone were
cut while the worker still runs (a network partition), its working connection to the same server is cut too; and the
jobs stay idempotent anyway (the sweep claims each clock with a conditional UPDATE). The jobs need the database in
any case, so Redis being down no longer stops them; the database being down makes a run skip with a warning, never
raise, and beat's next tick tries again.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from complaints.extensions import db

#: A vanished host's lock is released once the server has probed its silent socket this long: 30 + 3 × 10 s.
KEEPALIVE = {"tcp_keepalives_idle": 30, "tcp_keepalives_interval": 10, "tcp_keepalives_count": 3}


@contextmanager
def exclusive(name: str) -> Iterator[bool]:
    """Yield True while this run holds the lock ``name``; False (at once, never waiting) when another run holds it
    or the lock cannot be reached (logged): the caller then skips this run."""
    engine = db.engine
    held = _advisory_lock(engine, name) if engine.dialect.name == "postgresql" else _file_lock(engine, name)
    with held as acquired:
        yield acquired


def advisory_key(name: str) -> int:
    """The lock's 64-bit key: advisory locks are scoped to the database, so one name is one lock per deployment."""
    digest = hashlib.blake2b(f"complaints.locks:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def _advisory_lock(engine: Engine, name: str) -> Iterator[bool]:
    conn = _lock_connection(engine, name)
    if conn is None:
        yield False
        return
    try:
        yield conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": advisory_key(name)})
    finally:
        conn.close()  # closes the detached connection itself: the server drops the lock with it


def _lock_connection(engine: Engine, name: str) -> Connection | None:
    try:
        conn = engine.connect()
    except DBAPIError as exc:
        current_app.logger.warning("Lock %s: the database is unreachable (%s); this run is skipped", name, exc)
        return None
    try:
        conn.execution_options(isolation_level="AUTOCOMMIT")  # no transaction left open while the job runs
        # Detached: closing it closes it for real, so a lock can never stay behind on a pooled connection.
        conn.detach()
        for setting, seconds in KEEPALIVE.items():
            conn.execute(text(f"SET {setting} = {int(seconds)}"))
    except DBAPIError as exc:
        conn.close()
        current_app.logger.warning("Lock %s: the database is unreachable (%s); this run is skipped", name, exc)
        return None
    return conn


@contextmanager
def _file_lock(engine: Engine, name: str) -> Iterator[bool]:
    database = engine.url.database
    if not database or database == ":memory:":
        yield True
        return
    path = Path(database).with_name(f"{Path(database).name}.{name}.lock")
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        current_app.logger.warning("Lock %s: cannot open %s (%s); this run is skipped", name, path, exc)
        yield False
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            acquired = True
        except BlockingIOError:
            acquired = False
        yield acquired
    finally:
        os.close(handle)  # releases the flock
