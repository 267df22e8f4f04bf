"""Moving a case through the workflow in tests, always through the services (never by setting statuses)."""

from __future__ import annotations

from complaints.extensions import db
from complaints.models import Complaint, Role, User
from complaints.services.casework import examination, final_report, verification
from complaints.services.intake import reporter_actions
from tests import factories

ALL_CHECKS = {code: True for code in {**verification.FORMAL_CHECKS, **verification.MATERIAL_CHECKS}}


class Staff:
    """A supervisor and an examiner of the Sulawesi Tenggara office."""

    def __init__(self) -> None:
        self.supervisor: User = factories.user(Role.SUPERVISOR)
        self.examiner: User = factories.user(Role.OFFICER)

    def register(self, case: Complaint) -> Complaint:
        verification.record_checks(case, ALL_CHECKS, by=self.supervisor)
        verification.register(case, by=self.supervisor)
        db.session.commit()
        return case

    def examine(self, case: Complaint) -> Complaint:
        self.register(case)
        examination.assign_examiner(case, self.examiner, by=self.supervisor)
        db.session.commit()
        return case

    def notify(self, case: Complaint, conclusion: str = "Ditemukan penundaan berlarut.") -> Complaint:
        self.examine(case)
        examination.send_notice(case, conclusion, by=self.examiner)
        db.session.commit()
        return case

    def find_maladministration(self, case: Complaint, *actions: final_report.PlannedAction):
        """Issue a final report finding undue delay, with these corrective actions (one for the unit by default)."""
        report = final_report.issue_final_report(
            case,
            conclusion="found",
            summary="Temuan",
            form_codes=["penundaan_berlarut"],
            actions=actions or [final_report.PlannedAction("unit", "Kepala Disdukcapil", "Terbitkan KTP")],
            by=self.supervisor,
        )
        db.session.commit()
        return report

    def ready_for_final_report(self, case: Complaint) -> Complaint:
        """Notified, and the reporter has answered (so the 14-day window need not be waited out)."""
        self.notify(case)
        reporter_actions.respond_to_notice(case, "Saya setuju dengan kesimpulan.", [])
        db.session.commit()
        return case
