"""Where each learner stands on a class's completion rules: evaluated live for the pages, and
kept in `Completion` rows whenever something relevant changes (see `receivers`), so a learner
who meets every rule is complete at once, without a nightly job.
"""

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, TextClause, Update, bindparam, select, text, update
from sqlalchemy.orm.attributes import set_committed_value

from lms import db
from lms.certificates.models import CertificatePolicy, Completion, CompletionRule
from lms.certificates.rules import RULE_TYPES, Outcome
from lms.classes.models import Enrolment, EnrolmentStatus, TrainingClass
from lms.db import utcnow
from lms.quizzes.models import Quiz
from lms.rows import MappedColumns


@dataclass(frozen=True)
class ClassKey:
    """What the rule types read of a class (`id`, `course_version_id`): re-evaluating a learner
    needs no full `TrainingClass`, whose eager joins (course version, unit) cost more Python than
    the rest of the evaluation."""

    id: int
    course_version_id: int


@dataclass(frozen=True)
class RuleStanding:
    rule: CompletionRule
    outcome: Outcome

    @property
    def kind(self) -> str:
        return self.rule.kind


@dataclass(frozen=True)
class Standing:
    """One learner's outcome on every rule of the class."""

    user_id: str
    rules: tuple[RuleStanding, ...]

    @property
    def complete(self) -> bool:
        """Every rule met; a class without rules completes nobody."""
        return bool(self.rules) and all(item.outcome.met for item in self.rules)

    @property
    def missing(self) -> list[RuleStanding]:
        return [item for item in self.rules if not item.outcome.met]


def class_rules(class_id: int) -> list[CompletionRule]:
    return list(
        db.session.scalars(
            select(CompletionRule)
            .where(CompletionRule.class_id == class_id)
            .order_by(CompletionRule.id)
        )
    )


def rule_quizzes(rules: list[CompletionRule]) -> dict[int, Quiz]:
    """The quizzes quiz rules name, by id (one query)."""
    ids = [rule.quiz_id for rule in rules if rule.quiz_id]
    if not ids:
        return {}
    return {quiz.id: quiz for quiz in db.session.scalars(select(Quiz).where(Quiz.id.in_(ids)))}


def rule_quizzes_of_class(class_id: int) -> list[Quiz]:
    """The quizzes of the class, which quiz rules may name."""
    return list(db.session.scalars(select(Quiz).where(Quiz.class_id == class_id).order_by(Quiz.id)))


def describe(rule: CompletionRule, quizzes: dict[int, Quiz]) -> str:
    return RULE_TYPES[rule.kind].describe(rule, quizzes)


def explain(item: RuleStanding) -> str:
    return RULE_TYPES[item.kind].explain(item.outcome.detail)


def policy_of(class_id: int) -> CertificatePolicy:
    """The class's certificate policy; an unsaved default (auto-issue, no expiry) if none."""
    policy = db.session.get(CertificatePolicy, class_id)
    return policy or CertificatePolicy(class_id=class_id, auto_issue=True, template_id=None)


def enrolled_ids(class_id: int, user_ids: list[str] | None = None) -> list[str]:
    """Enrolled (not withdrawn) learners of the class, optionally only some of them."""
    return list(db.session.scalars(_enrolled(class_id, user_ids)))


def _enrolled(class_id: int, user_ids: list[str] | None) -> Select:
    query = select(Enrolment.user_id).where(
        Enrolment.class_id == class_id, Enrolment.status == EnrolmentStatus.ENROLLED
    )
    if user_ids is not None:
        query = query.where(Enrolment.user_id.in_(user_ids))
    return query.order_by(Enrolment.user_id)


def standings(
    training_class: TrainingClass | ClassKey,
    user_ids: list[str],
    rules: list[CompletionRule] | None = None,
) -> dict[str, Standing]:
    """Each learner's standing now, evaluated in one batch per rule."""
    rules = class_rules(training_class.id) if rules is None else rules
    if not user_ids:
        return {}
    by_rule = [
        (rule, RULE_TYPES[rule.kind].evaluate(training_class, rule, user_ids)) for rule in rules
    ]
    return {
        user_id: Standing(
            user_id, tuple(RuleStanding(rule, outcomes[user_id]) for rule, outcomes in by_rule)
        )
        for user_id in user_ids
    }


def _stored(outcomes: tuple[RuleStanding, ...]) -> list[dict]:
    return [
        {
            "rule_id": item.rule.id,
            "kind": item.kind,
            "met": item.outcome.met,
            "detail": item.outcome.detail,
        }
        for item in outcomes
    ]


