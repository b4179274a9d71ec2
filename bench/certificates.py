"""Bench data for the certificate scenarios: issuing 2,000 certificates (time and peak memory),
and the public verification page under load (a demo certificate).
"""

from datetime import datetime

#: The demo's finished class issues DN-SNV's first certificates of the year.
VERIFY_UNIT = "DN-SNV"
ISSUE_CLASS = "BENCH-GCN"
ISSUE_SIZE = 2000
BASE_URL = "http://127.0.0.1:5000"


def verify_path(instance) -> str:
    return f"/verify/{VERIFY_UNIT}-{datetime.now().year}-00001"


def seed_issue(app):
    """A class of 2,000 learners who all completed its required modules (its rule), not yet
    certified; returns the class id."""
    from sqlalchemy import insert, select

    from bench.courses import seed_roster
    from lms import db
    from lms.certificates import settings
    from lms.certificates.models import CertificateTemplate, CompletionRule
    from lms.classes.models import Enrolment, ModuleCompletion, TrainingClass
    from lms.courses.models import Module

    roster = seed_roster(app)
    existing = db.session.scalar(select(TrainingClass).where(TrainingClass.code == ISSUE_CLASS))
    if existing is not None:
        return existing.id
    training_class = TrainingClass(
        code=ISSUE_CLASS,
        name="Lớp đo tải cấp 2.000 giấy chứng nhận",
        course_version_id=roster.course_version_id,
        unit_id=roster.unit_id,
    )
    db.session.add(training_class)
    db.session.flush()
    users = db.session.scalars(
        select(Enrolment.user_id).where(Enrolment.class_id == roster.id)
    ).all()[:ISSUE_SIZE]
    db.session.execute(
        insert(Enrolment),
        [{"class_id": training_class.id, "user_id": u, "status": "enrolled"} for u in users],
    )
    required = db.session.scalars(
        select(Module.id).where(
            Module.version_id == training_class.course_version_id, Module.required.is_(True)
        )
    ).all()
    enrolments = db.session.scalars(
        select(Enrolment.id).where(Enrolment.class_id == training_class.id)
    ).all()
    db.session.execute(
        insert(ModuleCompletion),
        [{"enrolment_id": e, "module_id": m} for e in enrolments for m in required],
    )
    template = db.session.scalar(select(CertificateTemplate))
    settings.save_policy(
        training_class,
        settings.PolicyChoice(template_id=template.id, auto_issue=False),
        "",
    )
    db.session.add(CompletionRule(class_id=training_class.id, kind="modules"))
    db.session.commit()
    return training_class.id


def issue_all(class_id) -> int:
    """Issue every eligible learner's certificate as the bulk job does (batches, commits)."""
    from lms import db
    from lms.certificates import jobs, services

    pending = services.eligible_ids(class_id)
    db.session.commit()
    for start in range(0, len(pending), jobs.BATCH):
        for user_id in pending[start : start + jobs.BATCH]:
            services.issue(class_id, user_id, base_url=BASE_URL)
        db.session.commit()
    return len(pending)
