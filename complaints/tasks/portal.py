"""The liaisons' daily digest and the quarterly joint reviews (Celery beat), and reviews asked for on the spot."""

from celery import shared_task

from complaints.extensions import db
from complaints.models import Agreement
from complaints.services import locks, portal, reviews


@shared_task(name="complaints.portal.digests", ignore_result=False)
def send_liaison_digests() -> str:
    with locks.exclusive("liaison-digests") as acquired:
        if not acquired:
            return "skipped: another run is going on"
        return f"{portal.send_digests()} digests"


@shared_task(name="complaints.portal.quarterly_reviews", ignore_result=False)
def build_quarterly_reviews() -> str:
    with locks.exclusive("joint-reviews") as acquired:
        if not acquired:
            return "skipped: another run is going on"
        return f"{reviews.build_quarterly_reviews()} reviews"


@shared_task(name="complaints.portal.review", ignore_result=False)
def build_review(agreement_id: int, period: str) -> int:
    """A review asked for by a supervisor or liaison (for the quarter so far)."""
    agreement = db.session.get(Agreement, agreement_id)
    review = reviews.build_review(agreement, period)
    db.session.commit()
    return review.id
