"""Integration with the real Redis and a real Celery worker. With REQUIRE_SERVICES=1 these fail if Redis is down."""

import subprocess
import sys
import uuid

import pytest
from redis import Redis

from complaints.config import PROJECT_ROOT
from complaints.tasks.health import ping
from tests.conftest import app_with_broker


def test_healthz_sees_the_real_broker(database_url, redis_url, app):
    response = app_with_broker(database_url, redis_url).test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "broker": "ok", "status": "ok"}


def test_healthz_is_503_when_the_broker_is_unreachable(database_url, app):
    response = app_with_broker(database_url, "redis://127.0.0.1:1/0").test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["broker"] == "unavailable"


LOGIN_ATTEMPTS = """
import sys
from complaints import create_app
from tests.conftest import SuiteConfig
app = create_app(SuiteConfig(sys.argv[1], RATELIMIT_STORAGE_URI=sys.argv[2], RATELIMIT_KEY_PREFIX=sys.argv[3]))
client = app.test_client()
data = {"email": "nobody@example.org", "password": "wrong-password-x"}
print(",".join(str(client.post("/masuk", data=data).status_code) for _ in range(int(sys.argv[4]))))
"""


def attempts_in_another_process(database_url, redis_url, prefix, count) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-c", LOGIN_ATTEMPTS, database_url, redis_url, prefix, str(count)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [int(code) for code in result.stdout.strip().splitlines()[-1].split(",")]


@pytest.mark.integration  # two app processes start from scratch
def test_login_limits_are_shared_between_processes_through_redis(database_url, redis_url, seeded):
    """Two processes stand for two gunicorn workers: the count lives in Redis, not in either process."""
    prefix = f"test-{uuid.uuid4().hex}"
    codes = attempts_in_another_process(database_url, redis_url, prefix, 5)
    codes += attempts_in_another_process(database_url, redis_url, prefix, 6)
    assert codes == [422] * 10 + [429]
    client = Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(f"*{prefix}*"))
        assert keys, "the limiter wrote nothing to Redis"
        client.delete(*keys)
    finally:
        client.close()


def test_a_real_worker_runs_tasks_through_redis(database_url, redis_url, celery_worker):
    worker = celery_worker()
    app = app_with_broker(database_url, redis_url)
    with app.app_context():
        result = ping.apply_async(queue=worker.queue)
        assert result.get(timeout=60) == {"pong": True, "database": "ok"}
