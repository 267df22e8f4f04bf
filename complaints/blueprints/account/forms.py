from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from complaints.forms import BaseForm, new_password_field, text


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password", "maxlength": 128},
    )
    new_password = new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(message=_l("Repeat the password.")),
            EqualTo("new_password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password", "maxlength": 128},
    )


class TokenForm(BaseForm):
    name = text(_l("What the token is for"), 80, render_kw={"placeholder": _l("e.g. the region's complaint desk")})
