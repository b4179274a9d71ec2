"""The completion engine: each rule type, re-evaluation when grades change (submit, regrade),
when attendance changes (with a fake rates provider until attendance lands), when a trainer
signs off and when the rules are edited; automatic issue at completion, and a crowd of newly
complete learners handed to a background job.
"""

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from lms import db, signals
from lms.certificates import completion, receivers, services, settings, signoffs
from lms.certificates.models import CertificateJob, Completion
from lms.certificates.rules import RULE_TYPES
from lms.classes import enrolment as enrolments
from lms.quizzes.grading import regrade
from tests.access.certificates import BASE_URL, add_rule, finish_modules, make_template
from tests.access.classes import open_class, small_version
from tests.access.quizzes import make_quiz, small_bank
from tests.test_attempts import RIGHT
from tests.test_regrade import FIX_TN3, finish, fix


@pytest.fixture
def request_context(app):
    """Issuing prints the site's address in the QR code: services run in a request."""
    with app.test_request_context(base_url=BASE_URL):
        yield


@pytest.fixture
def klass(unit, learner):
    """A class of `unit` with `learner` enrolled and a certificate template for the unit."""
    training_class = open_class(unit, "GCN-1", version=small_version())
    enrolments.enrol(training_class, str(learner.id))
    make_template(unit)
    return training_class


def stored(training_class, account) -> Completion | None:
    return db.session.scalar(
        select(Completion).where(
            Completion.class_id == training_class.id, Completion.user_id == str(account.id)
        )
    )


def certificate_of(training_class, account):
    return services.current_certificate(training_class.id, str(account.id))


pytestmark = pytest.mark.usefixtures("request_context")


def test_a_class_without_rules_completes_nobody(klass, learner):
    finish_modules(klass, learner)
    assert completion.standings(klass, [str(learner.id)])[str(learner.id)].complete is False
    assert certificate_of(klass, learner) is None


def test_required_modules_rule_counts_only_required_modules(klass, learner):
    """The optional third module is not needed; completing the required two completes."""
    add_rule(klass, "modules")
    finish_modules(klass, learner)
    row = stored(klass, learner)
    assert row.completed_at is not None
    assert row.outcomes[0]["detail"] == {"done": 2, "total": 2}
    assert certificate_of(klass, learner) is not None


def test_quiz_rule_is_met_on_submit_and_lost_on_regrade(klass, learner):
    """Passing completes and issues; a regrade that drops the grade below the pass mark clears
    the completion (the certificate stays until an organizer revokes it)."""
    quiz = make_quiz(klass, small_bank(), title="Kiểm tra", shuffle_questions=False, pass_mark=100)
    db.session.commit()
    add_rule(klass, "quiz", quiz_id=quiz.id)
    finish(quiz, learner, RIGHT)
    db.session.commit()
    assert stored(klass, learner).completed_at is not None
    issued = certificate_of(klass, learner)
    assert issued is not None
    assert services.facts_of(issued)["grades"] == [100.0]
    fix(FIX_TN3)
    regrade.apply_regrade(quiz)
    db.session.commit()
    row = stored(klass, learner)
    assert row.completed_at is None
    assert row.outcomes[0]["detail"]["grade"] == 75.0
    assert services.status_of(certificate_of(klass, learner)) == "valid"


def test_quiz_rule_met_by_a_regrade(klass, learner):
    """A learner who failed on a wrong key passes after the fix, and gets the certificate."""
    quiz = make_quiz(klass, small_bank(), title="Kiểm tra", shuffle_questions=False, pass_mark=100)
    db.session.commit()
    add_rule(klass, "quiz", quiz_id=quiz.id)
    finish(quiz, learner, RIGHT | {"tn-3": "40"})
    db.session.commit()
    assert stored(klass, learner).completed_at is None
    fix(FIX_TN3)
    regrade.apply_regrade(quiz)
    db.session.commit()
    assert stored(klass, learner).completed_at is not None
    assert certificate_of(klass, learner) is not None


@dataclass
class Rate:
    percent: float | None


@pytest.fixture
def rates(monkeypatch):
    """A fake attendance rates provider (until the attendance area lands on main)."""
    table: dict[str, Rate] = {}
    monkeypatch.setattr(RULE_TYPES["attendance"], "rates", lambda class_id: table)
    return table


def test_attendance_rule_follows_attendance_changes(klass, learner, rates):
    """Under 80% the rule is missing; an attendance edit to 80% completes the learner at once;
    a correction back down clears the completion."""
    add_rule(klass, "attendance", min_percent=80)
    user_id = str(learner.id)
    rates[user_id] = Rate(None)
    receivers.reevaluate(klass.id)
    assert stored(klass, learner).outcomes[0]["detail"] == {"percent": None, "min": 80}
    rates[user_id] = Rate(75.0)
    signals.attendance_changed.send(db.session, class_id=klass.id, user_ids=[user_id])
    assert stored(klass, learner).completed_at is None
    rates[user_id] = Rate(80.0)
    signals.attendance_changed.send(db.session, class_id=klass.id, user_ids=None)
    assert stored(klass, learner).completed_at is not None
    assert certificate_of(klass, learner) is not None
    rates[user_id] = Rate(60.0)
    signals.attendance_changed.send(db.session, class_id=klass.id, user_ids=[user_id])
    assert stored(klass, learner).completed_at is None


