"""The liaisons' daily digest and the quarterly joint reviews (Celery beat), and reviews asked for on the spot."""

from celery import shared_task
from sqlalchemy.exc import IntegrityError

from complaints.extensions import db
from complaints.models import Agreement
from complaints.services.core import locks
from complaints.services.portal import inbox, joint_reviews


@shared_task(name="complaints.portal.digests", ignore_result=False)
def send_liaison_digests() -> str:
    with locks.exclusive("liaison-digests") as acquired:
        if not acquired:
            return "skipped: another run is going on"
        return f"{inbox.send_digests()} digests"


@shared_task(name="complaints.portal.quarterly_reviews", ignore_result=False)
def build_quarterly_reviews() -> str:
    with locks.exclusive("joint-reviews") as acquired:
        if not acquired:
            return "skipped: another run is going on"
        return f"{joint_reviews.build_quarterly_reviews()} reviews"


# Nobody waits on its result (the page lists the review once built), so no result backend is touched: a broker
# that is down is then answered at once, not after the result backend's retries.
@shared_task(name="complaints.portal.review", ignore_result=True)
def build_review(agreement_id: int, period: str) -> int:
    """A review asked for by a supervisor or liaison (for the quarter so far)."""
    agreement = db.session.get(Agreement, agreement_id)
    try:
        review = joint_reviews.build_review(agreement, period, replace=True)
        db.session.commit()
    except IntegrityError:  # built by another request a moment ago: keep that one
        db.session.rollback()
        db.session.info.pop(joint_reviews.OBSOLETE_FILES, None)
        return joint_reviews.current_review(agreement_id, period).id
    joint_reviews.remove_obsolete_files()
    return review.id
