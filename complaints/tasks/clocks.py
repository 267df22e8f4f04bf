"""The periodic clock sweep (Celery beat): reminders and escalations, under a lock, idempotent."""

from celery import shared_task

from complaints.services.casework import sweep
from complaints.services.core import locks


@shared_task(name="complaints.clocks.sweep", ignore_result=False)
def sweep_clocks() -> str:
    with locks.exclusive("clock-sweep") as acquired:
        if not acquired:
            return "skipped: another sweep is running"
        return str(sweep.sweep())
