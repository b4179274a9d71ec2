"""Warnings about content that may teach stale law: citations of documents that ceased (unless
the sentence says they are former), citations the registry lacks, and modules not reviewed
against the law for too long.

The same warnings serve `lms content check` (as `file:line: message`) and the authoring pages
(as `Notice`s beside the editor); messages go through Flask-Babel, so pages show them in the
reader's language and the command line, which runs without an app, in English.
"""

from __future__ import annotations

import calendar
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask_babel import gettext as _

from lms.content.citations import Citation, find_citations, marks_former
from lms.content.fields import parse_yaml
from lms.content.legal import LegalDocument, Registry, read_registry, registry_files
from lms.content.loader import check, find_courses, read_course
from lms.content.model import CourseSource, Problem

__all__ = [
    "DEFAULT_REVIEW_MONTHS",
    "ContentReport",
    "Notice",
    "bank_warnings",
    "check_content",
    "citation_notices",
    "course_warnings",
    "review_notice",
    "source_notices",
]

#: A module not checked against the law for longer than this many months is flagged.
DEFAULT_REVIEW_MONTHS = 12


@dataclass(frozen=True)
class Notice:
    """One warning about a text: the line it concerns (1 = the text's first) and why."""

    line: int
    message: str


def citation_notices(
    text: str, registry: Registry, today: date, *, gift: bool = False, first_line: int = 1
) -> list[Notice]:
    """A notice for each citation of a ceased, unknown or ambiguous document in `text`."""
    notices: list[Notice] = []
    for citation in find_citations(text, registry, gift=gift, first_line=first_line):
        message = _citation_message(citation, today)
        if message and Notice(citation.line, message) not in notices:
            notices.append(Notice(citation.line, message))
    return notices


def _citation_message(citation: Citation, today: date) -> str | None:
    if not citation.documents:
        return _(
            "cites %(document)s, which is not in the legal-document registry",
            document=citation.written,
        )
    if len(citation.documents) > 1:
        return _(
            "cites %(document)s, which may mean %(documents)s: write the full number",
            document=citation.written,
            documents=", ".join(d.number for d in citation.documents),
        )
    document = citation.documents[0]
    if not document.ceased_by(today):
        return None
    assert document.ceased is not None
    if marks_former(citation.sentence, document.ceased):
        return None
    return _ceased("cites", document)


def _ceased(verb: str, document: LegalDocument) -> str:
    """ "cites|relies on X, which ceased on dd/mm/yyyy (replaced by Y)"."""
    assert document.ceased is not None
    day = document.ceased.strftime("%d/%m/%Y")
    if verb == "cites" and document.replaced_by:
        return _(
            "cites %(document)s, which ceased on %(date)s (replaced by %(by)s)",
            document=document.label,
            date=day,
            by=", ".join(document.replaced_by),
        )
    if verb == "cites":
        return _("cites %(document)s, which ceased on %(date)s", document=document.label, date=day)
    if document.replaced_by:
        return _(
            "relies on %(document)s, which ceased on %(date)s (replaced by %(by)s)",
            document=document.label,
            date=day,
            by=", ".join(document.replaced_by),
        )
    return _("relies on %(document)s, which ceased on %(date)s", document=document.label, date=day)


def source_notices(sources: list[str], registry: Registry, today: date) -> list[str]:
    """Why the documents a course relies on (its `sources`) need a look: unknown or ceased."""
    messages = []
    for number in sources:
        document = registry.get(number)
        if document is None:
            messages.append(
                _(
                    "relies on %(document)s, which is not in the legal-document registry",
                    document=number,
                )
            )
        elif document.ceased_by(today):
            messages.append(_ceased("relies on", document))
    return messages


def review_notice(reviewed: date | None, today: date, months: int) -> str | None:
    """Why a module needs reviewing against the law, or None when it was reviewed lately."""
    if reviewed is None:
        return _("has no review date: write when it was last checked against the law")
    if today > add_months(reviewed, months):
        return _(
            "was last checked against the law on %(date)s, more than %(n)s months ago",
            date=reviewed.strftime("%d/%m/%Y"),
            n=months,
        )
    return None


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def course_warnings(
    course: CourseSource, registry: Registry, today: date, months: int
) -> list[Problem]:
    """Every warning in a course folder that reads without problems, as `file:line: message`."""
    course_file = course.path / "course.yaml"
    text = _read(course_file)
    fields = parse_yaml(text, course_file, 1, [])
    source_lines = set(fields.item_lines.get("sources", [])) if fields else set()
    problems = []
    prose = "\n".join(
        "" if n in source_lines else line for n, line in enumerate(text.split("\n"), 1)
    )
    for notice in citation_notices(prose, registry, today):
        problems.append(Problem(course_file, notice.line, notice.message))
    for line, number in zip(sorted(source_lines), course.sources, strict=True):
        for message in source_notices([number], registry, today):
            problems.append(Problem(course_file, line, message))
    for module in course.modules:
        path = course.path / module.filename
        for notice in citation_notices(module.body, registry, today, first_line=module.body_line):
            problems.append(Problem(path, notice.line, notice.message))
        message = review_notice(module.reviewed, today, months)
        if message:
            problems.append(Problem(path, module.reviewed_line, message))
    return problems


def bank_warnings(path: Path, registry: Registry, today: date) -> list[Problem]:
    """Every citation warning in a GIFT question bank (stems, answers, feedback, rubrics)."""
    text = _read(path)
    return [
        Problem(path, notice.line, notice.message)
        for notice in citation_notices(text, registry, today, gift=True)
    ]


def _read(path: Path) -> str:
    # The loader reads content as NFC too: macOS editors may save decomposed Vietnamese.
    return unicodedata.normalize("NFC", path.read_text(encoding="utf-8-sig"))


@dataclass
class ContentReport:
    """What `lms content check` found: problems (errors) and warnings, with what was read."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    courses: int = 0
    banks: int = 0


def check_content(
    paths: list[Path], registries: list[Path], today: date, months: int
) -> ContentReport:
    """Check course folders (or folders of them) and GIFT banks (files, or folders of them)
    against the registry: the shipped one, a `legal-documents.yaml` beside the content, and
    `registries` given explicitly, later ones overriding earlier ones.
    """
    report = ContentReport()
    registry = read_registry(registry_files(paths, registries), report.problems)
    for path in paths:
        banks = [path] if path.is_file() else sorted(path.glob("*.gift"))
        for bank in banks:
            report.banks += 1
            report.warnings += bank_warnings(bank, registry, today)
        if path.is_file() or (banks and not _has_subfolders(path)):
            continue
        problems = check(path)
        report.problems += problems
        for folder in find_courses(path):
            report.courses += 1
            if not any(p.file.is_relative_to(folder) for p in problems):
                course = read_course(folder)
                report.warnings += course_warnings(course, registry, today, months)
    return report


def _has_subfolders(path: Path) -> bool:
    return any(sub.is_dir() and sub.name[0] not in "._" for sub in path.iterdir())
