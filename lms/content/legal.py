"""The registry of legal documents that content cites: what each is and whether it still applies.

The registry is data, not code: a YAML file shipped beside the courses
(`courses/legal-documents.yaml`), keyed by document number, that a province extends with its own
decisions in a file of the same shape. Later files override earlier ones number by number, so a
province can also correct an entry without editing the shipped file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from lms.content.fields import Fields, parse_yaml
from lms.content.model import Problem
from lms.i18n import parse_date
from lms.resources import data_dir

__all__ = [
    "REGISTRY_FILE",
    "LegalDocument",
    "Registry",
    "document_key",
    "parse_day",
    "read_registry",
    "registry_files",
]

#: The registry's file name in a content folder (the folder that holds the course folders).
REGISTRY_FILE = "legal-documents.yaml"

_KEYS = (
    "type",
    "title",
    "issuer",
    "issued",
    "in_force",
    "ceased",
    "replaced_by",
    "amended_by",
    "source",
    "names",
)
_REQUIRED = ("type", "title", "issuer")
#: "118/2025/NĐ-CP", "125/NQ-CP", "24/2018/QH14", "66.7/2025/NQ-CP", "30c/NQ-CP".
NUMBER = re.compile(
    r"(?P<num>\d{1,5}(?:\.\d{1,3})?[a-z]?)/(?:(?P<year>(?:19|20)\d{2})/)?"
    r"(?P<code>[A-ZĐ][A-Za-zĐđ0-9&]*(?:-[A-ZĐ][A-Za-zĐđ0-9&]*)*)"
)


def document_key(number: str) -> str:
    """The form two spellings of one number share: NFC, no leading zeros, case folded.

    "02/2017/TT-VPCP" and "2/2017/TT-VPCP" are one circular; "Ð" (eth, which some fonts show
    like "Đ") is read as "Đ".
    """
    text = unicodedata.normalize("NFC", number.strip()).replace("\u00d0", "Đ")
    head, _, rest = text.partition("/")
    return f"{head.lstrip('0') or '0'}/{rest}".casefold()


def parse_day(text: str) -> date | None:
    """dd/mm/yyyy (leading zeros optional) as a date, or None when it is not one."""
    if text.count("/") != 2:
        return None
    try:
        return parse_date(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class LegalDocument:
    """One legal document: its number, what it is, and when it applied."""

    #: As written on the document, e.g. "118/2025/NĐ-CP".
    number: str
    #: Its type in words: Luật, Nghị định, Thông tư, Quyết định, Nghị quyết, Chỉ thị, Công điện…
    kind: str
    title: str
    issuer: str
    #: None when the day of issue could not be confirmed.
    issued: date | None = None
    in_force: date | None = None
    #: The day it stopped applying (None while it applies).
    ceased: date | None = None
    replaced_by: tuple[str, ...] = ()
    amended_by: tuple[str, ...] = ()
    #: Where a trainer can read it (a link).
    source: str = ""
    #: Names it is cited by without its number, each followed by the year in the text:
    #: "Luật An ninh mạng" matches "Luật An ninh mạng năm 2018" for the 2018 law.
    names: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How a warning names it: "Nghị định 61/2018/NĐ-CP"; a law by its name, "Luật An ninh
        mạng 24/2018/QH14", since "Luật 24/2018/QH14" says little.
        """
        if self.title.casefold().startswith(self.kind.casefold()):
            return f"{self.title} {self.number}"
        return f"{self.kind} {self.number}"

    @property
    def year(self) -> int | None:
        """The year in its number ("24/2018/QH14" → 2018), else the year it was issued."""
        match = NUMBER.fullmatch(self.number)
        if match and match["year"]:
            return int(match["year"])
        return self.issued.year if self.issued else None

    def ceased_by(self, day: date) -> bool:
        return self.ceased is not None and self.ceased <= day


@dataclass
class Registry:
    """Every known document by number, plus the indexes the citation finder looks up."""

    documents: dict[str, LegalDocument] = field(default_factory=dict)
    #: Files it was read from, in order (later ones override earlier ones).
    files: list[Path] = field(default_factory=list)

    def add(self, document: LegalDocument) -> None:
        self.documents[document_key(document.number)] = document

    def get(self, number: str) -> LegalDocument | None:
        return self.documents.get(document_key(number))

    def by_short_number(self, kind_code: str, num: str, year: str) -> list[LegalDocument]:
        """Documents a short citation such as "NĐ 61/2018" may mean (the code's first part)."""
        wanted = document_key(f"{num}/{year}/")
        code = kind_code.casefold()
        return [
            document
            for key, document in self.documents.items()
            if key.startswith(wanted) and _code_kind(key[len(wanted) :]) == code
        ]

    def by_name(self, name: str, year: int) -> LegalDocument | None:
        """The document cited as `name` followed by the year it was issued."""
        folded = _fold_name(name)
        return next(
            (
                d
                for d in self.documents.values()
                if d.year == year and folded in map(_fold_name, d.names)
            ),
            None,
        )

    @property
    def names(self) -> list[str]:
        """Every name documents are cited by, longest first (so the longest wins a match)."""
        found = {name for d in self.documents.values() for name in d.names}
        return sorted(found, key=lambda name: (-len(name), name))


