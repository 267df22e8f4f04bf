"""The retention job (Celery beat, nightly): reporters of cases closed past retention anonymised."""

from celery import shared_task

from complaints.services.privacy import retention


# Each batch commits in the service; it needs no lock: a case once anonymised is not selected again, and on
# PostgreSQL a second run skips the cases the first holds.
@shared_task(name="complaints.privacy.retention", ignore_result=False)
def apply_retention() -> str:
    return retention.apply_retention().summary()
