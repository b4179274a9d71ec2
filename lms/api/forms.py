"""Forms of the admin's API pages: a new token, a new webhook endpoint, and bare actions."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from lms.api.models import Scope, WebhookEvent
from lms.api.tokens import NAME_MAX
from lms.api.webhooks.endpoints import DESCRIPTION_MAX
from lms.api.webhooks.targets import URL_MAX
from lms.classes.forms import CheckboxListField
from lms.forms import LMSForm, select_choices


def scope_choices():
    return select_choices(
        [
            (Scope.CERTIFICATES_READ.value, _l("Read certificates (certificates:read)")),
            (Scope.RECORDS_READ.value, _l("Read completions and training hours (records:read)")),
            (Scope.WEBHOOKS_MANAGE.value, _l("Manage webhooks (webhooks:manage)")),
        ]
    )


def event_choices():
    return select_choices(
        [
            (WebhookEvent.CERTIFICATE_ISSUED.value, _l("A certificate is issued")),
            (WebhookEvent.CERTIFICATE_REVOKED.value, _l("A certificate is revoked")),
        ]
    )


class TokenForm(LMSForm):
    name = StringField(
        _l("Name (who uses the token)"),
        validators=[DataRequired(), Length(max=NAME_MAX)],
        render_kw={"autocomplete": "off"},
    )
    scopes = CheckboxListField(
        _l("What it may do"), choices=scope_choices(), validators=[DataRequired()]
    )
    unit_id = SelectField(_l("Units it may read"), validators=[DataRequired()])


class WebhookForm(LMSForm):
    url = StringField(
        _l("Address that receives the events (https://…)"),
        validators=[DataRequired(), Length(max=URL_MAX)],
        render_kw={"autocomplete": "off", "inputmode": "url", "spellcheck": "false"},
    )
    events = CheckboxListField(_l("Events"), choices=event_choices(), validators=[DataRequired()])
    unit_id = SelectField(_l("Events about officials of"), validators=[DataRequired()])
    description = StringField(
        _l("Description"), validators=[Optional(), Length(max=DESCRIPTION_MAX)]
    )


class ActionForm(LMSForm):
    """A button that changes something: only its CSRF token is posted."""
