"""Every transition allowed for its roles and states, and refused for all others.

The expectations are written out here, independently of ``permissions.ACTIONS``: a change to who may do what must
change this table too.
"""

import pytest
from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import CaseEvent, CaseStatus, Complaint, Office, Province, Role, User
from complaints.services.casework import examination, permissions, verification
from complaints.services.core.errors import RuleError
from tests import factories
from tests.casework import Staff
from tests.filing import file_complaint

S = CaseStatus
EVERYONE_STAFF = {"officer", "supervisor"}
SUPERVISOR = {"supervisor"}
PRE_REGISTRATION = {S.RECEIVED, S.VERIFICATION, S.DOCUMENTS_REQUESTED}

EXPECTED = {
    # action: (roles, statuses, examiner only)
    "begin_verification": (EVERYONE_STAFF, {S.RECEIVED}, False),
    "record_checks": (EVERYONE_STAFF, {S.RECEIVED, S.VERIFICATION}, False),
    "request_documents": (EVERYONE_STAFF, {S.RECEIVED, S.VERIFICATION}, False),
    "register": (SUPERVISOR, {S.RECEIVED, S.VERIFICATION}, False),
    "reject": (SUPERVISOR, PRE_REGISTRATION, False),
    "transfer": (SUPERVISOR, PRE_REGISTRATION, False),
    "assign_examiner": (SUPERVISOR, {S.REGISTERED, S.EXAMINATION}, False),
    "request_clarification": (EVERYONE_STAFF, {S.EXAMINATION}, True),
    "record_clarification_answer": (EVERYONE_STAFF, {S.EXAMINATION}, True),
    "record_summons": (EVERYONE_STAFF, {S.EXAMINATION}, True),
    "record_step": (EVERYONE_STAFF, {S.EXAMINATION}, True),
    "resolved_by_unit": (SUPERVISOR, {S.EXAMINATION}, False),
    "send_notice": (EVERYONE_STAFF, {S.EXAMINATION}, True),
    "reopen_examination": (EVERYONE_STAFF, {S.PRE_REPORT_NOTICE}, True),
    "issue_final_report": (SUPERVISOR, {S.PRE_REPORT_NOTICE, S.EXAMINATION}, False),
    "record_verdict": (EVERYONE_STAFF, {S.CORRECTIVE_MONITORING}, True),
    "close_after_monitoring": (SUPERVISOR, {S.CORRECTIVE_MONITORING}, False),
    "escalate_to_resolution": (EVERYONE_STAFF, {S.CORRECTIVE_MONITORING}, True),
    "issue_recommendation": (SUPERVISOR, {S.RESOLUTION}, False),
    "record_recommendation_outcome": (SUPERVISOR, {S.RECOMMENDATION}, False),
}


def test_the_table_covers_every_action():
    assert set(EXPECTED) == set(permissions.ACTIONS)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_action_for_every_role_and_status(action):
    roles, statuses, examiner_only = EXPECTED[action]
    for role in Role:
        for status in CaseStatus:
            for is_examiner in (True, False):
                user = User(id=7, role=role, office_id=1)
                case = Complaint(status=status, office_id=1, examiner_id=7 if is_examiner else 8)
                expected = (
                    role.value in roles
                    and status in statuses
                    and (not examiner_only or is_examiner or role is Role.SUPERVISOR)
                )
                assert permissions.allowed(case, action, user) is expected, (action, role, status, is_examiner)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_staff_of_another_office_are_refused(action):
    roles, statuses, _ = EXPECTED[action]
    user = User(id=7, role=Role.SUPERVISOR, office_id=2)
    case = Complaint(status=next(iter(statuses)), office_id=1, examiner_id=7)
    assert not permissions.allowed(case, action, user)


def test_a_refused_change_changes_nothing(client, seeded):
    file_complaint(client)
    case = db.session.scalar(select(Complaint))
    staff = Staff()
    events = db.session.scalar(select(func.count()).select_from(CaseEvent))
    refused = [
        lambda: verification.register(case, by=staff.examiner),  # officers may not register
        lambda: verification.register(case, by=staff.supervisor),  # formal checks not recorded
        lambda: examination.assign_examiner(case, staff.examiner, by=staff.supervisor),  # not registered yet
        lambda: examination.send_notice(case, "x", by=staff.examiner),
        lambda: verification.reject(case, "dicabut_pelapor_bukan", "x", by=staff.supervisor),
        lambda: verification.transfer(case, case.office, "x", by=staff.supervisor),  # the same office
    ]
    for attempt in refused:
        with pytest.raises(RuleError):
            attempt()
        db.session.rollback()
    case = db.session.get(Complaint, case.id)
    assert case.status is CaseStatus.RECEIVED and case.registration_number is None
    assert db.session.scalar(select(func.count()).select_from(CaseEvent)) == events


def test_another_officer_is_not_the_examiner(client, seeded):
    file_complaint(client)
    case = db.session.scalar(select(Complaint))
    staff = Staff()
    staff.examine(case)
    colleague = factories.user(Role.OFFICER)
    with pytest.raises(RuleError):
        examination.request_clarification(case, "Pertanyaan", by=colleague)
    examination.request_clarification(case, "Pertanyaan", by=staff.supervisor)  # supervisors may always act


def test_other_roles_cannot_reach_the_case_pages(app, client, seeded):
    file_complaint(client)
    case = db.session.scalar(select(Complaint))
    for role in (Role.CITIZEN, Role.UNIT_HEAD, Role.LIAISON, Role.ADMIN):
        other = app.test_client()
        factories.login(other, factories.user(role))
        assert other.get(f"/kasus/{case.id}").status_code == 403
        assert other.post(f"/kasus/{case.id}/register").status_code == 403
    # An officer of another office gets 404: the case does not exist for them.
    other_province = Province(code="99", name="Provinsi Lain", timezone="Asia/Jakarta")
    other_office = Office(code="XXX", name="Perwakilan Lain", city="Lain", province=other_province)
    db.session.add(other_office)
    db.session.commit()
    elsewhere = factories.user(Role.OFFICER, office=other_office)
    stranger = app.test_client()
    factories.login(stranger, elsewhere)
    assert stranger.get(f"/kasus/{case.id}").status_code == 404
    assert stranger.post(f"/kasus/{case.id}/begin_verification").status_code == 404
    assert case.tracking_number not in stranger.get("/kasus").get_data(as_text=True)
