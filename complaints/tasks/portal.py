"""The liaisons' daily digest (Celery beat)."""

from celery import shared_task

from complaints.services import locks, portal


@shared_task(name="complaints.portal.digests", ignore_result=False)
def send_liaison_digests() -> str:
    with locks.exclusive("liaison-digests") as acquired:
        if not acquired:
            return "skipped: another run is going on"
        return f"{portal.send_digests()} digests"
