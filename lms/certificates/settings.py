"""What an organizer configures: a class's completion rules and certificate policy, and their
units' certificate templates. Every change is audited; services flush and never commit.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from lms import db, signals
from lms.accounts.models import Unit
from lms.audit.services import record
from lms.certificates.completion import class_rules, policy_of
from lms.certificates.fields import CERTIFICATE_FIELDS
from lms.certificates.models import CertificatePolicy, CertificateTemplate, CompletionRule
from lms.certificates.services import CertificateError
from lms.classes.models import TrainingClass
from lms.db import utcnow
from lms.quizzes.models import Quiz

#: Longest validity an organizer may set (ten years), and the attendance bounds.
MAX_VALID_MONTHS = 120


@dataclass
class RuleChoice:
    """The organizer's combination of rules for a class."""

    modules: bool = False
    quiz_ids: tuple[int, ...] = ()
    #: Least attendance in percent, or None for no attendance rule.
    attendance: int | None = None
    signoff: bool = False


@dataclass
class PolicyChoice:
    template_id: int | None = None
    auto_issue: bool = True
    valid_months: int | None = None


def _rule_key(rule: CompletionRule) -> tuple:
    return (rule.kind, rule.quiz_id, rule.min_percent)


def save_rules(training_class: TrainingClass, choice: RuleChoice, actor_id: str) -> bool:
    """Replace the class's rules with `choice`; True when they changed (then every learner of
    the class is re-evaluated, in this transaction)."""
    quizzes = set(db.session.scalars(select(Quiz.id).where(Quiz.class_id == training_class.id)))
    if set(choice.quiz_ids) - quizzes:
        raise CertificateError(_("Choose quizzes of this class."))
    if choice.attendance is not None and not 1 <= choice.attendance <= 100:
        raise CertificateError(_("Attendance is a whole percent from 1 to 100."))
    wanted = []
    if choice.modules:
        wanted.append(CompletionRule(kind="modules"))
    wanted += [CompletionRule(kind="quiz", quiz_id=quiz_id) for quiz_id in sorted(choice.quiz_ids)]
    if choice.attendance is not None:
        wanted.append(CompletionRule(kind="attendance", min_percent=choice.attendance))
    if choice.signoff:
        wanted.append(CompletionRule(kind="signoff"))
    before = sorted(_rule_key(rule) for rule in class_rules(training_class.id))
    after = sorted(_rule_key(rule) for rule in wanted)
    if before == after:
        return False
    db.session.execute(delete(CompletionRule).where(CompletionRule.class_id == training_class.id))
    for rule in wanted:
        rule.class_id = training_class.id
        db.session.add(rule)
    db.session.flush()
    record(
        "completion_rules.update",
        "class",
        training_class.id,
        before={"rules": [list(key) for key in before]},
        after={"rules": [list(key) for key in after]},
        actor_id=actor_id,
    )
    signals.completion_rules_changed.send(
        current_app._get_current_object(), class_id=training_class.id
    )
    return True


def save_policy(training_class: TrainingClass, choice: PolicyChoice, actor_id: str) -> None:
    """Set the class's template, automatic issue and validity."""
    if choice.template_id is not None:
        template = db.session.get(CertificateTemplate, choice.template_id)
        if template is None or template.unit_id not in usable_unit_ids(training_class):
            raise CertificateError(_("Choose a template of the class's unit or a unit above it."))
    if choice.valid_months is not None and not 1 <= choice.valid_months <= MAX_VALID_MONTHS:
        raise CertificateError(
            _("Validity is from 1 to %(n)d months (empty: no expiry).", n=MAX_VALID_MONTHS)
        )
    policy = db.session.get(CertificatePolicy, training_class.id)
    before = _policy_values(policy_of(training_class.id))
    if policy is None:
        policy = CertificatePolicy(class_id=training_class.id)
        db.session.add(policy)
    policy.template_id = choice.template_id
    policy.auto_issue = choice.auto_issue
    policy.valid_months = choice.valid_months
    policy.updated_at = utcnow()
    db.session.flush()
    after = _policy_values(policy)
    if before != after:
        record(
            "certificate_policy.update",
            "class",
            training_class.id,
            before=before,
            after=after,
            actor_id=actor_id,
        )


def _policy_values(policy: CertificatePolicy) -> dict:
    return {
        "template_id": policy.template_id,
        "auto_issue": bool(policy.auto_issue),
        "valid_months": policy.valid_months,
    }


def usable_unit_ids(training_class: TrainingClass) -> list[int]:
    """The class's unit and the units above it: whose templates the class may use."""
    return [int(part) for part in training_class.unit.path.strip("/").split("/") if part]


def usable_templates(training_class: TrainingClass) -> list[CertificateTemplate]:
    return list(
        db.session.scalars(
            select(CertificateTemplate)
            .where(CertificateTemplate.unit_id.in_(usable_unit_ids(training_class)))
            .order_by(CertificateTemplate.name, CertificateTemplate.id)
        )
    )


# --- templates -----------------------------------------------------------------------------------


@dataclass
class TemplateData:
    unit: Unit | None
    name: str
    heading: str
    issuer: str
    signer_name: str
    signer_title: str
    issue_place: str
    fields: list[str]


TEMPLATE_TEXTS = {
    "name": 255,
    "heading": 255,
    "issuer": 255,
    "signer_name": 255,
    "signer_title": 255,
    "issue_place": 128,
}
TEMPLATE_FIELDS = ("unit_id", "fields", *TEMPLATE_TEXTS)


def template_problems(data: TemplateData) -> dict[str, str]:
    problems = {}
    if data.unit is None:
        problems["unit_id"] = _("Choose the unit.")
    for name, limit in TEMPLATE_TEXTS.items():
        value = getattr(data, name).strip()
        if not value:
            problems[name] = _("This field is required.")
        elif len(value) > limit:
            problems[name] = _("At most %(n)d characters.", n=limit)
    if len(data.issuer.strip().splitlines()) > 3:
        problems["issuer"] = _("At most three lines.")
    if set(data.fields) - CERTIFICATE_FIELDS.keys():
        problems["fields"] = _("Unknown field.")
    return problems


def tidy(text: str, keep_lines: bool = False) -> str:
    """Spaces collapsed; the issuer keeps its lines (the superior body above the issuer)."""
    if not keep_lines:
        return " ".join(text.split())
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _template_values(template: CertificateTemplate) -> dict:
    return {name: getattr(template, name) for name in TEMPLATE_FIELDS}


def save_template(
    template: CertificateTemplate | None, data: TemplateData, actor_id: str
) -> CertificateTemplate:
    """Create (template None) or change a template; issued certificates keep what they printed."""
    problems = template_problems(data)
    if problems:
        raise TemplateInvalid(problems)
    before = _template_values(template) if template is not None else None
    if template is None:
        template = CertificateTemplate()
        db.session.add(template)
    template.unit_id = data.unit.id
    for name in TEMPLATE_TEXTS:
        setattr(template, name, tidy(getattr(data, name), keep_lines=name == "issuer"))
    template.fields = [key for key in CERTIFICATE_FIELDS if key in data.fields]
    template.updated_at = utcnow()
    db.session.flush()
    record(
        "certificate_template.update" if before else "certificate_template.create",
        "certificate_template",
        template.id,
        before=before,
        after=_template_values(template),
        actor_id=actor_id,
    )
    return template


class TemplateInvalid(CertificateError):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems
