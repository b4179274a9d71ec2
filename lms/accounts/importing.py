"""Bulk import of people from CSV or XLSX: every row is checked first, then all are written or
none. Row numbers are the spreadsheet's (the header is row 1).
"""

from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from lms import db
from lms.accounts import services
from lms.accounts.models import GRANTABLE_ROLES, LearnerProfile, Role
from lms.i18n import NoSuchDate, parse_date
from lms.tabular import reading

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
    """The header and data rows of a people file (CSV or XLSX), within the import's bounds;
    a file that cannot be read is a ServiceError with the reason.
    """
    try:
        return reading.read_rows(path, path.name, MAX_ROWS, check_header=header_problems)
    except reading.FileRefused as error:
        raise services.ServiceError(str(error)) from error


def header_problems(header: list[str]) -> list[str]:
    """What is wrong with a people file's header: unknown and missing columns."""
    mapping, unknown = _header_map(header)
    problems = [_("unknown column %(c)s", c=title) for title in unknown]
    problems += [_("missing column %(c)s", c=key) for key in REQUIRED if key not in mapping]
    return problems


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
    result.errors = [RowError(1, problem) for problem in header_problems(rows[0])]
    if result.errors:
        return result
    if len(rows) - 1 > MAX_ROWS:
        result.errors.append(RowError(1, _("more than %(n)d rows", n=MAX_ROWS)))
        return result
    mapping, _unknown = _header_map(rows[0])
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
        except NoSuchDate:
            problems.append(_("date of birth %(d)s does not exist", d=values["date_of_birth"]))
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