def test_sign_off_rule(klass, learner, trainer):
    add_rule(klass, "signoff")
    receivers.reevaluate(klass.id)
    assert stored(klass, learner).completed_at is None
    signoffs.sign_off(klass.id, str(learner.id), str(trainer.id), "Tham gia tích cực")
    assert stored(klass, learner).completed_at is not None
    signoffs.withdraw(klass.id, str(learner.id), str(trainer.id))
    assert stored(klass, learner).completed_at is None


def test_every_rule_must_be_met(klass, learner, trainer):
    """Modules done but no sign-off: missing; both: complete."""
    add_rule(klass, "modules")
    add_rule(klass, "signoff")
    finish_modules(klass, learner)
    standing = completion.standings(klass, [str(learner.id)])[str(learner.id)]
    assert [item.kind for item in standing.missing] == ["signoff"]
    signoffs.sign_off(klass.id, str(learner.id), str(trainer.id))
    assert completion.standings(klass, [str(learner.id)])[str(learner.id)].complete


def test_editing_the_rules_reevaluates_the_class(klass, learner):
    """Learners who already finished the modules complete when the rule is added."""
    finish_modules(klass, learner)
    assert certificate_of(klass, learner) is None
    changed = settings.save_rules(klass, settings.RuleChoice(modules=True), actor_id="1")
    assert changed
    assert stored(klass, learner).completed_at is not None
    assert certificate_of(klass, learner) is not None
    assert not settings.save_rules(klass, settings.RuleChoice(modules=True), actor_id="1")


def test_no_automatic_issue_when_the_policy_says_so(klass, learner):
    settings.save_policy(klass, settings.PolicyChoice(auto_issue=False), actor_id="1")
    add_rule(klass, "modules")
    finish_modules(klass, learner)
    assert stored(klass, learner).completed_at is not None
    assert certificate_of(klass, learner) is None
    assert services.eligible_ids(klass.id) == [str(learner.id)]


def test_a_crowd_of_newly_complete_learners_goes_to_a_job(klass, make_person, unit, learner):
    """A rule edit completing more learners than the request should print hands them to a
    background job, which issues them all."""
    people = [learner] + [make_person(unit=unit) for _ in range(receivers.INLINE_ISSUE_LIMIT)]
    for person in people[1:]:
        enrolments.enrol(klass, str(person.id))
    for person in people:
        finish_modules(klass, person)
    settings.save_rules(klass, settings.RuleChoice(modules=True), actor_id="1")
    db.session.commit()
    job = db.session.scalar(select(CertificateJob))
    assert (job.kind, job.state, job.done) == ("issue", "done", len(people))
    assert len(services.certified_ids(klass.id)) == len(people)


def test_issue_refuses_a_learner_who_is_not_complete(klass, learner):
    add_rule(klass, "modules")
    with pytest.raises(services.CertificateError):
        services.issue(klass.id, str(learner.id))


def test_issue_refuses_a_second_current_certificate(klass, learner):
    add_rule(klass, "modules")
    finish_modules(klass, learner)
    with pytest.raises(services.AlreadyIssued):
        services.issue(klass.id, str(learner.id))


def test_validity_sets_the_expiry(klass, learner):
    settings.save_policy(klass, settings.PolicyChoice(valid_months=24), actor_id="1")
    add_rule(klass, "modules")
    finish_modules(klass, learner)
    certificate = certificate_of(klass, learner)
    assert certificate.expires_at.year == certificate.issued_at.year + 2
    assert services.facts_of(certificate)["expires_at"].endswith("Z")


def _standings_of(training_class, accounts) -> dict[str, tuple[bool, list]]:
    rows = db.session.scalars(
        select(Completion).where(
            Completion.class_id == training_class.id,
            Completion.user_id.in_([str(account.id) for account in accounts]),
        )
    )
    return {row.user_id: (row.completed_at is not None, row.outcomes) for row in rows}


def test_a_few_learners_are_evaluated_as_the_whole_class_would_be(
    klass, learner, make_person, unit, rates
):
    """Re-evaluating a few learners (class, rules, enrolment and stored standing read in one
    statement, one row per rule and learner) stores what evaluating the whole class stores:
    each learner their own standing, none for a withdrawn or a stranger."""
    add_rule(klass, "modules")
    add_rule(klass, "attendance", min_percent=80)
    other, gone, stranger = (make_person(unit=unit) for _ in range(3))
    for account in (other, gone):
        enrolments.enrol(klass, str(account.id))
    enrolments.withdraw(enrolments.find_enrolment(klass, str(gone.id)))
    for account in (learner, other, gone):
        rates[str(account.id)] = Rate(100.0)
    db.session.commit()
    finish_modules(klass, learner)
    everyone = [learner, other, gone, stranger]
    assert completion.evaluate(klass.id, [str(account.id) for account in everyone]) == []
    few = _standings_of(klass, everyone)
    assert set(few) == {str(learner.id), str(other.id)}
    assert few[str(learner.id)][0] is True
    assert few[str(other.id)][0] is False
    assert [item["met"] for item in few[str(other.id)][1]] == [False, True]
    completion.evaluate(klass.id)
    assert _standings_of(klass, everyone) == few


