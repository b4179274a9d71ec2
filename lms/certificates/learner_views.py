"""A learner's own pages: their certificates, and where they stand on a class's rules."""

from flask import abort, render_template
from flask_login import current_user

from lms import db
from lms.certificates import completion, overview, services
from lms.certificates.blueprint import bp
from lms.classes.models import TrainingClass
from lms.security import LOGIN, access


@bp.route("/my")
@access(LOGIN)
def mine():
    """Every certificate the person was issued, to download or check."""
    return render_template(
        "lms/certificates/mine.html",
        certificates=overview.my_certificates(str(current_user.get_id())),
    )


@bp.route("/classes/<lms_id:class_id>/my-completion")
@access(LOGIN)
def my_completion(class_id: int):
    """Which of the class's rules the learner meets and which are missing, and their
    certificate once issued."""
    training_class = db.session.get(TrainingClass, class_id)
    user_id = str(current_user.get_id())
    if training_class is None:
        abort(404)
    if not completion.enrolled_ids(class_id, [user_id]):
        abort(403)
    rules = completion.class_rules(class_id)
    quizzes = completion.rule_quizzes(rules)
    standing = completion.standings(training_class, [user_id], rules)[user_id]
    certificate = services.current_certificate(class_id, user_id)
    return render_template(
        "lms/certificates/my_completion.html",
        training_class=training_class,
        standing=standing,
        describe=lambda rule: completion.describe(rule, quizzes),
        explain=completion.explain,
        certificate=certificate,
        status=services.status_of(certificate) if certificate else "",
    )
