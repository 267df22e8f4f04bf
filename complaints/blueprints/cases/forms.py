"""One small form per workflow action, its choices filled from the case; the new-case form and the queue's filters,
theirs from the office."""

import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from complaints.extensions import db
from complaints.forms import REQUIRED, BaseForm, DateWithin, NotInFuture, text
from complaints.labels import STATUS_LABELS
from complaints.models import (
    Addressee,
    CaseKind,
    CaseStatus,
    ClosureReason,
    Complaint,
    Conclusion,
    MaladministrationForm,
    Office,
    Region,
    Role,
    ServiceUnit,
    SubstanceArea,
    User,
    Verdict,
)
from complaints.services.casework.examination import EXAMINATION_STEPS
from complaints.services.casework.verification import FORMAL_CHECKS, MATERIAL_CHECKS, WITHDRAWN


def _examiners(office: Office) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.office_id == office.id, User.role.in_([Role.OFFICER, Role.SUPERVISOR]), User.active)
            .order_by(User.full_name)
        )
    )


def _maladministration_forms() -> list[SelectChoice]:
    return [
        SelectChoice(m.code, m.label_id)
        for m in db.session.scalars(select(MaladministrationForm).order_by(MaladministrationForm.position))
    ]


def _subject_areas() -> list[SelectChoice]:
    return [
        SelectChoice(a.code, a.label_id)
        for a in db.session.scalars(select(SubstanceArea).order_by(SubstanceArea.position))
    ]


def _units_of(office: Office, *, active_only: bool) -> list[SelectChoice]:
    """The units of the office's province, grouped by region."""
    query = select(ServiceUnit).join(ServiceUnit.region).where(Region.province_id == office.province_id)
    if active_only:
        query = query.where(ServiceUnit.is_active)
    units = db.session.scalars(query.order_by(Region.name, ServiceUnit.id))
    return [SelectChoice(u.id, u.name, optgroup=u.region.name) for u in units]


