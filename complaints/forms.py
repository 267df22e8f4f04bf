"""Form building blocks shared by every blueprint: whitespace stripped, sizes bounded, messages translated."""

from __future__ import annotations

import re
from datetime import date

from flask import current_app
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from complaints.i18n import N_
from complaints.services.places.working_days import DEFAULT_TIMEZONE, office_today


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


class BaseForm(FlaskForm):
    """Strips surrounding whitespace from every text input before validation; speaks the visitor's language."""

    class Meta:
        def get_translations(self, form):
            return _BabelTranslations()

        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", []))
            if unbound_field.field_class is not PasswordField:
                filters.append(_strip)
            return unbound_field.bind(form=form, filters=filters, **options)


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
