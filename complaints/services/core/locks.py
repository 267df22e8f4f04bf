"""A lock across workers for periodic jobs, so that two beats or a slow run never overlap (Redis when there is one).
The jobs are idempotent anyway; the lock only saves doing the work twice."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from redis import Redis


@contextmanager
def exclusive(name: str, timeout: int = 600) -> Iterator[bool]:
    url = current_app.config.get("REDIS_URL")
    if not url:  # one process, tasks in it: nothing to exclude
        yield True
        return
    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    lock = client.lock(f"{current_app.config['RATELIMIT_KEY_PREFIX']}:lock:{name}", timeout=timeout, blocking=False)
    acquired = lock.acquire()
    try:
        yield acquired
    finally:
        if acquired:
            lock.release()
        client.close()
