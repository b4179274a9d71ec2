"""Editors of the types that are mostly their text: a description (the text alone) and a
fill-the-gaps text (its gaps `[[n]]` in the text, its choices here). Registered in `EDITORS`
by importing this module, as `lms.quizzes.bank.views` does.
"""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, FormField, StringField
from wtforms.validators import Length, Optional

from lms.forms import within
from lms.quizzes.bank.editor import Editor, FieldList, editor
from lms.quizzes.bank.forms import NumberField, QuestionForm, clean_text
from lms.quizzes.types.gaps import MAX_GROUP


@editor
class DescriptionEditor(Editor):
    qtype = "description"
    form_class = QuestionForm
    hint = _l(
        "Text shown between questions, such as a case that the next questions ask about. "
        "It takes no answer and counts in no score."
    )

    def initial(self, data):
        return {}

    def read(self, form):
        return {}


class GapChoiceRow(Form):
    text = StringField(_l("Text"), validators=[Length(max=2000)])
    group = NumberField(_l("Group"), validators=[Optional(), within(1, MAX_GROUP)])


class GapsForm(QuestionForm):
    choices = FieldList(
        FormField(GapChoiceRow), label=_l("Choices"), min_entries=8, row_label=_l("Choice %(n)s")
    )
    shuffle = BooleanField(_l("Shuffle the choices"), default=True)


@editor
class GapsEditor(Editor):
    qtype = "gaps"
    form_class = GapsForm
    hint = _l(
        "In the text, write [[1]] where choice 1 goes, [[2]] where choice 2 goes, and so on. "
        "Each gap offers the choices of its right choice's group: add wrong choices to a group "
        "to offer them too."
    )

    def initial(self, data):
        return {
            "choices": [{"text": c["text"], "group": c["group"]} for c in data["choices"]],
            "shuffle": data.get("shuffle", True),
        }

    def read(self, form):
        rows = [(clean_text(row.text.data), row.group.data) for row in form.choices]
        # Only blank rows at the end go: the gaps name choices by their place in the list.
        while rows and not rows[-1][0]:
            rows.pop()
        return {
            "choices": [{"text": text, "group": int(group or 1)} for text, group in rows],
            "shuffle": bool(form.shuffle.data),
        }