def evaluate(class_id: int, user_ids: list[str] | None = None, now: datetime | None = None):
    """Re-evaluate learners of a class (every enrolled one when `user_ids` is None) and store
    their standing; return the ids of those who have just become complete.

    A learner stays complete from the moment they first met every rule until a change (a
    regrade, an attendance correction) makes a rule fail again: then `completed_at` is cleared,
    and a certificate already issued stays as it is until an organizer revokes it.
    """
    if user_ids is not None and len(user_ids) <= FEW_LEARNERS:
        found = _read_few(class_id, user_ids)
    else:
        found = _read_all(class_id, user_ids)
    if found is None:
        return []
    key, rules, learners, stored = found
    current = standings(key, learners, rules)
    return _store(class_id, learners, current, stored, now or utcnow())


#: Up to this many learners are read with their class and rules in one statement (one row per
#: rule and learner); more (an attendance import, a rule edit) read them apart.
FEW_LEARNERS = 20

_Found = tuple[ClassKey, list[CompletionRule], list[str], dict[str, Completion]]


@dataclass(frozen=True)
class _FewRead:
    """`_read_few`'s statement: each row holds the class's course version, an enrolled
    learner's id, then a rule's columns and the learner's stored standing's (`lms.rows`)."""

    statement: Select
    rule: MappedColumns
    completion: MappedColumns


@functools.cache
def _few_read() -> _FewRead:
    """The class's course version, its rules, which of `user_ids` are enrolled and their stored
    standing: the four reads of a re-evaluation in one round trip, built once (a submit runs it
    for its learner). Core rows made into the session's objects (`lms.rows`), without the ORM's
    loading machinery. Binds `class_id` and `user_ids` (expanding).

    On PostgreSQL it locks the learners' enrolment rows (FOR NO KEY UPDATE, in learner order)
    until the transaction ends: two evaluations of one learner (two quizzes submitted at once, a
    sign-off while a quiz is submitted) run one after the other. The second waits here, and the
    rules it evaluates next, each a statement of its own, read what the first committed; without
    the lock each missed the other's change and the last to commit wrote a standing missing one
    (a learner who met every rule stored as incomplete). SQLite has one writer at a time."""
    classes, enrolments = TrainingClass.__table__, Enrolment.__table__
    rules, completions = CompletionRule.__table__, Completion.__table__
    rule, completion = MappedColumns.of(CompletionRule), MappedColumns.of(Completion)
    enrolled = (
        (enrolments.c.class_id == classes.c.id)
        & (enrolments.c.status == EnrolmentStatus.ENROLLED)
        & enrolments.c.user_id.in_(bindparam("user_ids", expanding=True))
    )
    stored = (completions.c.class_id == classes.c.id) & (
        completions.c.user_id == enrolments.c.user_id
    )
    statement = (
        select(
            classes.c.course_version_id, enrolments.c.user_id, *rule.columns, *completion.columns
        )
        .select_from(classes)
        .outerjoin(rules, rules.c.class_id == classes.c.id)
        # Joined, not outer-joined: PostgreSQL locks no row on an outer join's empty side.
        # None of the learners enrolled gives no row, as a missing class does: nobody to
        # evaluate either way.
        .join(enrolments, enrolled)
        .outerjoin(completions, stored)
        .where(classes.c.id == bindparam("class_id"))
        .order_by(enrolments.c.user_id)
        .with_for_update(of=enrolments, key_share=True)
    )
    return _FewRead(statement, rule, completion)


def _read_few(class_id: int, user_ids: list[str]) -> _Found | None:
    """`_few_read`'s rows sorted out; None when the class does not exist or has none of the
    learners enrolled."""
    read = _few_read()
    # A Core statement does not autoflush, as the ORM's did: pending changes (an enrolment, a
    # rule, a standing) are written first, so this reads them.
    db.session.flush()
    rows = db.session.execute(read.statement, {"class_id": class_id, "user_ids": user_ids})
    completion_at = 2 + len(read.rule)
    key = None
    rules: dict[int, CompletionRule] = {}
    stored: dict[str, Completion] = {}
    learners: set[str] = set()
    for row in rows:
        key = key or ClassKey(class_id, row[0])
        rule = read.rule.build(row[2:completion_at])
        if rule is not None:
            rules[rule.id] = rule
        if row[1] is not None:
            learners.add(row[1])
        completion = read.completion.build(row[completion_at:])
        if completion is not None:
            stored[completion.user_id] = completion
    if key is None:
        return None
    return key, sorted(rules.values(), key=lambda rule: rule.id), sorted(learners), stored


