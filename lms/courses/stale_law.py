"""Stale-law warnings for trainers: the checks of `lms content check` applied to course versions in
the database, against the registry files the app is configured with (`LMS_LEGAL_DOCUMENTS`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app

from lms.classes.enrolment import today
from lms.content.legal import REGISTRY_FILE, Registry, read_registry
from lms.content.staleness import Notice, citation_notices, review_notice, source_notices
from lms.courses.models import CourseVersion, Module
from lms.resources import data_dir


@dataclass
class ModuleCheck:
    """What a trainer should look at in one module: citations and the review date."""

    module: Module | None
    #: Citations of ceased, unknown or ambiguous documents; lines count from the body's first.
    citations: list[Notice] = field(default_factory=list)
    #: Why the module needs a review against the law, if it does.
    review: str | None = None

    @property
    def clean(self) -> bool:
        return not self.citations and self.review is None


@dataclass
class VersionCheck:
    """The warnings of a whole course version, for its course page."""

    sources: list[str]
    modules: list[ModuleCheck]

    @property
    def clean(self) -> bool:
        return not self.sources and all(check.clean for check in self.modules)


def registry() -> Registry:
    """The configured registry, read again only when one of its files changes."""
    paths = current_app.config["LMS_LEGAL_DOCUMENTS"] or [data_dir("courses") / REGISTRY_FILE]
    if isinstance(paths, str | Path):
        paths = [paths]
    stamps = tuple((str(path), _stamp(Path(path))) for path in paths)
    return _read(stamps)


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=8)
def _read(stamps: tuple[tuple[str, tuple[int, int]], ...]) -> Registry:
    # Bad entries are reported by `lms content check`; the pages use the entries that read.
    return read_registry([Path(path) for path, _stamp in stamps], [])


def check_module(
    body: str, reviewed: date | None, module: Module | None = None, on: date | None = None
) -> ModuleCheck:
    """The warnings for a module's text and review date (the text being edited, or stored)."""
    day = on or today()
    return ModuleCheck(
        module=module,
        citations=citation_notices(body, registry(), day),
        review=review_notice(reviewed, day, current_app.config["LMS_CONTENT_REVIEW_MONTHS"]),
    )


def check_version(version: CourseVersion, on: date | None = None) -> VersionCheck:
    """The warnings for a course version: its sources and each of its modules."""
    day = on or today()
    return VersionCheck(
        sources=source_notices(list(version.sources or []), registry(), day),
        modules=[check_module(m.body, m.reviewed, m, day) for m in version.modules],
    )
