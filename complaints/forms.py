"""Forms shared by the blueprints: the building blocks (whitespace stripped, sizes bounded, messages translated,
uploads checked) and the complaint form, which the web page and Open311 file with alike."""

from __future__ import annotations

import re
import secrets
from datetime import date
from functools import partial

from flask import current_app
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp, ValidationError

from complaints.i18n import N_
from complaints.labels import MARITAL_STATUS_LABELS, PRIOR_CHANNEL_LABELS
from complaints.models import MaritalStatus, PriorComplaintChannel
from complaints.security import BIDI_CONTROLS, LINE_BREAKS, foreign_digits
from complaints.services.core import uploads
from complaints.services.intake import filing
from complaints.services.places.working_days import DEFAULT_TIMEZONE, office_today

REQUIRED = _l("This field is required.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


#: WTForms' own messages, marked here so that they are in our catalogue (WTForms ships no Indonesian).
WTFORMS_MESSAGES = (
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Not a valid date value."),
    N_("Not a valid integer value."),
    N_("This field is required."),
    N_("Invalid input."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_("'%(value)s' is not a valid choice for this field."),
    N_("'%(value)s' are not valid choices for this field."),
    N_("Field cannot be longer than %(max)d character."),
    N_("Field cannot be longer than %(max)d characters."),
    N_("Field must be at least %(min)d character long."),
    N_("Field must be at least %(min)d characters long."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be between %(min)s and %(max)s."),
)


class _BabelTranslations:
    """WTForms asks its forms for a translations object; ours answers from the project's catalogue (WTForms fills
    in the placeholders itself, so nothing is formatted here)."""

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        # Indonesian does not inflect for number: each English form is its own entry in the catalogue.
        return get_translations().ugettext(singular if n == 1 else plural)


def no_bidi_controls(form, field):
    """No text-direction override in anything typed (complaints.security.BIDI_CONTROLS says which and why)."""
    if isinstance(field.data, str) and any(ch in BIDI_CONTROLS for ch in field.data):
        raise ValidationError(
            _l(
                "Remove the invisible text-direction characters (such as U+202E): they make text read differently "
                "from what it is."
            )
        )


def one_line(form, field):
    """No line break in a one-line field (a name, an address for e-mail, a subject): it would start a new header
    in an e-mail or a new line in a letter."""
    if isinstance(field.data, str) and any(ch in LINE_BREAKS for ch in field.data):
        raise ValidationError(_l("Write this on one line."))


def ascii_digits(form, field):
    """Numbers, dates and choices in the digits 0-9 only: ``int()`` reads "\u0663" as 3, so a unit or an amount
    could otherwise be chosen with digits that no list offers."""
    if any(isinstance(value, str) and foreign_digits(value) for value in field.raw_data or ()):
        raise ValidationError(_l("Write numbers with the digits 0-9."))


def character_checks(field) -> list:
    """What every field of every form is held to, whatever its own validators: text (passwords aside, which are
    never shown) has no direction overrides, and no line breaks unless it is a text area; every other field
    (numbers, dates, choices) takes ASCII digits only."""
    if isinstance(field, PasswordField):
        return []
    if isinstance(field, TextAreaField):
        return [no_bidi_controls]
    if isinstance(field, StringField):
        return [no_bidi_controls, one_line]
    return [ascii_digits]


class BaseForm(FlaskForm):
    """Strips surrounding whitespace from every text input before validation; holds every field to
    ``character_checks``; speaks the visitor's language."""

    class Meta:
        def get_translations(self, form):
            return _BabelTranslations()

        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", []))
            if unbound_field.field_class is not PasswordField:
                filters.append(_strip)
            return unbound_field.bind(form=form, filters=filters, **options)

    def validate(self, extra_validators=None):
        extra = {
            name: [*(extra_validators or {}).get(name, ()), *character_checks(field)]
            for name, field in self._fields.items()
        }
        return super().validate(extra)


def text(label, max_length: int, *, required=True, area=False, rows=4, plain_limit=False, **kwargs):
    """A text input (a text area with ``area``), required or optional, of at most ``max_length`` characters (the
    browser holds to it too). ``plain_limit`` says so in the citizen's words rather than WTForms' own."""
    field_class = TextAreaField if area else StringField
    validators = [DataRequired(message=REQUIRED)] if required else [Optional()]
    limit_message = _l("At most %(n)d characters.", n=max_length) if plain_limit else None
    validators.append(Length(max=max_length, message=limit_message))
    render_kw = {"maxlength": max_length, **kwargs.pop("render_kw", {})}
    if area:
        render_kw.setdefault("rows", rows)
    return field_class(label, validators=validators, render_kw=render_kw, **kwargs)


class CheckedFilesMixin:
    """Runs every uploaded file through services/core/uploads.py and keeps what passed for the view."""

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


#: What citizens type: the length limit said in plain words.
citizen_text = partial(text, plain_limit=True)


def email_field(label=None, **kwargs) -> EmailField:
    return EmailField(
        label or _l("E-mail address"),
        validators=[
            DataRequired(message=_l("Enter your e-mail address.")),
            Length(max=254, message=_l("An e-mail address has at most 254 characters.")),
            Email(message=_l("Enter an e-mail address like name@example.id."), check_deliverability=False),
        ],
        filters=[lambda v: v.lower() if isinstance(v, str) else v],
        render_kw={"autocomplete": "email", "maxlength": 254},
        **kwargs,
    )


class StrongPassword:
    """At least PASSWORD_MIN_LENGTH characters and not an obvious one; at most 128 (scrypt input stays bounded)."""

    COMMON = re.compile(r"^(.)\1+$|^(0123456789|1234567890|password|katasandi|qwertyuiop)", re.IGNORECASE)

    def __call__(self, form, field):
        value = field.data or ""
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        if len(value) < minimum:
            raise ValidationError(_l("Use at least %(n)d characters.", n=minimum))
        if len(value) > 128:
            raise ValidationError(_l("Use at most 128 characters."))
        if self.COMMON.search(value):
            raise ValidationError(_l("This password is too easy to guess. Choose another."))


def new_password_field(label=None) -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        validators=[DataRequired(message=_l("Choose a password.")), StrongPassword()],
        render_kw={"autocomplete": "new-password", "maxlength": 128},
    )


class DateWithin:
    """A date within plausible years for a record of the service (refuses 0001-01-01 and 9999-12-31)."""

    def __init__(self, first_year: int = 1990, years_ahead: int = 10):
        self.first_year, self.years_ahead = first_year, years_ahead

    def __call__(self, form, field):
        if field.data is None:
            return
        # A plausibility bound on years: a day either way changes nothing.
        last_year = office_today(DEFAULT_TIMEZONE).year + self.years_ahead
        if not self.first_year <= field.data.year <= last_year:
            raise ValidationError(
                _l("Enter a date between %(first)d and %(last)d.", first=self.first_year, last=last_year)
            )


class NotInFuture:
    """A date no later than today in the office's time zone (and not absurdly far in the past). Form validators
    know no office: this is the default zone, and the services check again with the zone of the office concerned
    where it matters (filing, a unit's report)."""

    EARLIEST = date(1900, 1, 1)

    def __call__(self, form, field):
        if field.data is None:
            return
        if field.data > office_today(DEFAULT_TIMEZONE):
            raise ValidationError(_l("The date cannot be in the future."))
        if field.data < self.EARLIEST:
            raise ValidationError(_l("Enter a date after 1900."))


class ComplaintForm(CheckedFilesMixin, BaseForm):
    # The reporter, as UU 37/2008 art. 24(1)(a) asks.
    full_name = citizen_text(_l("Full name (as on your ID card)"), 120, render_kw={"autocomplete": "name"})
    nik = StringField(
        _l("ID card number (NIK)"),
        validators=[
            DataRequired(message=REQUIRED),
            Regexp(r"^[0-9]{16}$", message=_l("The NIK has exactly 16 digits.")),
        ],
        render_kw={"inputmode": "numeric", "maxlength": 16, "autocomplete": "off"},
    )
    birth_place = citizen_text(_l("Place of birth"), 80)
    birth_date = DateField(
        _l("Date of birth"), validators=[InputRequired(message=_l("Enter a valid date.")), NotInFuture()]
    )
    marital_status = SelectField(
        _l("Marital status"),
        choices=[SelectChoice(m.value, MARITAL_STATUS_LABELS[m]) for m in MaritalStatus],
        validators=[DataRequired(message=REQUIRED)],
    )
    occupation = citizen_text(_l("Occupation"), 80)
    address = citizen_text(_l("Full address"), 300, area=True, render_kw={"rows": 2, "autocomplete": "street-address"})
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
    principal_name = citizen_text(_l("Name of the person you represent"), 120, required=False)
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
    chronology = citizen_text(_l("What happened"), 10000, area=True, render_kw={"rows": 8})
    substance_area_code = SelectField(_l("Subject area"), validators=[DataRequired(message=REQUIRED)])
    suspected_form_code = SelectField(_l("Form of maladministration you suspect (optional)"), validators=[Optional()])
    expectation = citizen_text(_l("What do you expect from the Ombudsman?"), 3000, area=True)

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
    prior_complaint_response = citizen_text(_l("What did the unit answer?"), 3000, required=False, area=True)

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