def _read_all(class_id: int, user_ids: list[str] | None) -> _Found | None:
    """The same reads apart, for many learners (one row each, not one per rule and learner).
    The learners' enrolment rows are locked as `_few_read` locks them, in the same order, so a
    whole class's re-evaluation (a rule edited, an attendance list imported) and one learner's
    (a quiz submitted) run one after the other, whichever comes first."""
    training_class = db.session.get(TrainingClass, class_id)
    if training_class is None:
        return None
    learners = list(
        db.session.scalars(_enrolled(class_id, user_ids).with_for_update(key_share=True))
    )
    stored = {
        row.user_id: row
        for row in db.session.scalars(
            select(Completion).where(
                Completion.class_id == class_id, Completion.user_id.in_(learners)
            )
        )
    }
    key = ClassKey(class_id, training_class.course_version_id)
    return key, class_rules(class_id), learners, stored


def _store(
    class_id: int,
    learners: list[str],
    current: dict[str, Standing],
    stored: dict[str, Completion],
    now: datetime,
) -> list[str]:
    """Write each learner's standing (a new row for one evaluated the first time); return the
    newly complete.

    Written with two statements built once (the new rows' INSERT, the others' UPDATE), not
    through the ORM: a flush's unit of work cost a submit more Python than the writes. The rows
    the session holds get the values as committed, so it reads what is stored."""
    newly, inserts, updates = [], [], []
    for user_id in learners:
        standing = current[user_id]
        row = stored.get(user_id)
        was_complete = row is not None and row.completed_at is not None
        completed_at = (row.completed_at if was_complete else now) if standing.complete else None
        if standing.complete and not was_complete:
            newly.append(user_id)
        values = {"completed_at": completed_at, "outcomes": _stored(standing.rules)}
        if row is None:
            inserts.append({"class_id": class_id, "user_id": user_id, **values})
            continue
        for name, value in (*values.items(), ("evaluated_at", now)):
            set_committed_value(row, name, value)
        updates.append({"row_id": row.id, **values})
    if inserts:
        db.session.execute(_insert_statement(), [{**row, "evaluated_at": now} for row in inserts])
    if updates:
        db.session.execute(_update_statement(), [{**row, "evaluated_at": now} for row in updates])
    return newly


@functools.cache
def _insert_statement() -> TextClause:
    """The new rows' INSERT. A row another transaction wrote meanwhile for the same learner (two
    quizzes of the class submitted at once: both evaluations found no row) is updated instead,
    keeping the completion moment it holds while the learner stays complete. Binds the row's
    columns.

    Text, which SQLite and PostgreSQL both read: SQLAlchemy 2.0 gives its dialects' INSERT …
    ON CONFLICT no cache key, so that construct was compiled again on every execution (3 % of a
    learner's first submit in a class); text is compiled once."""
    table = Completion.__table__
    columns = [table.c[name] for name in _INSERTED]
    upsert = text(
        f"INSERT INTO {table.name} ({', '.join(_INSERTED)}) "
        f"VALUES ({', '.join(':' + name for name in _INSERTED)}) "
        "ON CONFLICT (class_id, user_id) DO UPDATE SET "
        "completed_at = CASE WHEN excluded.completed_at IS NULL THEN NULL "
        f"ELSE COALESCE({table.name}.completed_at, excluded.completed_at) END, "
        "outcomes = excluded.outcomes, evaluated_at = excluded.evaluated_at"
    )
    return upsert.bindparams(*(bindparam(column.name, type_=column.type) for column in columns))


#: The columns a new standing's row is written with.
_INSERTED = ("class_id", "user_id", "completed_at", "outcomes", "evaluated_at")


@functools.cache
def _update_statement() -> Update:
    """Binds `row_id`, `completed_at`, `outcomes`, `evaluated_at`."""
    table = Completion.__table__
    return update(table).where(table.c.id == bindparam("row_id"))


def completed_ids(class_id: int) -> list[str]:
    """Enrolled learners of the class whose stored standing is complete."""
    return list(
        db.session.scalars(
            select(Completion.user_id)
            .join(
                Enrolment,
                (Enrolment.class_id == Completion.class_id)
                & (Enrolment.user_id == Completion.user_id),
            )
            .where(
                Completion.class_id == class_id,
                Completion.completed_at.is_not(None),
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
            .order_by(Completion.user_id)
        )
    )
