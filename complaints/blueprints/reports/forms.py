"""The reporter's forms after filing: tracking a report, documents, a response, withdrawal, a rating (the filing
form itself is shared with Open311: complaints/forms.py)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from complaints.forms import REQUIRED, BaseForm, CheckedFilesMixin, citizen_text


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
    note = citizen_text(_l("Note for the Ombudsman (optional)"), 3000, required=False, area=True)
    documents = MultipleFileField(_l("Documents"))

    def validate_documents(self, field):
        self.checked = self._check(field, many=True)
        if not self.checked:
            raise ValidationError(_l("Attach at least one document."))


class NoticeResponseForm(CheckedFilesMixin, BaseForm):
    response = citizen_text(_l("Your response to the conclusion"), 10000, area=True, render_kw={"rows": 6})
    documents = MultipleFileField(_l("New evidence (optional)"))

    def validate_documents(self, field):
        self.checked = self._check(field, many=True)


class WithdrawForm(BaseForm):
    reason = citizen_text(_l("Why do you withdraw the report?"), 2000, area=True)
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
    comment = citizen_text(_l("Comment (optional)"), 2000, required=False, area=True)
