"""One small form per workflow action; the view fills the choices from the case."""

import secrets

from flask_babel import lazy_gettext as _l
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
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from complaints.forms import REQUIRED, BaseForm, DateWithin, NotInFuture, text
from complaints.models import Addressee, CaseKind, Conclusion, Verdict
from complaints.services.casework.workflow import EXAMINATION_STEPS, FORMAL_CHECKS, MATERIAL_CHECKS


class ConfirmForm(BaseForm):
    """Actions that need nothing but the decision (and the CSRF token)."""


class ChecksForm(BaseForm):
    pass


for _code, _label in {**FORMAL_CHECKS, **MATERIAL_CHECKS}.items():
    setattr(ChecksForm, _code, BooleanField(_label))


class DocumentsRequestForm(BaseForm):
    missing = text(_l("Which documents are missing"), 3000, area=True, rows=3)


class RejectForm(BaseForm):
    reason = SelectField(_l("Closure reason"), validators=[DataRequired(message=REQUIRED)])
    note = text(_l("Explanation for the reporter"), 3000, area=True, rows=3)


class TransferForm(BaseForm):
    office_id = SelectField(_l("Office"), coerce=int, validators=[DataRequired(message=REQUIRED)])
    note = text(_l("Why"), 2000, area=True, rows=3)


class AssignForm(BaseForm):
    examiner_id = SelectField(_l("Examiner"), coerce=int, validators=[DataRequired(message=REQUIRED)])


class ClarificationForm(BaseForm):
    questions = text(_l("Questions for the unit"), 5000, area=True, rows=3)


class AnswerForm(BaseForm):
    request_id = HiddenField(validators=[DataRequired()])
    answer = text(_l("The unit's answer (as received by letter)"), 10000, area=True, rows=3)


class SummonsForm(BaseForm):
    note = text(_l("Summons: date, addressee, reference"), 2000, area=True, rows=3)


class StepForm(BaseForm):
    step = SelectField(_l("Step"), choices=[SelectChoice(code, label) for code, label in EXAMINATION_STEPS.items()])
    note = text(_l("What was done and found"), 5000, area=True, rows=3)


class NoteForm(BaseForm):
    note = text(_l("Note for the reporter (it is sent to them)"), 3000, area=True, rows=3)


class NoticeForm(BaseForm):
    conclusion = text(_l("The conclusion, as the reporter will read it"), 5000, area=True, rows=3)


class ReopenForm(BaseForm):
    note = text(_l("Why the examination is reopened"), 3000, area=True, rows=3)


ACTION_ROWS = 3


class FinalReportForm(BaseForm):
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


class VerdictForm(BaseForm):
    action_id = HiddenField(validators=[DataRequired()])
    verdict = SelectField(_l("Verdict"), choices=VERDICT_CHOICES)
    reason = text(_l("Reason"), 3000, area=True, rows=3)


class RecommendationForm(BaseForm):
    addressed_to = StringField(
        _l("Addressed to (the unit's superior)"), validators=[DataRequired(message=REQUIRED), Length(max=200)]
    )
    text = text(_l("Recommendation"), 10000, area=True, rows=3)


class OutcomeForm(BaseForm):
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
