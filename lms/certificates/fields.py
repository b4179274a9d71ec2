"""What a certificate can print (`CERTIFICATE_FIELDS`, the registry an organizer picks from in a
template) and the snapshot of facts a certificate freezes at issue.

A field contributes its facts to the snapshot (plain JSON: text, whole numbers, ISO dates) and
prints a line from the snapshot alone, so the PDF shows exactly what the signed snapshot holds.
The name, the course, the serial, the issuing body, the signer and the place and date of issue
are always on the certificate; the registry's fields are the organizer's choice.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.accounts.models import LearnerProfile
from lms.classes.models import TrainingClass
from lms.i18n import format_date, format_number, local_time


@dataclass(frozen=True)
class Facts:
    """Everything a certificate may print, gathered when it is issued."""

    training_class: TrainingClass
    profile: LearnerProfile
    #: Quiz grades (percent) of the class's quiz rules, in rule order.
    grades: list[float]
    expires_at: datetime | None


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def day(value: str | None) -> str:
    """An ISO date (or timestamp) of the snapshot as dd/mm/yyyy."""
    if not value:
        return ""
    if "T" in value:
        return format_date(datetime.fromisoformat(value.replace("Z", "+00:00")))
    return format_date(date.fromisoformat(value))


@dataclass(frozen=True)
class CertificateField:
    key: str
    label: object
    #: The snapshot entries this field contributes.
    facts: Callable[[Facts], dict]
    #: The printed line, from the snapshot; None (or "") prints nothing.
    line: Callable[[dict], str | None]


def _result(facts: Facts) -> dict:
    return {"grades": [round(grade, 2) for grade in facts.grades]}


def _result_line(snapshot: dict) -> str:
    grades = snapshot.get("grades") or []
    if not grades:
        return _("Result: passed")
    shown = ", ".join(f"{format_number(grade, 1)}%" for grade in grades)
    return _("Result: passed (quiz grade %(g)s)", g=shown)


def _dates_line(snapshot: dict) -> str | None:
    start, end = snapshot.get("starts_on"), snapshot.get("ends_on")
    if start and end:
        return _("Studied from %(a)s to %(b)s", a=day(start), b=day(end))
    if start:
        return _("Studied from %(a)s", a=day(start))
    return None


def _decision_line(snapshot: dict) -> str | None:
    number = snapshot.get("decision_number")
    if not number:
        return None
    line = _("Under decision No. %(n)s", n=number)
    if snapshot.get("decision_date"):
        line += " " + _("dated %(d)s", d=day(snapshot["decision_date"]))
    if snapshot.get("decision_issuer"):
        line += " " + _("of %(i)s", i=snapshot["decision_issuer"])
    return line


def _text_line(key: str, label: str) -> Callable[[dict], str | None]:
    def line(snapshot: dict) -> str | None:
        value = snapshot.get(key)
        return f"{label}: {value}" if value else None

    return line


#: Every field a template may print, in the order the template form offers them.
CERTIFICATE_FIELDS: dict[str, CertificateField] = {
    field.key: field
    for field in (
        CertificateField(
            "date_of_birth",
            _l("Date of birth"),
            lambda f: {"date_of_birth": iso(f.profile.date_of_birth)},
            lambda s: (
                _("Date of birth: %(d)s", d=day(s["date_of_birth"]))
                if s.get("date_of_birth")
                else None
            ),
        ),
        CertificateField(
            "official_code",
            _l("Official code"),
            lambda f: {"official_code": f.profile.official_code or ""},
            lambda s: _text_line("official_code", _("Official code"))(s),
        ),
        CertificateField(
            "unit",
            _l("Unit"),
            lambda f: {"unit": f.profile.unit.name if f.profile.unit else ""},
            lambda s: _text_line("unit", _("Unit"))(s),
        ),
        CertificateField(
            "position",
            _l("Position"),
            lambda f: {"position": f.profile.position or ""},
            lambda s: _text_line("position", _("Position"))(s),
        ),
        CertificateField(
            "class",
            _l("Class name and code"),
            lambda f: {
                "class_name": f.training_class.name,
                "class_code": f.training_class.code,
            },
            lambda s: _("Class: %(n)s (code %(c)s)", n=s["class_name"], c=s["class_code"]),
        ),
        CertificateField(
            "dates",
            _l("Dates of the class"),
            lambda f: {
                "starts_on": iso(f.training_class.starts_on),
                "ends_on": iso(f.training_class.ends_on),
            },
            _dates_line,
        ),
        CertificateField(
            "hours",
            _l("Training periods"),
            lambda f: {},
            lambda s: _("Training periods: %(n)s", n=s["hours"]),
        ),
        CertificateField("result", _l("Result"), _result, _result_line),
        CertificateField(
            "decision",
            _l("Opening decision (number, date, issuer)"),
            lambda f: {
                "decision_number": f.training_class.decision_number,
                "decision_date": iso(f.training_class.decision_date),
                "decision_issuer": f.training_class.decision_issuer,
            },
            _decision_line,
        ),
        CertificateField(
            "qr", _l("QR code to the verification page"), lambda f: {}, lambda s: None
        ),
    )
}

#: What a new template prints.
DEFAULT_FIELDS = [
    "date_of_birth",
    "unit",
    "position",
    "class",
    "dates",
    "hours",
    "result",
    "decision",
    "qr",
]


def snapshot_facts(facts: Facts, fields: list[str]) -> dict:
    """The snapshot entries of the always-printed facts and of the chosen fields (without the
    serial, the issue time, the template's texts and the PDF's hash, which the issuer adds)."""
    version = facts.training_class.course_version
    snapshot = {
        "full_name": facts.profile.full_name,
        "course_title": version.title,
        "hours": version.hours,
        "fields": [key for key in fields if key in CERTIFICATE_FIELDS],
        "expires_at": facts.expires_at.isoformat().replace("+00:00", "Z")
        if facts.expires_at
        else None,
    }
    for key in snapshot["fields"]:
        snapshot.update(CERTIFICATE_FIELDS[key].facts(facts))
    return snapshot


def printed_lines(snapshot: dict) -> list[str]:
    """The body lines under the name and the course, in the template's order."""
    lines = []
    for key in snapshot.get("fields", []):
        field = CERTIFICATE_FIELDS.get(key)
        line = field.line(snapshot) if field else None
        if line:
            lines.append(line)
    if snapshot.get("expires_at"):
        lines.append(_("Valid until %(d)s", d=day(snapshot["expires_at"])))
    return lines


def place_and_date(snapshot: dict) -> str:
    """ "Hà Nội, ngày 20 tháng 12 năm 2026" in the deployment's time zone."""
    issued = local_time(datetime.fromisoformat(snapshot["issued_at"].replace("Z", "+00:00")))
    return _(
        "%(place)s, day %(d)s month %(m)s year %(y)s",
        place=snapshot.get("issue_place") or "",
        d=f"{issued.day:02d}",
        m=f"{issued.month:02d}",
        y=issued.year,
    )
