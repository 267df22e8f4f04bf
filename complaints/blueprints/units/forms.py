from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length

from complaints.blueprints.reports.forms import CheckedFilesMixin
from complaints.forms import BaseForm, NotInFuture

REQUIRED = _l("This field is required.")


class _WithDocuments(CheckedFilesMixin, BaseForm):
    documents = MultipleFileField(_l("Documents (PDF, JPEG or PNG, at most 10 MB each; optional)"))

    def validate_documents(self, field):
        self.checked = self._check(field, many=True)


class AnswerForm(_WithDocuments):
    mode = HiddenField(default="answer", validators=[AnyOf(["answer", "supplement"])])
    text = TextAreaField(
        _l("Your answer"),
        validators=[DataRequired(message=REQUIRED), Length(max=20000)],
        render_kw={"rows": 8, "maxlength": 20000},
    )


class ActionReportForm(_WithDocuments):
    text = TextAreaField(
        _l("What was done"),
        validators=[DataRequired(message=REQUIRED), Length(max=20000)],
        render_kw={"rows": 6, "maxlength": 20000},
    )
    done_on = DateField(_l("Done on"), validators=[InputRequired(message=REQUIRED), NotInFuture()])


class ForwardForm(BaseForm):
    to = SelectField(_l("Forward to"), coerce=int, validators=[DataRequired(message=REQUIRED)])
    note = TextAreaField(
        _l("Message"), validators=[DataRequired(message=REQUIRED), Length(max=3000)], render_kw={"rows": 3}
    )
