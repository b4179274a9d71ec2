"""Form pieces shared by every area."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, StringField

from lms.i18n import format_date, parse_date


class VNDateField(StringField):
    """A date typed as dd/mm/yyyy (what Vietnamese officials write), shown the same way."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        render_kw.update(kwargs.pop("render_kw", {}) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_date(valuelist[0])
            except ValueError as error:
                self.raw_data = valuelist
                raise ValueError(_l("Write the date as dd/mm/yyyy.")) from error

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_date(self.data) if self.data else ""


def select_choices(pairs) -> list[SelectChoice]:
    """Options for a SelectField from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
