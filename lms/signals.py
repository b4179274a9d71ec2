"""The LMS's signals (`lms.*`): what one area announces so another can react in the same
transaction, without the two importing each other.

Senders pass the app as sender (`current_app._get_current_object()`) and plain ids as keyword
arguments, never ORM objects; receivers run synchronously inside the sender's transaction, so
what they write commits or rolls back with the change that caused it.
"""

from blinker import Namespace

_signals = Namespace()

#: A learner finished a module of a class. Keywords: class_id, user_id, module_id.
module_completed = _signals.signal("lms.module-completed")

#: Grades of a quiz changed: an attempt was graded, an essay marked, or a regrade applied.
#: Keywords: class_id, quiz_id, user_ids (the learners whose grade may have changed).
quiz_graded = _signals.signal("lms.quiz-graded")

#: Attendance marks of a class changed (marked, imported, checked in, edited, session
#: cancelled or moved). Keywords: class_id, user_ids (None when every learner may be affected).
attendance_changed = _signals.signal("lms.attendance-changed")

#: The completion rules of a class were edited. Keywords: class_id.
completion_rules_changed = _signals.signal("lms.completion-rules-changed")

#: A certificate was issued (a reissue too: the new certificate names the one it replaces).
#: Keywords: certificate_id, class_id, user_id.
certificate_issued = _signals.signal("lms.certificate-issued")

#: A certificate was revoked. Keywords: certificate_id, class_id, user_id.
certificate_revoked = _signals.signal("lms.certificate-revoked")
