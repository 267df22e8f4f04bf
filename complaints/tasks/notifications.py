"""Delivery of the outbox: one task per new message, and a periodic relay for whatever is left pending."""

from celery import shared_task

from complaints.services.core import outbox


@shared_task(name="complaints.notifications.deliver", ignore_result=True)
def deliver(message_id: int) -> str:
    return outbox.deliver_message(message_id)


@shared_task(name="complaints.notifications.relay", ignore_result=True)
def relay() -> int:
    return outbox.relay_pending()
