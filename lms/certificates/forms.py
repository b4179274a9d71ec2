"""Forms of the certificates area: completion rules and policy, templates, revoke and reissue,
sign-off, issue. Choices are filled in by the views."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.classes.forms import CheckboxListField
from lms.forms import LMSForm, WholeNumberField
from lms.routing import coerce_id


class RulesForm(LMSForm):
    modules = BooleanField(_l("Every required module of the course completed"))
    quiz_ids = CheckboxListField(_l("Quizzes to pass (at each quiz's pass mark)"), coerce=coerce_id)
    attendance = WholeNumberField(
        _l("Least attendance (percent of the sessions; empty: no attendance rule)"),
        validators=[Optional(), NumberRange(1, 100)],
    )
    signoff = BooleanField(_l("A trainer of the class signs each learner off"))
    template_id = SelectField(_l("Certificate template"))
    auto_issue = BooleanField(_l("Issue the certificate as soon as a learner meets every rule"))
    valid_months = WholeNumberField(
        _l("Valid for (months; empty: no expiry)"),
        validators=[Optional(), NumberRange(1, 120)],
    )


class TemplateForm(LMSForm):
    unit_id = SelectField(_l("Unit using the template"), validators=[DataRequired()])
    name = StringField(_l("Template name"), validators=[DataRequired(), Length(max=255)])
    heading = StringField(_l("Title"), validators=[DataRequired(), Length(max=255)])
    issuer = TextAreaField(
        _l("Issuing body (the superior body on the first line, if any)"),
        validators=[DataRequired(), Length(max=255)],
        render_kw={"rows": 2},
    )
    signer_name = StringField(_l("Signer's name"), validators=[DataRequired(), Length(max=255)])
    signer_title = StringField(_l("Signer's title"), validators=[DataRequired(), Length(max=255)])
    issue_place = StringField(_l("Place of issue"), validators=[DataRequired(), Length(max=128)])
    fields = CheckboxListField(_l("Printed fields"))


class ReasonForm(LMSForm):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(), Length(max=500)], render_kw={"rows": 2}
    )


class LearnerForm(LMSForm):
    """An action on one learner of a class (issue, sign off, withdraw a sign-off)."""

    user_id = HiddenField(validators=[DataRequired(), Length(max=64)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=255)])


class ActionForm(LMSForm):
    """A button that only needs its CSRF token (bulk issue, build the ZIP)."""
