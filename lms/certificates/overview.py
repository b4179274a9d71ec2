"""What the certificate pages show: a class's learners with where each stands on every rule
and their certificate, a page at a time; a learner's own standing and certificates. Each reads
a fixed number of queries however many learners there are.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from lms import db
from lms.accounts.models import LearnerProfile, Unit
from lms.certificates import completion
from lms.certificates.models import Certificate, Completion, CompletionRule, SignOff
from lms.certificates.services import status_of
from lms.classes.models import Enrolment, EnrolmentStatus, TrainingClass
from lms.db import utcnow


@dataclass
class LearnerRow:
    user_id: str
    full_name: str
    unit_name: str
    standing: completion.Standing
    completed_at: datetime | None
    certificate: Certificate | None
    certificate_status: str
    signed_off: bool


@dataclass
class ClassOverview:
    rules: list[CompletionRule]
    descriptions: dict[int, str]
    rows: list[LearnerRow]
    total: int
    complete: int
    certified: int
    page: int
    pages: int


def _counts(class_id: int) -> tuple[int, int]:
    complete = db.session.scalar(
        select(func.count(Completion.id))
        .join(
            Enrolment,
            (Enrolment.class_id == Completion.class_id) & (Enrolment.user_id == Completion.user_id),
        )
        .where(
            Completion.class_id == class_id,
            Completion.completed_at.is_not(None),
            Enrolment.status == EnrolmentStatus.ENROLLED,
        )
    )
    certified = db.session.scalar(
        select(func.count(Certificate.id)).where(
            Certificate.class_id == class_id,
            Certificate.is_current.is_(True),
            Certificate.revoked_at.is_(None),
        )
    )
    return complete or 0, certified or 0


def class_overview(training_class: TrainingClass, page: int = 1, per_page: int = 50):
    """A page of the class's enrolled learners in Vietnamese name order, with their standing."""
    rules = completion.class_rules(training_class.id)
    quizzes = completion.rule_quizzes(rules)
    learners = (
        select(Enrolment.user_id, LearnerProfile.full_name, Unit.name.label("unit_name"))
        .join(LearnerProfile, LearnerProfile.user_id == Enrolment.user_id)
        .outerjoin(Unit, Unit.id == LearnerProfile.unit_id)
        .where(
            Enrolment.class_id == training_class.id,
            Enrolment.status == EnrolmentStatus.ENROLLED,
        )
    )
    total = db.session.scalar(select(func.count()).select_from(learners.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    people = list(
        db.session.execute(
            learners.order_by(LearnerProfile.sort_name, LearnerProfile.user_id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    ids = [person.user_id for person in people]
    standings = completion.standings(training_class, ids, rules)
    stored = {
        row.user_id: row.completed_at
        for row in db.session.scalars(
            select(Completion).where(
                Completion.class_id == training_class.id, Completion.user_id.in_(ids)
            )
        )
    }
    certificates = {
        certificate.user_id: certificate
        for certificate in db.session.scalars(
            select(Certificate).where(
                Certificate.class_id == training_class.id,
                Certificate.user_id.in_(ids),
                Certificate.is_current.is_(True),
            )
        )
    }
    signed = set(
        db.session.scalars(
            select(SignOff.user_id).where(
                SignOff.class_id == training_class.id, SignOff.user_id.in_(ids)
            )
        )
    )
    now = utcnow()
    rows = [
        LearnerRow(
            user_id=person.user_id,
            full_name=person.full_name,
            unit_name=person.unit_name or "",
            standing=standings[person.user_id],
            completed_at=stored.get(person.user_id),
            certificate=certificates.get(person.user_id),
            certificate_status=status_of(certificates[person.user_id], now)
            if person.user_id in certificates
            else "",
            signed_off=person.user_id in signed,
        )
        for person in people
    ]
    complete, certified = _counts(training_class.id)
    return ClassOverview(
        rules=rules,
        descriptions={rule.id: completion.describe(rule, quizzes) for rule in rules},
        rows=rows,
        total=total,
        complete=complete,
        certified=certified,
        page=page,
        pages=pages,
    )


@dataclass
class MyCertificate:
    certificate: Certificate
    class_name: str
    course_title: str
    status: str


def my_certificates(user_id: str) -> list[MyCertificate]:
    """The person's certificates, newest first, replaced ones included (one query)."""
    rows = db.session.execute(
        select(Certificate, TrainingClass.name)
        .join(TrainingClass, TrainingClass.id == Certificate.class_id)
        .where(Certificate.user_id == user_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    now = utcnow()
    result = []
    for certificate, class_name in rows:
        facts = json.loads(certificate.snapshot_json)
        result.append(
            MyCertificate(
                certificate, class_name, facts["course_title"], status_of(certificate, now)
            )
        )
    return result
