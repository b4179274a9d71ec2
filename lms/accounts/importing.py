"""Bulk import of people from CSV or XLSX: every row is checked first, then all are written or
none. Row numbers are the spreadsheet's (the header is row 1).
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from openpyxl import load_workbook
from sqlalchemy import select

from lms import db
from lms.accounts import services
from lms.accounts.models import GRANTABLE_ROLES, LearnerProfile, Role
from lms.i18n import parse_date

#: Accepted column headers (English keys or the Vietnamese labels organizers use).
COLUMNS = {
    "username": ("username", "tên đăng nhập", "tai khoan", "tài khoản"),
    "full_name": ("full_name", "họ và tên", "ho va ten", "họ tên"),
    "role": ("role", "vai trò"),
    "unit": ("unit", "unit_code", "mã đơn vị", "đơn vị"),
    "official_code": ("official_code", "mã cbccvc", "mã công chức"),
    "date_of_birth": ("date_of_birth", "ngày sinh"),
    "position": ("position", "chức vụ"),
    "rank": ("rank", "ngạch"),
    "education_level": ("education_level", "trình độ", "trình độ chuyên môn"),
    "email": ("email", "e-mail", "thư điện tử"),
    "password": ("password", "mật khẩu"),
}
REQUIRED = ("username", "full_name")
MAX_ROWS = 20000


@dataclass
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return _("row %(n)d: %(reason)s", n=self.row, reason=self.message)


@dataclass
class ImportResult:
    people: list[services.NewPerson] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: Passwords generated for rows that had none (username → password), to hand out.
    generated: dict[str, str] = field(default_factory=dict)


def read_rows(path: Path) -> list[list[str]]:
    """The cells of a CSV (UTF-8, with or without BOM) or XLSX file's first sheet, as text."""
    if path.suffix.lower() == ".xlsx":
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    if path.suffix.lower() == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        return [row for row in csv.reader(io.StringIO(text))]
    raise services.ServiceError(_("Use a .csv or .xlsx file."))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_map(header: list[str]) -> tuple[dict[str, int], list[str]]:
    lookup = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}
    mapping, unknown = {}, []
    for index, title in enumerate(header):
        key = lookup.get(title.strip().lower())
        if key:
            mapping[key] = index
        elif title.strip():
            unknown.append(title)
    return mapping, unknown


def validate(rows: list[list[str]]) -> ImportResult:
    """Check every row against the database and the other rows; nothing is written."""
    result = ImportResult()
    if not rows:
        result.errors.append(RowError(1, _("the file is empty")))
        return result
    mapping, unknown = _header_map(rows[0])
    for title in unknown:
        result.errors.append(RowError(1, _("unknown column %(c)s", c=title)))
    for key in REQUIRED:
        if key not in mapping:
            result.errors.append(RowError(1, _("missing column %(c)s", c=key)))
    if result.errors:
        return result
    if len(rows) - 1 > MAX_ROWS:
        result.errors.append(RowError(1, _("more than %(n)d rows", n=MAX_ROWS)))
        return result
    seen_usernames: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    units: dict[str, object] = {}
    for number, row in enumerate(rows[1:], start=2):
        values = {
            key: (row[i].strip() if i < len(row) and row[i] else "") for key, i in mapping.items()
        }
        if not any(values.values()):
            continue
        problems = _row_problems(values, number, seen_usernames, seen_codes, units)
        if problems:
            result.errors.extend(RowError(number, p) for p in problems)
            continue
        password = values.get("password") or ""
        if not password:
            password = services.generate_password()
            result.generated[values["username"].lower()] = password
        result.people.append(
            services.NewPerson(
                username=values["username"],
                full_name=values["full_name"],
                password=password,
                role=values.get("role") or Role.LEARNER,
                unit=units.get(values.get("unit", "").lower()),
                official_code=values.get("official_code") or None,
                date_of_birth=parse_date(values["date_of_birth"])
                if values.get("date_of_birth")
                else None,
                position=values.get("position", ""),
                rank=values.get("rank", ""),
                education_level=values.get("education_level", ""),
                email=values.get("email", ""),
                must_change_password=True,
            )
        )
    return result


def _row_problems(values, number, seen_usernames, seen_codes, units) -> list[str]:
    problems = []
    username = values.get("username", "").lower()
    if not username:
        problems.append(_("username is empty"))
    elif not services.USERNAME_RE.match(username):
        problems.append(
            _("username %(u)s is not valid (3–64 lowercase letters, digits, . _ -)", u=username)
        )
    elif username in seen_usernames:
        problems.append(
            _("username %(u)s repeats row %(n)d", u=username, n=seen_usernames[username])
        )
    elif services.find_account(username) is not None:
        problems.append(_("username %(u)s already exists", u=username))
    else:
        seen_usernames[username] = number
    if not values.get("full_name"):
        problems.append(_("full name is empty"))
    role = values.get("role") or Role.LEARNER
    if role not in {r.value for r in Role}:
        problems.append(_("unknown role %(r)s", r=role))
    unit_code = values.get("unit", "")
    if unit_code:
        unit = units.get(unit_code.lower()) or services.find_unit(unit_code)
        if unit is None:
            problems.append(_("unknown unit %(c)s", c=unit_code))
        else:
            units[unit_code.lower()] = unit
    elif role in GRANTABLE_ROLES:
        problems.append(_("a %(r)s needs a unit", r=role))
    code = values.get("official_code", "")
    if code:
        if code in seen_codes:
            problems.append(_("official code %(c)s repeats row %(n)d", c=code, n=seen_codes[code]))
        elif _code_taken(code):
            problems.append(_("official code %(c)s already belongs to someone", c=code))
        else:
            seen_codes[code] = number
    if values.get("date_of_birth"):
        try:
            parse_date(values["date_of_birth"])
        except ValueError:
            problems.append(_("date of birth %(d)s is not dd/mm/yyyy", d=values["date_of_birth"]))
    level = values.get("education_level", "")
    if level and level not in services.EDUCATION_LEVELS:
        problems.append(_("unknown education level %(v)s", v=level))
    password = values.get("password", "")
    if password and len(password) < services.MIN_PASSWORD_LENGTH:
        problems.append(_("password shorter than %(n)d characters", n=services.MIN_PASSWORD_LENGTH))
    return problems


def _code_taken(code: str) -> bool:
    return (
        db.session.scalar(
            select(LearnerProfile.user_id).where(LearnerProfile.official_code == code)
        )
        is not None
    )


def import_people(result: ImportResult) -> int:
    """Write every validated person in one transaction; the caller commits."""
    if result.errors:
        raise services.ServiceError(_("The file has errors; nothing was imported."))
    with db.session.begin_nested():
        for person in result.people:
            services.create_person(person)
    return len(result.people)
