"""YAML mappings that remember the line of each key, with getters that report bad values.

Trainers fix content from `file:line: message` output, so every value keeps the line it came from
(taken from PyYAML's node marks); a getter reports a bad value and returns None instead of raising.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lms.content.model import Problem

__all__ = ["SLUG", "Fields", "parse_yaml"]

#: Lowercase kebab-case ASCII, as used for course and quiz-bank slugs.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass
class Fields:
    """A YAML mapping with the line of each key, and the problems found while validating it.

    Each getter returns the value if it is valid; otherwise it records a problem on the key's line
    and returns None (or the default), so one read reports every bad value at once.
    """

    file: Path
    values: dict[str, object] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, list[int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: Where a missing key is reported: the top of the file, or of a nested mapping.
    default_line: int = 1

    def line(self, key: str) -> int:
        # A missing key has no line of its own.
        return self.key_lines.get(key, self.default_line)

    def report(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.line(key), message))

    def check_keys(self, allowed: tuple[str, ...]) -> None:
        for key in self.values:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self.report(key, f"unknown key '{key}'{hint}")

    def present(self, key: str, required: bool) -> bool:
        if self.values.get(key) is not None:
            return True
        if required and key in self.key_lines:
            self.report(key, f"'{key}' has no value")
        elif required:
            self.report(key, f"missing required key '{key}'")
        return False

    def text(self, key: str) -> str | None:
        value = self.values.get(key)
        if not self.present(key, required=True):
            return None
        if not isinstance(value, str) or not value.strip():
            self.report(key, f"'{key}' must be non-empty text")
            return None
        return value

    def positive_int(self, key: str) -> int | None:
        value = self.values.get(key)
        if not self.present(key, required=True):
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.report(key, f"'{key}' must be a positive whole number, not {value!r}")
            return None
        return value

    def slug(self, key: str, required: bool) -> str | None:
        value = self.values.get(key)
        if not self.present(key, required):
            return None
        if not isinstance(value, str) or not SLUG.fullmatch(value):
            self.report(key, f"'{key}' must be a lowercase kebab-case slug, like 'mot-cua'")
            return None
        return value

    def text_list(self, key: str) -> list[str] | None:
        value = self.values.get(key)
        if not self.present(key, required=True):
            return None
        if not isinstance(value, list) or not value:
            self.report(key, f"'{key}' must be a non-empty list")
            return None
        lines = self.item_lines.get(key, [])
        good = True
        for line, item in zip(lines, value, strict=True):
            if not isinstance(item, str) or not item.strip():
                self.problems.append(Problem(self.file, line, f"'{key}' items must be text"))
                good = False
        return value if good else None

    def boolean(self, key: str, default: bool) -> bool:
        value = self.values.get(key, default)
        if not isinstance(value, bool):
            self.report(key, f"'{key}' must be true or false")
            return default
        return value

    def bounded_int(self, key: str, low: int, high: int, default: int) -> int:
        value = self.values.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.report(key, f"'{key}' must be a whole number {low}-{high}, not {value!r}")
            return default
        return value


def parse_yaml(text: str, path: Path, first_line: int, problems: list[Problem]) -> Fields | None:
    """Parse a YAML mapping, keeping each key's line (`first_line` is the text's first line)."""
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            values = loader.construct_document(node) if node is not None else {}
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        problems.append(_yaml_problem(exc, text, path, first_line))
        return None
    fields = Fields(path)
    if node is None:
        return fields
    if not isinstance(node, yaml.MappingNode) or not isinstance(values, dict):
        problems.append(Problem(path, first_line, "expected 'key: value' lines"))
        return None
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = first_line + key_node.start_mark.line
        if key in fields.key_lines:
            problems.append(Problem(path, line, f"duplicate key '{key}'"))
        fields.key_lines[key] = line
        if isinstance(value_node, yaml.SequenceNode):
            fields.item_lines[key] = [first_line + n.start_mark.line for n in value_node.value]
    fields.values = {str(k): v for k, v in values.items()}
    return fields


def _yaml_problem(exc: yaml.YAMLError, text: str, path: Path, first_line: int) -> Problem:
    """Turn a PyYAML error into a problem on the line where YAML noticed it."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = first_line + text.count("\n", 0, exc.position)
        return Problem(path, line, f"YAML syntax error: control character #x{exc.character:02x}")
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Problem(path, first_line, f"YAML syntax error: {exc}")
    mark = exc.problem_mark or exc.context_mark
    line = first_line + (mark.line if mark else 0)
    message = f"YAML syntax error: {exc.problem or exc.context}"
    if exc.problem and exc.context and exc.context_mark and exc.context_mark.line != mark.line:
        # "end of stream" alone hides the cause, e.g. a quote opened many lines above.
        message += f" ({exc.context} on line {first_line + exc.context_mark.line})"
    return Problem(path, line, message)
