from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from complaints.extensions import db
from complaints.forms import REQUIRED, BaseForm, DateWithin, email_field, new_password_field, text
from complaints.labels import DAY_TYPE_LABELS, OVERRIDE_KIND_LABELS, ROLE_LABELS, UNIT_KIND_LABELS, ZONE_LABELS
from complaints.models import Office, OverrideKind, Region, Role, ServiceUnit, UnitKind, User
from complaints.models.compliance import ZONES


def _region_choices() -> list[SelectChoice]:
    return [
        SelectChoice(r.id, f"{r.code} · {r.name}") for r in db.session.scalars(select(Region).order_by(Region.code))
    ]


class _ReachChoices:
    """Offices, regions and units to choose from (the only values the form accepts)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.office_id.choices = [SelectChoice(0, "—")] + [
            SelectChoice(o.id, f"{o.code} · {o.name}") for o in db.session.scalars(select(Office).order_by(Office.code))
        ]
        self.region_id.choices = [SelectChoice(0, "—")] + _region_choices()
        units = db.session.scalars(select(ServiceUnit).join(ServiceUnit.region).order_by(Region.code, ServiceUnit.id))
        self.unit_ids.choices = [SelectChoice(u.id, f"{u.region.name} · {u.name}") for u in units]


class StaffUserForm(_ReachChoices, BaseForm):
    """A staff account, with the office, region or units it reaches."""

    full_name = text(_l("Full name"), 120)
    email = email_field()
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role if r is not Role.CITIZEN],
        validators=[DataRequired()],
    )
    office_id = SelectField(_l("Office (Ombudsman staff)"), coerce=int, validators=[Optional()])
    region_id = SelectField(_l("Region (liaison)"), coerce=int, validators=[Optional()])
    unit_ids = SelectMultipleField(_l("Service units (unit head)"), coerce=int, validators=[Optional()])
    password = new_password_field(_l("Initial password"))


class ReachForm(_ReachChoices, BaseForm):
    office_id = SelectField(_l("Office (Ombudsman staff)"), coerce=int, validators=[Optional()])
    region_id = SelectField(_l("Region (liaison)"), coerce=int, validators=[Optional()])
    unit_ids = SelectMultipleField(_l("Service units (unit head)"), coerce=int, validators=[Optional()])
    active = BooleanField(_l("Account active"))


class UnitForm(BaseForm):
    region_id = SelectField(_l("Region"), coerce=int, validators=[DataRequired()])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, UNIT_KIND_LABELS[k]) for k in UnitKind])
    name = text(_l("Name"), 200)
    head_title = text(_l("Title of the head (as letters are addressed)"), 200)
    head_name = StringField(_l("Name of the head"), validators=[Optional(), Length(max=120)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    is_active = BooleanField(_l("In service"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_id.choices = _region_choices()


def _days_field(label):
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(min=1, max=365, message=_l("Between 1 and 365 days."))],
        render_kw={"min": 1, "max": 365, "inputmode": "numeric"},
    )


def _day_type_field(label):
    return SelectField(label, choices=[SelectChoice(k, v) for k, v in DAY_TYPE_LABELS.items()], default="working")


class AgreementForm(BaseForm):
    valid_from = DateField(
        _l("Valid from"), validators=[InputRequired(message=_l("Enter a date.")), DateWithin(2000, 30)]
    )
    valid_to = DateField(_l("Valid until (leave empty if not known)"), validators=[Optional(), DateWithin(2000, 30)])
    clarification_days = _days_field(_l("Agreed days to answer a clarification request"))
    clarification_day_type = _day_type_field(_l("Counted in"))
    corrective_action_days = _days_field(_l("Agreed days to carry out corrective actions"))
    corrective_action_day_type = _day_type_field(_l("Counted in"))
    liaison_ids = SelectMultipleField(_l("Liaisons"), coerce=int, validators=[Optional()])

    def __init__(self, *args, candidates: list[User], **kwargs):
        """``candidates``: the liaisons of the agreement's region, the only ones it may list."""
        super().__init__(*args, **kwargs)
        self.liaison_ids.choices = [SelectChoice(u.id, f"{u.full_name} <{u.email}>") for u in candidates]

    #: Clocks whose days an agreement may set for the region's units (the workflow reads ``clock_terms``).
    AGREED_CLOCKS = ("clarification", "corrective_action")

    def clock_terms(self) -> dict:
        terms = {}
        for clock in self.AGREED_CLOCKS:
            days = getattr(self, f"{clock}_days").data
            if days:
                terms[clock] = {"days": days, "day_type": getattr(self, f"{clock}_day_type").data}
        return terms

    def fill_clock_terms(self, terms: dict | None) -> None:
        for clock, term in (terms or {}).items():
            if clock in self.AGREED_CLOCKS:
                getattr(self, f"{clock}_days").data = term.get("days")
                getattr(self, f"{clock}_day_type").data = term.get("day_type", "working")

    def validate_valid_to(self, field):
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError(_l("The end of validity cannot be before its start."))


class HolidayOverrideForm(BaseForm):
    day = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter a date.")), DateWithin(2015, 5)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, OVERRIDE_KIND_LABELS[k]) for k in OverrideKind])
    name = text(_l("Name"), 200)
    legal_basis = StringField(_l("Legal basis (decree)"), validators=[Optional(), Length(max=300)])

    def validate_kind(self, field):
        if field.data == OverrideKind.WORKING_DAY and self.day.data and self.day.data.weekday() >= 5:
            raise ValidationError(_l("Saturdays and Sundays are never working days; choose a weekday."))


class AssessmentImportForm(BaseForm):
    table = FileField(
        _l("Results file (CSV or XLSX)"), validators=[FileRequired(message=_l("Choose the file to import."))]
    )


class BandForm(BaseForm):
    """A band of a year's table, for the years after the published methods."""

    year = IntegerField(
        _l("Assessment year"),
        validators=[InputRequired(message=REQUIRED), NumberRange(min=2025, max=2100)],
    )
    category = SelectField(
        _l("Category"), choices=[SelectChoice("", _l("none (zones only)"))] + [SelectChoice(c, c) for c in "ABCDE"]
    )
    lower = DecimalField(
        _l("Lowest score (included)"),
        places=2,
        validators=[InputRequired(message=REQUIRED), NumberRange(min=0, max=100)],
    )
    upper = DecimalField(
        _l("Highest score (included)"),
        places=2,
        validators=[InputRequired(message=REQUIRED), NumberRange(min=0, max=100)],
    )
    opinion = text(_l("Opinion"), 80)
    zone = SelectField(_l("Zone"), choices=[SelectChoice(z, ZONE_LABELS[z]) for z in ZONES])


class ApiClientForm(BaseForm):
    """A client application that files reports through Open311."""

    name = text(_l("Application name"), 120)
    contact_email = email_field(_l("Contact e-mail address"))
