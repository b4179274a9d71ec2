"""Access rules of the certificate pages (organizer, trainer, learner) and of the public
verification, and the factories the certificate tests share.

The world's class GCN-A (unit A) completes on its required modules; the world's learner has
finished them and holds a certificate, a ZIP job of the class is done, and unit A has a
template. Organizer A and admin run it; organizer B may not; anyone may verify.
"""

from sqlalchemy import select

from lms import db
from lms.certificates import jobs, services
from lms.certificates.fields import DEFAULT_FIELDS
from lms.certificates.models import CertificateTemplate, CompletionRule
from lms.classes import enrolment as enrolments
from lms.classes.models import TrainingClass
from lms.courses import progress
from lms.courses.models import Module
from tests.access import LOGIN
from tests.access.classes import open_class, small_version

BASE_URL = "https://lms.example.vn"


def make_template(unit, **fields) -> CertificateTemplate:
    values = {
        "name": "Mẫu giấy chứng nhận",
        "heading": "Giấy chứng nhận",
        "issuer": "UBND tỉnh Thử\nSở Nội vụ",
        "signer_name": "Trần Văn Ký",
        "signer_title": "Giám đốc",
        "issue_place": "Thử",
        "fields": list(DEFAULT_FIELDS),
    }
    template = CertificateTemplate(unit_id=unit.id, **(values | fields))
    db.session.add(template)
    db.session.commit()
    return template


def add_rule(training_class: TrainingClass, kind: str, **fields) -> CompletionRule:
    rule = CompletionRule(class_id=training_class.id, kind=kind, **fields)
    db.session.add(rule)
    db.session.commit()
    return rule


def finish_modules(training_class: TrainingClass, account, required_only: bool = True) -> None:
    """The learner completes the class's (required) modules, as reading them to the end does."""
    enrolment = progress.find_enrolment(training_class.id, str(account.id))
    for module in db.session.scalars(
        select(Module).where(Module.version_id == training_class.course_version_id)
    ):
        if module.required or not required_only:
            progress.complete_module(enrolment, module)
    db.session.commit()


def extend_world(world) -> None:
    training_class = open_class(world["unit_a"], "GCN-A", version=small_version("gcn-thu"))
    enrolments.enrol(training_class, str(world["people"]["learner"].id))
    world["template"] = make_template(world["unit_a"])
    add_rule(training_class, "modules")
    finish_modules(training_class, world["people"]["learner"])
    learner_id = str(world["people"]["learner"].id)
    if services.current_certificate(training_class.id, learner_id) is None:
        services.issue(training_class.id, learner_id, base_url=BASE_URL)
    world["certificate"] = services.current_certificate(training_class.id, learner_id)
    world["certificate_class"] = training_class
    world["job"] = jobs.start(jobs.ZIP, training_class.id, str(world["people"]["organizer_a"].id))
    db.session.commit()


ORGANIZERS = {"organizer_a": 200, "admin": 200, "organizer_b": 403, "anonymous": LOGIN, "*": 403}
ANY_ORGANIZER = {"organizer_a": 200, "organizer_b": 200, "admin": 200, "anonymous": LOGIN, "*": 403}
ORGANIZER_ACTS = {
    "organizer_a": 303,
    "admin": 303,
    "organizer_b": 403,
    "anonymous": LOGIN,
    "*": 403,
}
PUBLIC = {"*": 200}

ACCESS = {
    "lms.certificates.mine": ("GET", {"anonymous": LOGIN, "*": 200}),
    "lms.certificates.my_completion": ("GET", {"learner": 200, "anonymous": LOGIN, "*": 403}),
    "lms.certificates.templates": ("GET", ANY_ORGANIZER),
    "lms.certificates.template_new": ("GET", ANY_ORGANIZER),
    "lms.certificates.template_edit": ("GET", ORGANIZERS),
    "lms.certificates.template_sample": ("GET", ORGANIZERS),
    "lms.certificates.class_page": ("GET", ORGANIZERS),
    "lms.certificates.rules": ("GET", ORGANIZERS),
    "lms.certificates.issue_learner": ("POST", ORGANIZER_ACTS),
    "lms.certificates.issue_all": ("POST", ORGANIZER_ACTS),
    "lms.certificates.sign_off": ("POST", ORGANIZER_ACTS),
    "lms.certificates.withdraw_sign_off": ("POST", ORGANIZER_ACTS),
    "lms.certificates.certificate": ("GET", ORGANIZERS),
    "lms.certificates.revoke": ("POST", ORGANIZER_ACTS),
    "lms.certificates.reissue": ("POST", ORGANIZER_ACTS),
    "lms.certificates.start_zip": ("POST", ORGANIZER_ACTS),
    "lms.certificates.job": ("GET", ORGANIZERS),
    "lms.certificates.job_status": ("GET", ORGANIZERS),
    "lms.certificates.job_file": ("GET", ORGANIZERS),
    "lms.certificates.export": ("GET", ORGANIZERS),
    "lms.verify.index": ("GET", PUBLIC),
    "lms.verify.keys": ("GET", PUBLIC),
    "lms.verify.page": ("GET", PUBLIC),
    "lms.verify.document": ("GET", PUBLIC),
    "lms.verify.pdf": ("GET", PUBLIC),
}


def url_args(world) -> dict[str, dict]:
    class_id = world["certificate_class"].id
    certificate_id = world["certificate"].id
    serial = world["certificate"].serial
    return {
        "lms.certificates.my_completion": {"class_id": class_id},
        "lms.certificates.template_edit": {"template_id": world["template"].id},
        "lms.certificates.template_sample": {"template_id": world["template"].id},
        "lms.certificates.class_page": {"class_id": class_id},
        "lms.certificates.rules": {"class_id": class_id},
        "lms.certificates.issue_learner": {"class_id": class_id},
        "lms.certificates.issue_all": {"class_id": class_id},
        "lms.certificates.sign_off": {"class_id": class_id},
        "lms.certificates.withdraw_sign_off": {"class_id": class_id},
        "lms.certificates.certificate": {"certificate_id": certificate_id},
        "lms.certificates.revoke": {"certificate_id": certificate_id},
        "lms.certificates.reissue": {"certificate_id": certificate_id},
        "lms.certificates.start_zip": {"class_id": class_id},
        "lms.certificates.job": {"job_id": world["job"].id},
        "lms.certificates.job_status": {"job_id": world["job"].id},
        "lms.certificates.job_file": {"job_id": world["job"].id},
        "lms.certificates.export": {"class_id": class_id, "name": "register", "fmt": "csv"},
        "lms.verify.page": {"serial": serial},
        "lms.verify.document": {"serial": serial},
        "lms.verify.pdf": {"serial": serial},
    }


def form_data(world) -> dict[str, dict]:
    learner = {"user_id": str(world["people"]["learner"].id)}
    return {
        "lms.certificates.issue_learner": learner,
        "lms.certificates.sign_off": learner,
        "lms.certificates.withdraw_sign_off": learner,
        "lms.certificates.revoke": {"reason": "Cấp nhầm"},
        "lms.certificates.reissue": {"reason": "Sai ngày sinh"},
    }
