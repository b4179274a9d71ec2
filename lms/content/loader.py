"""Read and check course folders (`course.yaml` + `NN-name.md` modules + `assets/`).

`check` reports every problem in every course as ``file:line: message`` for trainers to fix;
`read_course` returns a `CourseSource` or raises `ContentError` with the same problems.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from lms.content.fields import Fields, parse_yaml
from lms.content.legal import NUMBER, parse_day
from lms.content.model import (
    DEFAULT_PASS_MARK,
    MINUTES_PER_PERIOD,
    TOPICS,
    ContentError,
    CourseSource,
    ModuleSource,
    Problem,
)

__all__ = ["ContentError", "Problem", "check", "find_courses", "read_course"]

COURSE_FILE = "course.yaml"
MIN_BODY_WORDS = 50

_MODULE_FILENAME = re.compile(r"(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\.md")
_COURSE_KEYS = (
    "slug",
    "title",
    "summary",
    "topic",
    "hours",
    "version",
    "audience",
    "objectives",
    "modules",
    "quiz",
    "pass_mark",
    "sources",
)
_MODULE_KEYS = ("title", "minutes", "required", "quiz", "reviewed")
_ALLOWED_SCHEMES = ("http", "https", "mailto")

# Markdown constructs that name a file: inline links and images, reference definitions, raw HTML.
_INLINE_TARGET = re.compile(r"\]\(\s*(<[^>]*>|(?:[^\s()]|\([^\s()]*\))+)")
_REFERENCE_TARGET = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
_HTML_TARGET = re.compile(r"\b(?:src|href)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+).*?\1")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_WORD = re.compile(r"\w+")


def find_courses(path: Path) -> list[Path]:
    """Return `path` if it is a course folder, else the course folders directly inside it."""
    if (path / COURSE_FILE).is_file():
        return [path]
    if not path.is_dir():
        return []
    return [sub for sub in sorted(path.iterdir()) if (sub / COURSE_FILE).is_file()]


def check(path: Path) -> list[Problem]:
    """Return every problem in the course folder `path`, or in every course folder inside it."""
    if (path / COURSE_FILE).is_file():
        return _read(path)[1]
    if not path.is_dir():
        return [Problem(path, 1, "no such folder")]
    problems: list[Problem] = []
    folders = [sub for sub in sorted(path.iterdir()) if sub.is_dir() and sub.name[0] not in "._"]
    for folder in folders:
        if (folder / COURSE_FILE).is_file():
            problems += _read(folder)[1]
        else:
            problems.append(Problem(folder / COURSE_FILE, 1, "course.yaml not found"))
    if not folders:
        problems.append(Problem(path, 1, "no course folders here (one with a course.yaml)"))
    return problems


def read_course(folder: Path) -> CourseSource:
    """Read one course folder; raise `ContentError` listing every problem if it has any."""
    course, problems = _read(folder)
    if course is None or problems:
        raise ContentError(problems)
    return course


class _ModuleRead(NamedTuple):
    """A module as far as it could be read: `module` is None when it has problems."""

    module: ModuleSource | None
    minutes: int | None
    problems: list[Problem]


def _read(folder: Path) -> tuple[CourseSource | None, list[Problem]]:
    """Read a course folder, collecting every problem instead of stopping at the first."""
    course_file = folder / COURSE_FILE
    problems: list[Problem] = []
    text = _read_text(course_file, problems)
    fields = parse_yaml(text, course_file, 1, problems) if text is not None else None
    if fields is None:
        # course.yaml is unreadable: still check every module file on its own.
        for path in sorted(folder.glob("*.md")):
            problems += _read_module(folder, path.name, 0).problems
        return None, _in_file_order(problems)

    fields.check_keys(_COURSE_KEYS)
    slug = fields.slug("slug", required=True)
    folder_name = folder.resolve().name
    if slug is not None and slug != folder_name:
        fields.report("slug", f"slug '{slug}' differs from the folder name '{folder_name}'")
    title = fields.text("title")
    summary = fields.text("summary")
    topic = fields.text("topic")
    if topic is not None and topic not in TOPICS:
        fields.report("topic", f"topic '{topic}' must be one of: {', '.join(TOPICS)}")
        topic = None
    hours = fields.positive_int("hours")
    version = fields.positive_int("version")
    audience = fields.text("audience")
    objectives = fields.text_list("objectives")
    quiz = fields.slug("quiz", required=False)
    pass_mark = fields.bounded_int("pass_mark", 0, 100, DEFAULT_PASS_MARK)
    sources = _sources(fields)
    filenames, all_found = _module_filenames(folder, fields)
    problems += fields.problems

    reads = [_read_module(folder, name, position) for position, name in enumerate(filenames, 1)]
    minutes = [r.minutes for r in reads]
    if hours is not None and all_found and None not in minutes:
        total = sum(m for m in minutes if m is not None)
        if hours * MINUTES_PER_PERIOD != total:
            problems.append(
                Problem(
                    course_file,
                    fields.line("hours"),
                    f"hours {hours} × 45 = {hours * MINUTES_PER_PERIOD} minutes, "
                    f"but the modules add up to {total} minutes",
                )
            )
    for r in reads:
        problems += r.problems
    for path in sorted(folder.glob("*.md")):
        if path.name not in filenames:
            problems.append(Problem(path, 1, "not listed in course.yaml 'modules'"))

    modules = [r.module for r in reads if r.module is not None]
    if problems or not all_found or len(modules) != len(filenames):
        return None, _in_file_order(problems)
    assert slug and title and summary and topic and hours and version and audience and objectives
    course = CourseSource(
        slug=slug,
        title=title,
        summary=summary,
        topic=topic,
        hours=hours,
        version=version,
        audience=audience,
        objectives=objectives,
        modules=modules,
        quiz=quiz,
        pass_mark=pass_mark,
        path=folder,
        sources=sources,
    )
    return course, []


def _sources(fields: Fields) -> list[str]:
    """The optional `sources` list: document numbers such as 118/2025/NĐ-CP, each once."""
    if fields.values.get("sources") is None:
        return []
    numbers = fields.text_list("sources") or []
    seen: set[str] = set()
    for line, number in zip(fields.item_lines.get("sources", []), numbers, strict=False):
        if NUMBER.fullmatch(number.strip()) is None:
            message = f"source '{number}' is not a document number like 118/2025/NĐ-CP"
            fields.problems.append(Problem(fields.file, line, message))
        elif number.strip() in seen:
            fields.problems.append(Problem(fields.file, line, f"source '{number}' is listed twice"))
        seen.add(number.strip())
    return [number.strip() for number in numbers]


def _module_filenames(folder: Path, fields: Fields) -> tuple[list[str], bool]:
    """Validate the `modules` list; return the files that can be read and whether all can."""
    names = fields.text_list("modules")
    if names is None:
        return [], False
    readable: list[str] = []
    last_number = -1
    for line, name in zip(fields.item_lines["modules"], names, strict=True):
        match = _MODULE_FILENAME.fullmatch(name)
        found = "/" not in name and "\\" not in name and (folder / name).is_file()
        if name in readable:
            message = f"module '{name}' is listed twice"
        elif not found:
            message = f"module file '{name}' not found in the course folder"
        elif match is None:
            message = (
                f"module file name '{name}' must look like 'NN-name.md' (lowercase, kebab-case)"
            )
        elif int(match[1]) <= last_number:
            message = f"module '{name}' is out of order (NN must go up)"
        else:
            message = ""
        if found and name not in readable:
            readable.append(name)
        if match is not None:
            last_number = max(last_number, int(match[1]))
        if message:
            fields.problems.append(Problem(fields.file, line, message))
    return readable, len(readable) == len(names)


def _read_module(folder: Path, filename: str, position: int) -> _ModuleRead:
    """Read one module file: front matter, body length and every local link."""
    path = folder / filename
    problems: list[Problem] = []
    text = _read_text(path, problems)
    if text is None:
        return _ModuleRead(None, None, problems)
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        problems.append(Problem(path, 1, "missing front matter: start the file with a '---' line"))
        return _ModuleRead(None, None, problems)
    end = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() == "---"), None)
    if end is None:
        problems.append(Problem(path, 1, "front matter is not closed by a '---' line"))
        return _ModuleRead(None, None, problems)
    fields = parse_yaml("\n".join(lines[1:end]), path, 2, problems)
    title: str | None = None
    minutes: int | None = None
    quiz: str | None = None
    reviewed: date | None = None
    required = True
    if fields is not None:
        fields.check_keys(_MODULE_KEYS)
        title = fields.text("title")
        minutes = fields.positive_int("minutes")
        required = fields.boolean("required", default=True)
        quiz = fields.slug("quiz", required=False)
        reviewed = _reviewed(fields)
        problems += fields.problems

    body_start = end + 1
    while body_start < len(lines) and not lines[body_start].strip():
        body_start += 1
    body = "\n".join(lines[body_start:]).rstrip()
    words = len(_WORD.findall(body))
    if words < MIN_BODY_WORDS:
        # An empty body has no line of its own: point at the closing '---'.
        line = body_start + 1 if body else end + 1
        message = f"body is too short: {words} of at least {MIN_BODY_WORDS} words"
        problems.append(Problem(path, line, message))
    assets = _check_links(folder, path, body, body_start + 1, problems)
    if problems or fields is None:
        return _ModuleRead(None, minutes, problems)
    assert title is not None and minutes is not None
    module = ModuleSource(
        filename,
        position,
        title,
        minutes,
        required,
        quiz,
        body,
        assets,
        reviewed=reviewed,
        body_line=body_start + 1,
        reviewed_line=fields.line("reviewed"),
    )
    return _ModuleRead(module, minutes, [])


def _reviewed(fields: Fields) -> date | None:
    """The optional `reviewed` date, written dd/mm/yyyy like every date trainers read."""
    value = fields.values.get("reviewed")
    if value is None:
        return None
    day = parse_day(value) if isinstance(value, str) else None
    if day is None:
        fields.report("reviewed", f"'reviewed' must be a date written dd/mm/yyyy, not {value!r}")
    return day


def _check_links(
    folder: Path, path: Path, body: str, first_line: int, problems: list[Problem]
) -> list[Path]:
    """Report links that leave the course folder or miss their file; return the files linked."""
    assets: list[Path] = []
    root = folder.resolve()
    for line, target in _link_targets(body, first_line):
        parts = urlsplit(target)
        if not target or target.startswith("#") or parts.scheme.lower() in _ALLOWED_SCHEMES:
            continue
        if parts.scheme or parts.netloc:
            message = f"link '{target}' must be http(s) or a file inside the course folder"
        elif parts.path.startswith("/"):
            message = f"link '{target}' must be relative to the course folder, like 'assets/x.png'"
        else:
            resolved = (folder / unquote(parts.path)).resolve()
            if not resolved.is_relative_to(root):
                message = f"link '{target}' points outside the course folder"
            elif not resolved.is_file():
                message = f"link target '{target}' not found"
            else:
                asset = resolved.relative_to(root)
                # Links between modules are not assets: the writer writes modules anyway.
                is_module = asset.parent == Path(".") and asset.suffix == ".md"
                if not is_module and asset not in assets:
                    assets.append(asset)
                continue
        problems.append(Problem(path, line, message))
    return assets


def _link_targets(body: str, first_line: int) -> Iterator[tuple[int, str]]:
    """Yield (line, target) for each link or image in Markdown `body`, skipping code."""
    fence = ""
    for number, line in enumerate(body.split("\n"), first_line):
        opener = _FENCE.match(line)
        if opener and (not fence or opener[1].startswith(fence)):
            # Only a fence of the same kind and at least the same length closes a code block.
            fence = "" if fence else opener[1]
            continue
        if fence:
            continue
        line = _CODE_SPAN.sub("", line)
        for match in _INLINE_TARGET.finditer(line):
            yield number, match[1].strip("<>")
        if reference := _REFERENCE_TARGET.match(line):
            yield number, reference[1].strip("<>")
        for match in _HTML_TARGET.finditer(line):
            yield number, match[1] if match[1] is not None else match[2]


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    """Return the file as NFC text (macOS editors may save decomposed Vietnamese), or None."""
    try:
        # utf-8-sig: Windows editors often prepend a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.append(Problem(path, 1, f"{path.name} not found"))
        return None
    except UnicodeDecodeError:
        problems.append(Problem(path, 1, "not UTF-8 text; save the file as UTF-8"))
        return None
    return unicodedata.normalize("NFC", text)


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Group problems by file (course.yaml first, then modules as met), each file by line."""
    rank: dict[Path, int] = {}
    for p in problems:
        rank.setdefault(p.file, len(rank))
    return sorted(problems, key=lambda p: (rank[p.file], p.line))