def test_a_few_learners_of_a_missing_class_are_nobody(app):
    assert completion.evaluate(987654, ["1", "2"]) == []


def test_the_session_reads_the_standing_just_written(klass, learner, rates):
    """The standing is written by statements, not a flush: a row the session already holds
    shows the new values at once, with no refresh."""
    add_rule(klass, "attendance", min_percent=80)
    user_id = str(learner.id)
    rates[user_id] = Rate(90.0)
    completion.evaluate(klass.id, [user_id])
    row = stored(klass, learner)
    assert row.completed_at is not None
    rates[user_id] = Rate(50.0)
    completion.evaluate(klass.id, [user_id])
    assert row.completed_at is None
    assert row.outcomes[0]["detail"] == {"percent": 50.0, "min": 80}
    db.session.expire(row)
    assert row.completed_at is None
    assert row.outcomes[0]["detail"] == {"percent": 50.0, "min": 80}


def test_a_learners_re_evaluation_reads_changes_not_yet_flushed(
    request_context, make_unit, make_person
):
    """The few-learner read is Core rows, which do not autoflush by themselves: a rule added
    and not yet flushed still counts, as it did when the ORM read it."""
    from lms.certificates.models import CompletionRule

    unit = make_unit()
    learner = make_person(unit=unit)
    training_class = open_class(unit, "GCN-9", version=small_version())
    enrolments.enrol(training_class, str(learner.id))
    make_template(unit)
    add_rule(training_class, "modules")
    # Read now: a later read of an expired attribute would autoflush on its own.
    class_id, learner_id = training_class.id, str(learner.id)
    db.session.add(CompletionRule(class_id=class_id, kind="signoff"))
    assert db.session.new  # not flushed

    found = completion._read_few(class_id, [learner_id])

    assert found is not None
    assert [rule.kind for rule in found[1]] == ["modules", "signoff"]
    assert found[2] == [learner_id]


def test_an_evaluation_that_missed_a_row_written_meanwhile_updates_it(
    klass, learner, rates, monkeypatch
):
    """Two quizzes of a class submitted at once: both evaluations read no stored standing and
    both write one. The second one's INSERT meets the first's row and updates it (it used to
    fail the submit with a 500), keeping the moment the learner first completed."""
    add_rule(klass, "attendance", min_percent=80)
    user_id = str(learner.id)
    rates[user_id] = Rate(90.0)
    completion.evaluate(klass.id, [user_id])
    db.session.commit()
    first = stored(klass, learner).completed_at
    read_few = completion._read_few

    def read_before_the_other_committed(class_id, user_ids):
        key, rules, learners, _stored = read_few(class_id, user_ids)
        return key, rules, learners, {}

    monkeypatch.setattr(completion, "_read_few", read_before_the_other_committed)
    rates[user_id] = Rate(95.0)
    completion.evaluate(klass.id, [user_id])
    db.session.commit()
    db.session.expire_all()
    row = stored(klass, learner)
    assert row.completed_at == first
    assert row.outcomes[0]["detail"] == {"percent": 95.0, "min": 80}

    rates[user_id] = Rate(50.0)
    completion.evaluate(klass.id, [user_id])
    db.session.commit()
    db.session.expire_all()
    assert stored(klass, learner).completed_at is None
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 1


def test_a_regrade_locks_its_learners_enrolments_first_in_learner_order(
    klass, unit, learner, make_person, sql
):
    """A regrade writes the enrolment of each learner it passes (their module completed) in its
    plan's order, by name. It locks them all first, in learner order, the order a whole
    class's re-evaluation of completion locks them in: the two wait for each other instead of
    deadlocking (FOR NO KEY UPDATE on PostgreSQL)."""
    # Named to sort first, made second: name order and learner order differ.
    other = make_person(unit=unit, full_name="An Thị Đầu")
    enrolments.enrol(klass, str(other.id))
    quiz = make_quiz(klass, small_bank(), title="Kiểm tra", shuffle_questions=False, pass_mark=100)
    db.session.commit()
    for account in (learner, other):
        finish(quiz, account, RIGHT | {"tn-3": "40"})
    db.session.commit()
    fix(FIX_TN3)
    with sql() as seen:
        plan = regrade.apply_regrade(quiz)
    assert [item.attempt.user_id for item in plan.attempts] == [str(other.id), str(learner.id)]
    first, parameters = next((s, p) for s, p in seen if "lms_enrolments" in s)
    assert first.startswith("SELECT lms_enrolments.id FROM lms_enrolments")
    assert "ORDER BY lms_enrolments.user_id" in first
    values = parameters.values() if isinstance(parameters, dict) else parameters
    assert sorted(str(value) for value in values) == sorted(
        [str(klass.id), str(learner.id), str(other.id)]
    )
    if db.session.get_bind().dialect.name == "postgresql":
        assert first.endswith("FOR NO KEY UPDATE")
