"""The completion engine listens: when a module is completed, a quiz graded or regraded,
attendance marked or the rules edited, the affected learners are re-evaluated in the same
transaction, and those who have just completed get their certificate (when the class issues
automatically): a few at once in the request, a crowd (an attendance import, a rule edit in a
class of 2,000) through a background job.
"""

import logging

from lms import db, signals
from lms.certificates import completion, jobs, services

log = logging.getLogger(__name__)

#: Certificates issued inside the request that completed their learners; more go to a job.
INLINE_ISSUE_LIMIT = 3


def reevaluate(class_id: int | None, user_ids: list[str] | None = None) -> None:
    """Re-evaluate learners of a class (all when `user_ids` is None) and issue to the newly
    complete when the class's policy says so."""
    if class_id is None:
        return
    newly = completion.evaluate(class_id, user_ids)
    if not newly or not completion.policy_of(class_id).auto_issue:
        return
    holders = services.certified_ids(class_id)
    waiting = [user_id for user_id in newly if user_id not in holders]
    if len(waiting) > INLINE_ISSUE_LIMIT:
        jobs.start(jobs.ISSUE, class_id, requested_by="")
        return
    for user_id in waiting:
        try:
            with db.session.begin_nested():
                services.issue(class_id, user_id)
        except services.CertificateError as error:
            # The change that completed the learner stands; the organizer's page shows them
            # complete without a certificate, with the reason a bulk issue would give.
            log.warning("Certificate for %s in class %s not issued: %s", user_id, class_id, error)


def _module_completed(sender, class_id: int, user_id: str, **extra) -> None:
    reevaluate(class_id, [user_id])


def _quiz_graded(sender, class_id: int | None, user_ids: list[str], **extra) -> None:
    reevaluate(class_id, list(user_ids))


def _attendance_changed(sender, class_id: int, user_ids: list[str] | None = None, **extra):
    reevaluate(class_id, None if user_ids is None else list(user_ids))


def _rules_changed(sender, class_id: int, **extra) -> None:
    reevaluate(class_id)


def connect() -> None:
    """Listen to the LMS's signals (once per process; senders are whichever app sends)."""
    for signal, receiver in (
        (signals.module_completed, _module_completed),
        (signals.quiz_graded, _quiz_graded),
        (signals.attendance_changed, _attendance_changed),
        (signals.completion_rules_changed, _rules_changed),
    ):
        signal.connect(receiver, weak=False)
