"""Readable names of a report's keys: units (ceased ones marked), levels and topics."""

from flask_babel import gettext as _

from lms.admin.forms import unit_kind_choices
from lms.courses.forms import topic_choices


def unit_label(units, key: str, report_unit_id: int) -> str:
    if key in ("None", ""):
        return _("No unit")
    unit_id = int(key)
    name = units.names.get(unit_id, key)
    if unit_id == report_unit_id:
        return _("%(unit)s (its own staff)", unit=name)
    if unit_id in units.retired:
        return _("%(unit)s (ceased)", unit=name)
    return name


def level_label(kind: str) -> str:
    if kind in ("None", ""):
        return _("No unit")
    return str(dict(unit_kind_choices()).get(kind, kind))


def topic_label(topic: str) -> str:
    return str(dict(topic_choices()).get(topic, topic))
