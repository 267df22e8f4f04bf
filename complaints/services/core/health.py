"""Health of the parts the service depends on, as reported by /healthz."""

from __future__ import annotations

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from complaints.extensions import db


def database_state() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.warning("Database health check failed: %s", exc)
        return "unavailable"


def broker_state() -> str:
    """``eager`` when tasks run in process (no broker to be down), else whether Redis answers a PING."""
    celery_conf = current_app.config["CELERY"]
    if celery_conf.get("task_always_eager"):
        return "eager"
    try:
        client = Redis.from_url(celery_conf["broker_url"], socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
        return "ok"
    except (RedisError, OSError) as exc:
        current_app.logger.warning("Broker health check failed: %s", exc)
        return "unavailable"


def health_report() -> tuple[dict, bool]:
    report = {"database": database_state(), "broker": broker_state()}
    healthy = all(state in {"ok", "eager"} for state in report.values())
    report["status"] = "ok" if healthy else "unavailable"
    return report, healthy
