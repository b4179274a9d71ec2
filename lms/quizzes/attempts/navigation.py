"""Where a learner is in an attempt: which questions a page holds, the form-field prefix of
each question, and moving between pages (sequential navigation only goes forward).
"""

from lms.quizzes.models import Attempt, Quiz


def page_count(question_count: int, per_page: int) -> int:
    if per_page <= 0 or question_count == 0:
        return 1
    return -(-question_count // per_page)


def page_positions(question_count: int, per_page: int, page: int) -> list[int]:
    """Positions (1-based) of the questions on page `page` (0-based)."""
    if per_page <= 0:
        return list(range(1, question_count + 1))
    first = page * per_page + 1
    return list(range(first, min(first + per_page, question_count + 1)))


def page_of(position: int, per_page: int) -> int:
    return 0 if per_page <= 0 else (position - 1) // per_page


def field_prefix(position: int) -> str:
    """Prefix of a question's form fields on the attempt page: `q3-answer`, `q3-answer-0`."""
    return f"q{position}-"


def move_to_page(attempt: Attempt, quiz: Quiz, page: int) -> int:
    """Go to `page` (0-based, clamped); sequential navigation only goes one page forward."""
    pages = page_count(len(attempt.questions), quiz.questions_per_page)
    page = min(max(page, 0), pages - 1)
    if quiz.navigation == "sequential":
        page = min(max(page, attempt.current_page), attempt.current_page + 1)
    if page != attempt.current_page:
        attempt.current_page = page
    return page


def page_to_show(attempt: Attempt, quiz: Quiz, wanted: int) -> int:
    """The page a link asks for (free navigation), or the learner's page (sequential)."""
    if quiz.navigation == "sequential":
        return attempt.current_page
    return move_to_page(attempt, quiz, wanted)


def may_change_page(attempt: Attempt, quiz: Quiz, page: int) -> bool:
    """Answers on earlier pages are final under sequential navigation."""
    return quiz.navigation != "sequential" or page == attempt.current_page
