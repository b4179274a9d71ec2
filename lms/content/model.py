"""Plain data objects for one course folder, and the problems found while reading one.

These carry no database state: the course services turn a `CourseSource` into rows, and use
`content_hash` to decide whether a folder changed enough to need a new course version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

__all__ = [
    "DEFAULT_PASS_MARK",
    "MINUTES_PER_PERIOD",
    "TOPICS",
    "ContentError",
    "CourseSource",
    "ModuleSource",
    "Problem",
]

#: Course topics a `course.yaml` may name; the first four are the standard CCHC topics.
TOPICS = ("one-stop", "it-skills", "communication", "tthc-simplification", "other")

#: One training period (tiết) lasts 45 minutes; course hours are counted in periods.
MINUTES_PER_PERIOD = 45

DEFAULT_PASS_MARK = 70


@dataclass(frozen=True)
class ModuleSource:
    """One `NN-name.md` file: its front matter, Markdown body and the local files it links to."""

    filename: str
    #: 1-based place in the course's `modules` list.
    position: int
    title: str
    minutes: int
    required: bool
    quiz: str | None
    body: str
    #: Linked local files, relative to the course folder (e.g. ``assets/form.png``).
    assets: list[Path]
    #: When the text was last checked against the law (front matter `reviewed`, dd/mm/yyyy).
    reviewed: date | None = None
    #: Lines in the file of the body's first line and of `reviewed`, for `file:line` warnings.
    body_line: int = field(default=1, compare=False)
    reviewed_line: int = field(default=1, compare=False)


@dataclass(frozen=True)
class CourseSource:
    """One course folder: `course.yaml` plus its modules, in order."""

    slug: str
    title: str
    summary: str
    topic: str
    #: Training periods (số tiết); equals the modules' minutes divided by 45.
    hours: int
    version: int
    audience: str
    objectives: list[str]
    modules: list[ModuleSource]
    quiz: str | None
    pass_mark: int
    #: Where the folder was read from; not part of equality, so a copy elsewhere compares equal.
    path: Path = field(compare=False)
    #: Numbers of the legal documents the course relies on (see `lms.content.legal`).
    sources: list[str] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        """SHA-256 over every field, every module and the bytes of every linked file."""
        digest = hashlib.sha256()
        digest.update(_canonical_json(self._fields()))
        for module in self.modules:
            for asset in module.assets:
                data = (self.path / asset).read_bytes()
                # Length prefixes keep one file's end from passing for the next one's start.
                digest.update(_canonical_json([asset.as_posix(), len(data)]))
                digest.update(data)
        return digest.hexdigest()

    def _fields(self) -> dict[str, object]:
        # `sources` and `reviewed` count only when set, so courses written before they existed
        # keep their hash and `lms content load` adds no version for them.
        fields = {
            "slug": self.slug,
            "title": self.title,
            "summary": self.summary,
            "topic": self.topic,
            "hours": self.hours,
            "version": self.version,
            "audience": self.audience,
            "objectives": self.objectives,
            "quiz": self.quiz,
            "pass_mark": self.pass_mark,
            "modules": [
                {
                    "filename": m.filename,
                    "position": m.position,
                    "title": m.title,
                    "minutes": m.minutes,
                    "required": m.required,
                    "quiz": m.quiz,
                    "body": m.body,
                    "assets": [a.as_posix() for a in m.assets],
                }
                | ({"reviewed": m.reviewed.isoformat()} if m.reviewed else {})
                for m in self.modules
            ],
        }
        if self.sources:
            fields["sources"] = self.sources
        return fields


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a content file, printed as ``file:line: message`` like a compiler."""

    file: Path
    #: 1-based line number.
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ContentError(Exception):
    """A course folder could not be read; `problems` lists everything wrong with it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _canonical_json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
