"""Form building blocks shared by every blueprint: whitespace stripped, sizes bounded, messages translated."""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length, ValidationError


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Strips surrounding whitespace from every text input before validation."""

    class Meta:
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
