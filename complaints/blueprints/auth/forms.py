from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from complaints.forms import BaseForm, email_field, new_password_field


class LoginForm(BaseForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Enter your password.")),
            Length(max=128, message=_l("Use at most 128 characters.")),
        ],
        render_kw={"autocomplete": "current-password", "maxlength": 128},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))


class RegistrationForm(BaseForm):
    full_name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(message=_l("Enter your full name.")),
            Length(min=2, max=120, message=_l("A name has between 2 and 120 characters.")),
        ],
        render_kw={"autocomplete": "name", "maxlength": 120},
    )
    email = email_field()
    password = new_password_field()
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(message=_l("Repeat the password.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password", "maxlength": 128},
    )


class ForgotPasswordForm(BaseForm):
    email = email_field()


class ResetPasswordForm(BaseForm):
    password = new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(message=_l("Repeat the password.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password", "maxlength": 128},
    )


class CodeForm(BaseForm):
    """A code from the authenticator app (or, where accepted, a recovery code)."""

    code = StringField(
        _l("Code from the app"),
        validators=[
            DataRequired(message=_l("Enter the 6-digit code from your authenticator app, or a recovery code.")),
            Length(max=40, message=_l("Use at most 40 characters.")),
        ],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "maxlength": 40, "autofocus": True},
    )
