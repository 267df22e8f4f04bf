from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import DateField, HiddenField, SelectChoice, SelectField
from wtforms.validators import AnyOf, DataRequired, InputRequired

from complaints.forms import REQUIRED, BaseForm, CheckedFilesMixin, NotInFuture, text


class _WithDocuments(CheckedFilesMixin, BaseForm):
    documents = MultipleFileField(_l("Documents (PDF, JPEG or PNG, at most 10 MB each; optional)"))

    def validate_documents(self, field):
        self.checked = self._check(field, many=True)


class AnswerForm(_WithDocuments):
    mode = HiddenField(default="answer", validators=[AnyOf(["answer", "supplement"])])
    text = text(_l("Your answer"), 20000, area=True, rows=8)


class ActionReportForm(_WithDocuments):
    text = text(_l("What was done"), 20000, area=True, rows=6)
    done_on = DateField(_l("Done on"), validators=[InputRequired(message=REQUIRED), NotInFuture()])


class ForwardForm(BaseForm):
    to = SelectField(_l("Forward to"), coerce=int, validators=[DataRequired(message=REQUIRED)])
    note = text(_l("Message"), 3000, area=True, rows=3)

    def __init__(self, *args, heads, **kwargs):
        """``heads``: the heads of the case's unit, the only ones to forward to."""
        super().__init__(*args, **kwargs)
        self.to.choices = [SelectChoice(0, "—")] + [SelectChoice(u.id, u.full_name) for u in heads]
