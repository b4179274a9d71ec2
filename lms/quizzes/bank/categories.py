"""A bank's category tree: nested by slash-separated path, with question counts; adding,
renaming (the categories below follow) and moving questions between categories.

A parent path need not have a row of its own: an import of "mot-cua/01-co-che" creates only that
category, yet the tree shows "mot-cua" above it. Such implied categories are made when something
needs their id (a question moved into one, a quiz drawing from one).
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from lms import db
from lms.accounts.services import ServiceError
from lms.audit.services import record
from lms.quizzes.models import Question, QuestionBank, QuestionCategory

#: Longest category path the table holds.
MAX_PATH = 255


@dataclass
class CategoryNode:
    """One line of the tree: a category (or an implied parent) and its question counts."""

    path: str
    #: None for an implied parent that has no row of its own yet.
    id: int | None
    #: Questions in this category itself.
    own: int = 0
    #: Questions in this category and every category below it.
    total: int = 0

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def depth(self) -> int:
        return self.path.count("/")


def category_by_path(bank: QuestionBank, path: str) -> QuestionCategory:
    """The bank's category at `path`, made when missing (a parent such as the bank's root holds
    no questions of its own, so an import never creates it).
    """
    path = path.strip("/")
    category = db.session.scalar(
        select(QuestionCategory).where(
            QuestionCategory.bank_id == bank.id, QuestionCategory.path == path
        )
    )
    if category is None:
        category = QuestionCategory(bank_id=bank.id, path=path)
        db.session.add(category)
        db.session.flush()
    return category


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:end]) for end in range(1, len(parts))]


def category_tree(bank: QuestionBank) -> list[CategoryNode]:
    """Every category of the bank and its implied parents, in path order (two queries)."""
    rows = db.session.execute(
        select(QuestionCategory.id, QuestionCategory.path).where(
            QuestionCategory.bank_id == bank.id
        )
    ).all()
    counts = dict(
        db.session.execute(
            select(Question.category_id, func.count(Question.id))
            .where(Question.bank_id == bank.id)
            .group_by(Question.category_id)
        ).all()
    )
    nodes = {path: CategoryNode(path, category_id) for category_id, path in rows}
    for _category_id, path in rows:
        for parent in _ancestors(path):
            nodes.setdefault(parent, CategoryNode(parent, None))
    for category_id, path in rows:
        count = counts.get(category_id, 0)
        nodes[path].own = count
        for node_path in [*_ancestors(path), path]:
            nodes[node_path].total += count
    return [nodes[path] for path in sorted(nodes, key=lambda p: p.split("/"))]


def _subtree_clause(path: str):
    return or_(
        QuestionCategory.path == path,
        QuestionCategory.path.startswith(path + "/", autoescape=True),
    )


def subtree_ids(bank: QuestionBank, path: str, include_subcategories: bool) -> list[int]:
    """Ids of the category at `path` (and, if asked, of every category below it)."""
    where = _subtree_clause(path) if include_subcategories else QuestionCategory.path == path
    return list(
        db.session.scalars(
            select(QuestionCategory.id).where(QuestionCategory.bank_id == bank.id, where)
        )
    )


def check_name(name: str) -> str:
    """A category's own name, trimmed; a slash would nest it, so it is refused."""
    name = " ".join(name.split())
    if not name:
        raise ServiceError(_("Give the category a name."))
    if "/" in name:
        raise ServiceError(_("A category name cannot contain “/”; add it under a parent instead."))
    return name


def _taken(bank: QuestionBank, paths: list[str]) -> set[str]:
    """Which of `paths` the tree already shows (as a category or an implied parent)."""
    shown = {node.path for node in category_tree(bank)}
    return {path for path in paths if path in shown}


def add_category(bank: QuestionBank, parent: str, name: str) -> QuestionCategory:
    """A new category under `parent` (empty for a top-level one)."""
    parent = parent.strip("/")
    if parent and not _taken(bank, [parent]):
        raise ServiceError(_("There is no category %(path)s.", path=parent))
    path = f"{parent}/{check_name(name)}" if parent else check_name(name)
    if len(path) > MAX_PATH:
        raise ServiceError(_("The category path is too long."))
    if _taken(bank, [path]):
        raise ServiceError(_("The category %(path)s already exists.", path=path))
    category = category_by_path(bank, path)
    record("bank.category_add", "question_bank", bank.id, after={"path": path})
    return category


def rename_category(bank: QuestionBank, path: str, name: str) -> str:
    """Give the category at `path` a new name; the categories below it move along.

    Quiz slots keep drawing from the same categories: only paths change, never ids.
    """
    moving = list(
        db.session.scalars(
            select(QuestionCategory).where(
                QuestionCategory.bank_id == bank.id, _subtree_clause(path)
            )
        )
    )
    if not moving:
        raise ServiceError(_("There is no category %(path)s.", path=path))
    parent = path.rsplit("/", 1)[0] if "/" in path else ""
    new_path = f"{parent}/{check_name(name)}" if parent else check_name(name)
    if new_path == path:
        return path
    renamed = {c.path: new_path + c.path[len(path) :] for c in moving}
    if any(len(p) > MAX_PATH for p in renamed.values()):
        raise ServiceError(_("The category path is too long."))
    if _taken(bank, [new_path]):
        raise ServiceError(_("The category %(path)s already exists.", path=new_path))
    for category in moving:
        category.path = renamed[category.path]
    db.session.flush()
    record(
        "bank.category_rename",
        "question_bank",
        bank.id,
        before={"path": path},
        after={"path": new_path},
    )
    return new_path


def move_questions(bank: QuestionBank, question_ids: list[int], target: str) -> int:
    """Put questions of this bank into the category at `target`; returns how many moved."""
    if not question_ids:
        raise ServiceError(_("Tick the questions to move."))
    if not _taken(bank, [target.strip("/")]):
        raise ServiceError(_("There is no category %(path)s.", path=target))
    category = category_by_path(bank, target)
    moved = db.session.execute(
        update(Question)
        .where(Question.bank_id == bank.id, Question.id.in_(question_ids))
        .values(category_id=category.id)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    record(
        "question.move",
        "question_bank",
        bank.id,
        after={"questions": sorted(question_ids), "category": category.path},
    )
    return moved


def category_paths(bank: QuestionBank) -> list[str]:
    """Paths a question may be put in: the tree's, or the bank's root when it has none yet."""
    return [node.path for node in category_tree(bank)] or [bank.slug]