def _code_kind(code: str) -> str:
    """ "nđ-cp" → "nđ"; laws and resolutions of the National Assembly ("qh14") → "qh"."""
    head = code.split("-", 1)[0]
    return "qh" if re.fullmatch(r"(?:ubtv)?qh\d*", head) else head


def _fold_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def registry_files(content: list[Path], extra: list[Path]) -> list[Path]:
    """The registries that apply to `content`, in order: the shipped one, then a registry file
    in each content folder (or its parent, for a course folder or a bank), then `extra`.
    """
    candidates = [data_dir("courses") / REGISTRY_FILE]
    for path in content:
        folder = path if path.is_dir() else path.parent
        candidates += [folder / REGISTRY_FILE, folder.parent / REGISTRY_FILE]
    found: list[Path] = []
    for path in [*(c for c in candidates if c.is_file()), *extra]:
        if path.resolve() not in [f.resolve() for f in found]:
            found.append(path)
    return found


def read_registry(paths: list[Path], problems: list[Problem]) -> Registry:
    """Read registry files in order into one registry; record every bad entry in `problems`."""
    registry = Registry()
    entries: dict[str, tuple[LegalDocument, Fields]] = {}
    for path in paths:
        registry.files.append(path)
        for document, fields in _read_file(path, problems):
            registry.add(document)
            entries[document_key(document.number)] = (document, fields)
    for document, fields in entries.values():
        for key in ("replaced_by", "amended_by"):
            for number in getattr(document, key):
                if registry.get(number) is None:
                    message = f"{document.number}: {number} is not in the registry"
                    problems.append(Problem(fields.file, fields.line(key), message))
    return registry


def _read_file(path: Path, problems: list[Problem]) -> list[tuple[LegalDocument, Fields]]:
    try:
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        problems.append(Problem(path, 1, f"{path.name} not found"))
        return []
    except UnicodeDecodeError:
        problems.append(Problem(path, 1, "not UTF-8 text; save the file as UTF-8"))
        return []
    top = parse_yaml(text, path, 1, problems)
    if top is None:
        return []
    inner_lines = _inner_key_lines(text)
    read = []
    for number, value in top.values.items():
        line = top.line(number)
        if NUMBER.fullmatch(number) is None:
            message = f"'{number}' is not a document number like 118/2025/NĐ-CP"
            problems.append(Problem(path, line, message))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(path, line, f"{number}: expected 'key: value' lines"))
            continue
        fields = Fields(path, values={str(k): v for k, v in value.items()}, default_line=line)
        fields.key_lines = inner_lines.get(number, {})
        document = _document(number, fields)
        problems += [Problem(p.file, p.line, f"{number}: {p.message}") for p in fields.problems]
        if document is not None:
            read.append((document, fields))
    return read


def _inner_key_lines(text: str) -> dict[str, dict[str, int]]:
    """The line of each key inside each entry (PyYAML's nodes keep it; values do not)."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[str, dict[str, int]] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(value_node, yaml.MappingNode):
                lines[str(key_node.value)] = {
                    str(k.value): k.start_mark.line + 1 for k, _v in value_node.value
                }
    return lines


def _document(number: str, fields: Fields) -> LegalDocument | None:
    """The entry as a document, or None when `fields.problems` says what is wrong with it."""
    fields.check_keys(_KEYS)
    texts = {key: fields.text(key) for key in _REQUIRED}
    days = {key: _day(fields, key) for key in ("issued", "in_force", "ceased")}
    replaced_by, amended_by = _numbers(fields, "replaced_by"), _numbers(fields, "amended_by")
    names = _text_items(fields, "names")
    source = fields.values.get("source")
    if source is not None and not (
        isinstance(source, str) and source.startswith(("http://", "https://"))
    ):
        fields.report("source", "'source' must be a link starting with https://")
    ceased, in_force, issued = days["ceased"], days["in_force"], days["issued"]
    if ceased is not None and in_force is not None and ceased < in_force:
        fields.report("ceased", "'ceased' is before 'in_force'")
    if fields.problems:
        return None
    return LegalDocument(
        number=number,
        kind=str(texts["type"]).strip(),
        title=str(texts["title"]).strip(),
        issuer=str(texts["issuer"]).strip(),
        issued=issued,
        in_force=in_force,
        ceased=ceased,
        replaced_by=replaced_by,
        amended_by=amended_by,
        source=source or "",
        names=names,
    )


def _day(fields: Fields, key: str) -> date | None:
    value = fields.values.get(key)
    if value is None:
        return None
    day = parse_day(value) if isinstance(value, str) else None
    if day is None:
        fields.report(key, f"'{key}' must be a date written dd/mm/yyyy, not {value!r}")
    return day


def _numbers(fields: Fields, key: str) -> tuple[str, ...]:
    numbers = _text_items(fields, key)
    for number in numbers:
        if NUMBER.fullmatch(number) is None:
            fields.report(key, f"'{key}': '{number}' is not a document number")
    return numbers


def _text_items(fields: Fields, key: str) -> tuple[str, ...]:
    """A key holding one text or a list of texts (either spelling reads the same)."""
    value = fields.values.get(key)
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        fields.report(key, f"'{key}' must be a text or a list of texts")
        return ()
    return tuple(i.strip() for i in items)
