import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from complaints.forms import BaseForm, NotInFuture, email_field
from complaints.labels import MARITAL_STATUS_LABELS, PRIOR_CHANNEL_LABELS
from complaints.models import MaritalStatus, PriorComplaintChannel
from complaints.services.core import uploads
from complaints.services.intake import filing

REQUIRED = _l("This field is required.")


def text(label, max_length, *, required=True, area=False, **kwargs):
    field_class = TextAreaField if area else StringField
    validators = [DataRequired(message=REQUIRED)] if required else [Optional()]
    validators.append(Length(max=max_length, message=_l("At most %(n)d characters.", n=max_length)))
    render_kw = {"maxlength": max_length, **kwargs.pop("render_kw", {})}
    if area:
        render_kw.setdefault("rows", 4)
    return field_class(label, validators=validators, render_kw=render_kw, **kwargs)


class CheckedFilesMixin:
    """Runs every uploaded file through services/uploads.py and keeps what passed for the view."""

    def _check(self, field, *, many=False):
        storages = field.data if many else [field.data]
        checked = []
        for storage in storages or []:
            if storage is None or not getattr(storage, "filename", None):
                continue
            try:
                checked.append(uploads.check_file(storage))
            except uploads.UploadError as exc:
                raise ValidationError(str(exc)) from exc
        return checked


