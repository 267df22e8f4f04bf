"""A task that proves the path web → broker → worker → database works end to end."""

from celery import shared_task

from complaints.services.core.health import database_state


@shared_task(name="complaints.health.ping", ignore_result=False)
def ping() -> dict:
    """Answered by a worker: its view of the database. Used by the integration tests and by operators."""
    return {"pong": True, "database": database_state()}
