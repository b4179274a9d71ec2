"""Paging of the quiz area's long lists (a bank's questions, results): the page asked for in the
query string (`?page=`), `LMS_PAGE_SIZE` rows a page.
"""

from dataclasses import dataclass

from flask import current_app

from lms.routing import query_int


@dataclass
class Page:
    """One page of rows, with the total and the page count a pager shows."""

    rows: list
    total: int
    page: int
    pages: int


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` rows fill (one, even when there are none)."""
    return max(1, -(-total // per_page))


def requested() -> tuple[int, int]:
    """The page number asked for (1 at least) and the page size."""
    return query_int("page", 1), current_app.config["LMS_PAGE_SIZE"]


def page_of(rows: list) -> Page:
    """The asked-for page of rows already in memory (past the last page, the last)."""
    number, per_page = requested()
    pages = page_count(len(rows), per_page)
    number = min(number, pages)
    start = (number - 1) * per_page
    return Page(rows[start : start + per_page], len(rows), number, pages)