class ComplaintForm(CheckedFilesMixin, BaseForm):
    # The reporter, as UU 37/2008 art. 24(1)(a) asks.
    full_name = text(_l("Full name (as on your ID card)"), 120, render_kw={"autocomplete": "name"})
    nik = StringField(
        _l("ID card number (NIK)"),
        validators=[
            DataRequired(message=REQUIRED),
            Regexp(r"^[0-9]{16}$", message=_l("The NIK has exactly 16 digits.")),
        ],
        render_kw={"inputmode": "numeric", "maxlength": 16, "autocomplete": "off"},
    )
    birth_place = text(_l("Place of birth"), 80)
    birth_date = DateField(
        _l("Date of birth"), validators=[InputRequired(message=_l("Enter a valid date.")), NotInFuture()]
    )
    marital_status = SelectField(
        _l("Marital status"),
        choices=[SelectChoice(m.value, MARITAL_STATUS_LABELS[m]) for m in MaritalStatus],
        validators=[DataRequired(message=REQUIRED)],
    )
    occupation = text(_l("Occupation"), 80)
    address = text(_l("Full address"), 300, area=True, render_kw={"rows": 2, "autocomplete": "street-address"})
    phone = StringField(
        _l("Telephone or WhatsApp"),
        validators=[
            DataRequired(message=REQUIRED),
            Regexp(r"^\+?[0-9][0-9 -]{6,18}[0-9]$", message=_l("Enter a telephone number such as 0812 3456 7890.")),
        ],
        render_kw={"inputmode": "tel", "maxlength": 20, "autocomplete": "tel"},
    )
    email = email_field()
    id_card = FileField(
        _l("Copy of your ID card (KTP)"), validators=[FileRequired(message=_l("Attach a copy of your ID card."))]
    )
    acts_for_other = BooleanField(_l("I report on behalf of someone else (kuasa)"))
    principal_name = text(_l("Name of the person you represent"), 120, required=False)
    power_of_attorney = FileField(_l("Power of attorney (surat kuasa)"))
    confidential = BooleanField(_l("Keep my identity confidential"))

    # What is reported.
    region_id = SelectField(_l("Region"), coerce=int, validators=[DataRequired(message=_l("Choose the region."))])
    unit_id = SelectField(
        _l("Service unit"), coerce=int, validators=[DataRequired(message=_l("Choose the service unit."))]
    )
    event_date = DateField(
        _l("When did it happen?"), validators=[InputRequired(message=_l("Enter a valid date.")), NotInFuture()]
    )
    chronology = text(_l("What happened"), 10000, area=True, render_kw={"rows": 8})
    substance_area_code = SelectField(_l("Subject area"), validators=[DataRequired(message=REQUIRED)])
    suspected_form_code = SelectField(_l("Form of maladministration you suspect (optional)"), validators=[Optional()])
    expectation = text(_l("What do you expect from the Ombudsman?"), 3000, area=True)

    # The prior complaint to the unit (UU 37/2008 art. 24(1)(c)).
    complained_to_unit = RadioField(
        _l("Did you first complain to the service unit or its superior?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[InputRequired(message=_l("Answer yes or no."))],
    )
    prior_complaint_date = DateField(_l("When did you complain?"), validators=[Optional(), NotInFuture()])
    prior_complaint_channel = SelectField(
        _l("How did you complain?"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(c.value, PRIOR_CHANNEL_LABELS[c]) for c in PriorComplaintChannel],
        validators=[Optional()],
    )
    prior_complaint_response = text(_l("What did the unit answer?"), 3000, required=False, area=True)

    evidence = MultipleFileField(_l("Supporting documents (optional)"))
    evidence_private = BooleanField(_l("Do not show my supporting documents to the service unit"))

    # One random key per form shown: the same form sent twice files one report.
    submission_key = HiddenField(default=lambda: secrets.token_hex(16), validators=[Regexp(r"^[0-9a-f]{32}$")])

    # Honeypot: hidden from people (CSS and aria-hidden), filled in only by robots.
    website = StringField(_l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"})

    def __init__(self, *args, regions=(), units=(), areas=(), forms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.region_id.choices = [SelectChoice(0, _l("— choose the region —"))] + [
            SelectChoice(r.id, r.name) for r in regions
        ]
        # Units are grouped by region, so that the list follows the region even without JavaScript.
        self.unit_id.choices = [SelectChoice(0, _l("— choose the service unit —"))] + [
            SelectChoice(u.id, u.name, optgroup=u.region.name, render_kw={"data-region": str(u.region_id)})
            for u in units
        ]
        self.substance_area_code.choices = [SelectChoice("", _l("— choose —"))] + [
            SelectChoice(a.code, a.label_id) for a in areas
        ]
        self.suspected_form_code.choices = [SelectChoice("", _l("I do not know"))] + [
            SelectChoice(f.code, f.label_id) for f in forms
        ]
        self.checked_id_card = None
        self.checked_power_of_attorney = None
        self.checked_evidence = []

    def validate_website(self, field):
        if field.data:
            raise ValidationError(_l("Leave this field empty."))

    def validate(self, extra_validators=None):
        """Field checks, then the fields required only by another answer (optional fields skip inline checks)."""
        valid = super().validate(extra_validators)
        if self.acts_for_other.data and not self.principal_name.data:
            self.principal_name.errors.append(_l("Name the person you represent."))
            valid = False
        if self.complained_to_unit.data == "yes" and not self.prior_complaint_date.data:
            if not self.prior_complaint_date.errors:
                self.prior_complaint_date.errors.append(_l("Say when you complained to the unit."))
            valid = False
        event, born, prior = self.event_date.data, self.birth_date.data, self.prior_complaint_date.data
        if event and born and born >= event:
            self.birth_date.errors.append(_l("The date of birth must come before the event."))
            valid = False
        if event and prior and self.complained_to_unit.data == "yes" and prior < event:
            self.prior_complaint_date.errors.append(_l("The complaint to the unit comes after the event."))
            valid = False
        return valid

    def validate_id_card(self, field):
        checked = self._check(field)
        self.checked_id_card = checked[0] if checked else None

    def validate_power_of_attorney(self, field):
        checked = self._check(field)
        self.checked_power_of_attorney = checked[0] if checked else None
        if self.acts_for_other.data and not checked:
            raise ValidationError(_l("Attach the power of attorney."))

    def validate_evidence(self, field):
        self.checked_evidence = self._check(field, many=True)

    def submission(self) -> filing.Submission:
        """What the form collected, for ``filing.file_complaint`` (the web form and Open311 alike)."""
        return filing.Submission(
            full_name=self.full_name.data,
            nik=self.nik.data,
            birth_place=self.birth_place.data,
            birth_date=self.birth_date.data,
            marital_status=self.marital_status.data,
            occupation=self.occupation.data,
            address=self.address.data,
            phone=self.phone.data,
            email=self.email.data,
            region_id=self.region_id.data,
            unit_id=self.unit_id.data,
            event_date=self.event_date.data,
            chronology=self.chronology.data,
            complained_to_unit=self.complained_to_unit.data == "yes",
            expectation=self.expectation.data,
            substance_area_code=self.substance_area_code.data,
            confidential=self.confidential.data,
            acts_for_other=self.acts_for_other.data,
            principal_name=self.principal_name.data,
            prior_complaint_date=self.prior_complaint_date.data,
            prior_complaint_channel=self.prior_complaint_channel.data or None,
            prior_complaint_response=self.prior_complaint_response.data,
            suspected_form_code=self.suspected_form_code.data or None,
        )


class TrackForm(BaseForm):
    tracking_number = StringField(
        _l("Tracking number"),
        validators=[DataRequired(message=REQUIRED), Length(max=20)],
        render_kw={"autocomplete": "off", "maxlength": 20, "placeholder": "7KQ4-X9TP"},
    )
    access_key = StringField(
        _l("Access key"),
        validators=[DataRequired(message=REQUIRED), Length(max=30)],
        render_kw={"autocomplete": "off", "maxlength": 30},
    )


class DocumentsForm(CheckedFilesMixin, BaseForm):
    note = text(_l("Note for the Ombudsman (optional)"), 3000, required=False, area=True)
    documents = MultipleFileField(_l("Documents"))

    def validate_documents(self, field):
        self.checked = self._check(field, many=True)
        if not self.checked:
            raise ValidationError(_l("Attach at least one document."))


class NoticeResponseForm(CheckedFilesMixin, BaseForm):
    response = text(_l("Your response to the conclusion"), 10000, area=True, render_kw={"rows": 6})
    documents = MultipleFileField(_l("New evidence (optional)"))

    def validate_documents(self, field):
        self.checked = self._check(field, many=True)


class WithdrawForm(BaseForm):
    reason = text(_l("Why do you withdraw the report?"), 2000, area=True)
    confirm = BooleanField(
        _l("I understand that the Ombudsman will close the report"),
        validators=[DataRequired(message=_l("Confirm that you want to withdraw."))],
    )


class RatingForm(BaseForm):
    rating = RadioField(
        _l("How satisfied are you with how your report was handled?"),
        choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)],
        validators=[InputRequired(message=_l("Choose from 1 to 5."))],
    )
    comment = text(_l("Comment (optional)"), 2000, required=False, area=True)
