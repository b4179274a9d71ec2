"""Write a `CourseSource` back to a course folder in the format `loader.read_course` reads."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from lms.content.loader import COURSE_FILE
from lms.content.model import DEFAULT_PASS_MARK, CourseSource, ModuleSource

__all__ = ["write_course"]


def write_course(course: CourseSource, folder: Path) -> Path:
    """Write `course` into `folder` (named after its slug) and return the folder.

    Files already in `folder` are overwritten, never deleted: write into a new folder, or over the
    same course, so no stray module is left behind.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / COURSE_FILE).write_text(_dump(_course_fields(course)), encoding="utf-8")
    for module in course.modules:
        text = f"---\n{_dump(_front_matter(module))}---\n\n{module.body}\n"
        (folder / module.filename).write_text(text, encoding="utf-8")
        for asset in module.assets:
            source, target = course.path / asset, folder / asset
            if target.exists() and target.samefile(source):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return folder


def _course_fields(course: CourseSource) -> dict[str, object]:
    """The keys of `course.yaml`, in the order a trainer reads them."""
    fields: dict[str, object] = {
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "topic": course.topic,
        "hours": course.hours,
        "version": course.version,
        "audience": course.audience,
        "objectives": course.objectives,
    }
    if course.sources:
        fields["sources"] = course.sources
    fields["modules"] = [m.filename for m in course.modules]
    if course.quiz is not None:
        fields["quiz"] = course.quiz
    if course.pass_mark != DEFAULT_PASS_MARK:
        fields["pass_mark"] = course.pass_mark
    return fields


def _front_matter(module: ModuleSource) -> dict[str, object]:
    fields: dict[str, object] = {
        "title": module.title,
        "minutes": module.minutes,
        "required": module.required,
    }
    if module.quiz is not None:
        fields["quiz"] = module.quiz
    if module.reviewed is not None:
        fields["reviewed"] = module.reviewed.strftime("%d/%m/%Y")
    return fields


class _Dumper(yaml.SafeDumper):
    """Writes YAML the way a trainer types it: indented list items, multi-line text as `|`."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # PyYAML puts "- item" flush under its key by default; indent it as the docs show.
        super().increase_indent(flow, indentless=False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _dump(fields: dict[str, object]) -> str:
    # allow_unicode keeps Vietnamese readable instead of \u escapes; a wide width avoids folding.
    return yaml.dump(fields, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