class ActionForm(BaseForm):
    """A workflow action's form, for one case: what there is to choose comes from the case."""

    def __init__(self, *args, case: Complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_choices(case)

    def fill_choices(self, case: Complaint) -> None:
        """Most actions have nothing to choose from the case."""


class ConfirmForm(ActionForm):
    """Actions that need nothing but the decision (and the CSRF token)."""


class ChecksForm(ActionForm):
    pass


for _code, _label in {**FORMAL_CHECKS, **MATERIAL_CHECKS}.items():
    setattr(ChecksForm, _code, BooleanField(_label))


class DocumentsRequestForm(ActionForm):
    missing = text(_l("Which documents are missing"), 3000, area=True, rows=3)


class RejectForm(ActionForm):
    reason = SelectField(_l("Closure reason"), validators=[DataRequired(message=REQUIRED)])
    note = text(_l("Explanation for the reporter"), 3000, area=True, rows=3)

    def fill_choices(self, case):
        reasons = db.session.scalars(
            select(ClosureReason)
            .where(ClosureReason.stage.in_(["verification", "any"]), ClosureReason.code != WITHDRAWN)
            .order_by(ClosureReason.position)
        )
        self.reason.choices = [SelectChoice(r.code, r.label_id) for r in reasons]


class TransferForm(ActionForm):
    office_id = SelectField(_l("Office"), coerce=int, validators=[DataRequired(message=REQUIRED)])
    note = text(_l("Why"), 2000, area=True, rows=3)

    def fill_choices(self, case):
        self.office_id.choices = [
            SelectChoice(o.id, o.name) for o in db.session.scalars(select(Office).where(Office.id != case.office_id))
        ]


class AssignForm(ActionForm):
    examiner_id = SelectField(_l("Examiner"), coerce=int, validators=[DataRequired(message=REQUIRED)])

    def fill_choices(self, case):
        self.examiner_id.choices = [SelectChoice(u.id, u.full_name) for u in _examiners(case.office)]


class ClarificationForm(ActionForm):
    questions = text(_l("Questions for the unit"), 5000, area=True, rows=3)


class AnswerForm(ActionForm):
    request_id = HiddenField(validators=[DataRequired()])
    answer = text(_l("The unit's answer (as received by letter)"), 10000, area=True, rows=3)


class SummonsForm(ActionForm):
    note = text(_l("Summons: date, addressee, reference"), 2000, area=True, rows=3)


class StepForm(ActionForm):
    step = SelectField(_l("Step"), choices=[SelectChoice(code, label) for code, label in EXAMINATION_STEPS.items()])
    note = text(_l("What was done and found"), 5000, area=True, rows=3)


class NoteForm(ActionForm):
    note = text(_l("Note for the reporter (it is sent to them)"), 3000, area=True, rows=3)


class NoticeForm(ActionForm):
    conclusion = text(_l("The conclusion, as the reporter will read it"), 5000, area=True, rows=3)


class ReopenForm(ActionForm):
    note = text(_l("Why the examination is reopened"), 3000, area=True, rows=3)


ACTION_ROWS = 3


class FinalReportForm(ActionForm):
    conclusion = SelectField(
        _l("Conclusion"),
        choices=[
            SelectChoice(Conclusion.FOUND.value, _l("Maladministration found")),
            SelectChoice(Conclusion.NOT_FOUND.value, _l("No maladministration found")),
            SelectChoice(Conclusion.STOPPED.value, _l("Examination stopped")),
        ],
    )
    summary = text(_l("Summary of the final report"), 10000, area=True, rows=3)
    forms = SelectMultipleField(_l("Forms of maladministration found"), validators=[Optional()])

    def fill_choices(self, case):
        self.forms.choices = _maladministration_forms()


for _n in range(1, ACTION_ROWS + 1):
    setattr(
        FinalReportForm,
        f"action{_n}_addressee",
        SelectField(
            _l("Corrective action %(n)d: addressed to", n=_n),
            choices=[
                SelectChoice(Addressee.UNIT.value, _l("the service unit")),
                SelectChoice(Addressee.SUPERIOR.value, _l("the unit's superior")),
                SelectChoice(Addressee.RELATED_AGENCY.value, _l("a related agency")),
            ],
            default=Addressee.UNIT.value,
        ),
    )
    setattr(FinalReportForm, f"action{_n}_name", StringField(_l("Name of the addressee"), validators=[Length(max=200)]))
    setattr(
        FinalReportForm,
        f"action{_n}_description",
        TextAreaField(_l("What must be done"), validators=[Length(max=3000)], render_kw={"rows": 2}),
    )


#: For corrective actions and for recommendations alike.
VERDICT_CHOICES = [
    SelectChoice(Verdict.IMPLEMENTED.value, _l("Implemented")),
    SelectChoice(Verdict.PARTLY.value, _l("Partly implemented")),
    SelectChoice(Verdict.NOT_IMPLEMENTED.value, _l("Not implemented")),
]


class VerdictForm(ActionForm):
    action_id = HiddenField(validators=[DataRequired()])
    verdict = SelectField(_l("Verdict"), choices=VERDICT_CHOICES)
    reason = text(_l("Reason"), 3000, area=True, rows=3)


class RecommendationForm(ActionForm):
    addressed_to = StringField(
        _l("Addressed to (the unit's superior)"), validators=[DataRequired(message=REQUIRED), Length(max=200)]
    )
    text = text(_l("Recommendation"), 10000, area=True, rows=3)


class OutcomeForm(ActionForm):
    outcome = SelectField(_l("Outcome"), choices=VERDICT_CHOICES)
    note = text(_l("Note for the reporter (it is sent to them)"), 3000, area=True, rows=3)


class NewCaseForm(BaseForm):
    kind = SelectField(
        _l("Kind of case"),
        choices=[
            SelectChoice(CaseKind.QUICK_RESPONSE.value, _l("Quick response (emergency)")),
            SelectChoice(CaseKind.OWN_MOTION.value, _l("Own-motion investigation")),
        ],
    )
    unit_id = SelectField(_l("Service unit"), coerce=int, validators=[DataRequired(message=REQUIRED)])
    event_date = DateField(
        _l("Date of the event"), validators=[InputRequired(message=REQUIRED), NotInFuture(), DateWithin(1990, 0)]
    )
    account = text(_l("The situation"), 10000, area=True, rows=3)
    substance_area_code = SelectField(_l("Subject area"), validators=[DataRequired(message=REQUIRED)])
    #: The same form sent twice opens one case.
    submission_key = HiddenField(default=lambda: secrets.token_hex(16), validators=[Regexp(r"^[0-9a-f]{32}$")])

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id.choices = [SelectChoice(0, _("— choose the service unit —"))] + _units_of(office, active_only=True)
        self.substance_area_code.choices = [SelectChoice("", _("— choose —"))] + _subject_areas()


class QueueFilterForm(BaseForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()])
    region_id = SelectField(_l("Region"), coerce=int, validators=[Optional()])
    unit_id = SelectField(_l("Service unit"), coerce=int, validators=[Optional()])
    examiner_id = SelectField(_l("Examiner"), coerce=int, validators=[Optional()])
    form_code = SelectField(_l("Form of maladministration"), validators=[Optional()])
    area_code = SelectField(_l("Subject area"), validators=[Optional()])
    due_within = IntegerField(_l("Due within (days)"), validators=[Optional(), NumberRange(min=0, max=365)])
    overdue = BooleanField(_l("Overdue only"))

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [SelectChoice("", _("Open cases"))] + [
            SelectChoice(s.value, STATUS_LABELS[s]) for s in CaseStatus
        ]
        regions = db.session.scalars(
            select(Region).where(Region.province_id == office.province_id).order_by(Region.name)
        )
        self.region_id.choices = [SelectChoice(0, _("All regions"))] + [SelectChoice(r.id, r.name) for r in regions]
        self.unit_id.choices = [SelectChoice(0, _("All units"))] + _units_of(office, active_only=False)
        self.examiner_id.choices = [SelectChoice(0, _("All examiners"))] + [
            SelectChoice(u.id, u.full_name) for u in _examiners(office)
        ]
        self.form_code.choices = [SelectChoice("", _("All forms"))] + _maladministration_forms()
        self.area_code.choices = [SelectChoice("", _("All subject areas"))] + _subject_areas()


class IdentityViewFilterForm(BaseForm):
    """The filters of the office's record of identity views (supervisors)."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional(), DateWithin()])
    end = DateField(_l("Until"), validators=[Optional(), DateWithin()])
    user_id = SelectField(_l("Member of staff"), coerce=int, validators=[Optional()])
    case = StringField(_l("Case (tracking or registration number)"), validators=[Optional(), Length(max=40)])

    def __init__(self, *args, viewers: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = [SelectChoice(0, _("Everyone"))] + [SelectChoice(u.id, u.full_name) for u in viewers]

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_("The end date cannot be before the start date."))
