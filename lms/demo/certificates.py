"""The demo's finished class: the one-stop class completes on its required modules and its final
quiz; the learners who passed the quiz have read every module and hold certificates, issued on
the Sở Nội vụ's template; one was revoked for a wrong date of birth and reissued.

Idempotent: a class that already has certificates is left alone.
"""

from datetime import date

from sqlalchemy import select

from lms import db
from lms.accounts.models import LearnerProfile, Unit
from lms.certificates import completion, services, settings
from lms.certificates.fields import DEFAULT_FIELDS
from lms.certificates.models import Certificate
from lms.classes import services as classes
from lms.classes.models import Enrolment, ModuleCompletion
from lms.courses.models import Module
from lms.quizzes.models import Quiz

FINISHED_CLASS = "MC-2026-01"


def _finish_reading(class_id: int, version_id: int, user_ids: list[str]) -> None:
    """The passing learners read every required module they had not finished."""
    required = list(
        db.session.scalars(
            select(Module.id).where(Module.version_id == version_id, Module.required.is_(True))
        )
    )
    for enrolment in db.session.scalars(
        select(Enrolment).where(Enrolment.class_id == class_id, Enrolment.user_id.in_(user_ids))
    ):
        done = set(
            db.session.scalars(
                select(ModuleCompletion.module_id).where(
                    ModuleCompletion.enrolment_id == enrolment.id
                )
            )
        )
        for module_id in required:
            if module_id not in done:
                db.session.add(ModuleCompletion(enrolment_id=enrolment.id, module_id=module_id))
    db.session.flush()


def seed_certificates(base_url: str) -> None:
    training_class = classes.find_class(FINISHED_CLASS)
    if training_class is None or db.session.scalar(
        select(Certificate.id).where(Certificate.class_id == training_class.id).limit(1)
    ):
        return
    unit = db.session.get(Unit, training_class.unit_id)
    template = settings.save_template(
        None,
        settings.TemplateData(
            unit=unit,
            name="Giấy chứng nhận bồi dưỡng CCHC",
            heading="Giấy chứng nhận",
            issuer="Ủy ban nhân dân thành phố Đà Nẵng\nSở Nội vụ",
            signer_name="Nguyễn Thị Thu Hà",
            signer_title="Phó Giám đốc",
            issue_place="Đà Nẵng",
            fields=list(DEFAULT_FIELDS),
        ),
        actor_id="",
    )
    final = db.session.scalar(
        select(Quiz).where(Quiz.class_id == training_class.id, Quiz.module_id.is_(None))
    )
    settings.save_policy(
        training_class, settings.PolicyChoice(template_id=template.id, auto_issue=False), ""
    )
    choice = settings.RuleChoice(modules=True, quiz_ids=(final.id,) if final else ())
    quiz_rule = settings.RuleChoice(quiz_ids=choice.quiz_ids)
    settings.save_rules(training_class, quiz_rule, "")
    passed = completion.completed_ids(training_class.id)
    _finish_reading(training_class.id, training_class.course_version_id, passed)
    settings.save_rules(training_class, choice, "")
    issued = services.issue_all_eligible(training_class.id, base_url=base_url)
    settings.save_policy(
        training_class, settings.PolicyChoice(template_id=template.id, auto_issue=True), ""
    )
    if len(issued) < 2:
        return
    wrong = issued[1]
    services.revoke(wrong, "Sai ngày sinh của học viên trên giấy chứng nhận")
    profile = db.session.get(LearnerProfile, wrong.user_id)
    profile.date_of_birth = profile.date_of_birth or date(1988, 4, 12)
    services.reissue(wrong, "Cấp lại sau khi sửa ngày sinh", base_url=base_url)
    db.session.flush()
