"""The live figures' summary (after each commit that records a case event, and every few minutes by beat) and the
compliance report a visitor asks for (PDF, with its progress stored for the waiting page)."""

from celery import shared_task

from complaints.extensions import db
from complaints.models import Region, ReportJob
from complaints.services.compliance import live_figures, region_report
from complaints.services.core import locks
from complaints.tasks import hand_over


@shared_task(name="complaints.figures.refresh", ignore_result=True)
def refresh_figures() -> str:
    with locks.exclusive("figures-refresh") as acquired:
        if not acquired:  # the running refresh, or beat's next one, picks up what this one would have
            return "skipped: another refresh is running"
        try:
            units = live_figures.refresh_changed()
            db.session.commit()
            return f"{units} units"
        except Exception:
            db.session.rollback()
            raise


@shared_task(name="complaints.compliance.report", ignore_result=True)
def build_compliance_report(job_id: int) -> str:
    return region_report.run_job(job_id)


@shared_task(name="complaints.compliance.clean_reports", ignore_result=True)
def clean_old_reports() -> str:
    removed = region_report.remove_old_reports()
    db.session.commit()
    return f"{removed} old reports removed"


def start_report(region: Region, locale: str) -> ReportJob:
    """A visitor asks for a region's report: a recent job, or a new one committed and then handed to a worker. If the
    broker is down the job is marked so at once, and the waiting page says so instead of waiting."""
    job, new = region_report.request_report(region, locale)
    db.session.commit()
    if new and not hand_over("complaints.compliance.report", job.id):
        region_report.mark_unqueued(job)
        db.session.commit()
    return job
