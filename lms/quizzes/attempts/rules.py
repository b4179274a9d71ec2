"""When an attempt still takes answers: in progress, and its deadline (if any) not passed.

Written here twice, side by side, for the two places that ask: Python, for an attempt already
read (the pages, the autosave's snapshot), and SQL, for the statements that re-check it on the
row they lock before writing (`statements.save_answer`, `claim`, `claimed_questions`). A test
runs both on the same attempts, so the two cannot drift apart.
"""

from datetime import datetime

from sqlalchemy import BindParameter, ColumnElement, and_, or_

from lms.quizzes.models import AttemptState


def takes_answers(attempt, now: datetime) -> bool:
    """Whether `attempt` (anything with its `state` and `deadline_at`) takes answers at `now`;
    at the deadline's very moment it still does."""
    return attempt.state == AttemptState.IN_PROGRESS and (
        attempt.deadline_at is None or now <= attempt.deadline_at
    )


def takes_answers_clause(
    state: ColumnElement, deadline_at: ColumnElement, now: BindParameter | datetime
) -> ColumnElement[bool]:
    """`takes_answers` as a SQL condition on an attempt's `state` and `deadline_at` columns (of
    its table or its mapped class) at `now` (a value, or a bindparam)."""
    return and_(state == AttemptState.IN_PROGRESS, or_(deadline_at.is_(None), deadline_at >= now))
