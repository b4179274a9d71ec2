"""The demo province and its people: Đà Nẵng's units (one retired after the 2025 merger), one
account per role whose password `lms demo` prints, and twenty learners who fill the lists.

Idempotent: units and accounts are looked up by code and username; an existing account keeps its
password.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms import db
from lms.accounts import services
from lms.accounts.models import Account, Role, RoleGrant, Unit, UnitKind

#: (code, name, kind, parent code). Đà Nẵng is the city of the 2016–2020 CCHC training report
#: the product's figures come from; communes follow the two-level government of 1/7/2025.
UNITS = [
    ("DN", "Thành phố Đà Nẵng", UnitKind.PROVINCE, None),
    ("DN-SNV", "Sở Nội vụ", UnitKind.DEPARTMENT, "DN"),
    ("DN-SNV-CCVC", "Phòng Công chức, viên chức", UnitKind.DIVISION, "DN-SNV"),
    ("DN-SNV-CCHC", "Phòng Cải cách hành chính", UnitKind.DIVISION, "DN-SNV"),
    ("DN-VP", "Văn phòng Ủy ban nhân dân thành phố", UnitKind.DEPARTMENT, "DN"),
    ("DN-TTPVHCC", "Trung tâm Phục vụ hành chính công", UnitKind.DIVISION, "DN-VP"),
    ("DN-SKHCN", "Sở Khoa học và Công nghệ", UnitKind.DEPARTMENT, "DN"),
    ("DN-STC", "Sở Tài chính", UnitKind.DEPARTMENT, "DN"),
    ("DN-PHC", "Phường Hải Châu", UnitKind.COMMUNE, "DN"),
    ("DN-PHCU", "Phường Hòa Cường", UnitKind.COMMUNE, "DN"),
    ("DN-PTK", "Phường Thanh Khê", UnitKind.COMMUNE, "DN"),
    ("DN-XHV", "Xã Hòa Vang", UnitKind.COMMUNE, "DN"),
    ("DN-QHC", "Quận Hải Châu (đến 30/6/2025)", UnitKind.DISTRICT, "DN"),
]
RETIRED = {"DN-QHC"}
#: Role accounts who act on the whole city although they sit in a department: the organizer of
#: Sở Nội vụ enrols and certifies the city's officials, and its trainer maintains the shipped
#: courses and banks (which belong to trainers of a whole tree).
CITY_WIDE = {"tochuc": "DN", "giangvien": "DN"}


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    role: str
    unit: str
    official_code: str
    position: str
    rank: str
    born: date


#: One account per role (printed), then learners who fill the lists.
ROLE_ACCOUNTS = [
    DemoPerson(
        "hocvien",
        "Nguyễn Thị Mai",
        Role.LEARNER,
        "DN-PHC",
        "DN0001001",
        "Công chức Văn phòng – Thống kê",
        "chuyen-vien",
        date(1990, 4, 12),
    ),
    DemoPerson(
        "giangvien",
        "Võ Văn Hùng",
        Role.TRAINER,
        "DN-SNV",
        "DN0001002",
        "Phó Trưởng phòng Cải cách hành chính",
        "chuyen-vien-chinh",
        date(1978, 9, 3),
    ),
    DemoPerson(
        "tochuc",
        "Lê Thị Thu Hà",
        Role.ORGANIZER,
        "DN-SNV",
        "DN0001003",
        "Chuyên viên Phòng Công chức, viên chức",
        "chuyen-vien",
        date(1985, 1, 27),
    ),
    DemoPerson(
        "quantri",
        "Trần Minh Quân",
        Role.ADMIN,
        "DN",
        "DN0001004",
        "Chuyên viên Trung tâm Phục vụ hành chính công",
        "chuyen-vien",
        date(1988, 6, 15),
    ),
]
LEARNERS = [
    ("Đặng Văn Tùng", "DN-PHC"),
    ("Phan Thị Ánh", "DN-PHC"),
    ("Huỳnh Ngọc Bảo", "DN-PHC"),
    ("Bùi Thị Hồng", "DN-PHCU"),
    ("Ngô Quang Vinh", "DN-PHCU"),
    ("Lý Thị Xuân", "DN-PHCU"),
    ("Trương Công Định", "DN-PTK"),
    ("Hồ Thị Yến", "DN-PTK"),
    ("Đỗ Minh Khoa", "DN-PTK"),
    ("Mai Thị Lan", "DN-XHV"),
    ("Dương Văn Phúc", "DN-XHV"),
    ("Cao Thị Oanh", "DN-XHV"),
    ("Nguyễn Văn An", "DN-TTPVHCC"),
    ("Lê Thị Ân", "DN-TTPVHCC"),
    ("Trần Quốc Ẩn", "DN-TTPVHCC"),
    ("Phạm Đức Sơn", "DN-SKHCN"),
    ("Vũ Thị Thanh", "DN-SKHCN"),
    ("Hoàng Văn Nam", "DN-STC"),
    ("Đinh Thị Ngọc", "DN-STC"),
    ("Tạ Văn Chiến", "DN-SNV-CCHC"),
]
LEARNER_POSITIONS = ("Công chức Bộ phận Một cửa", "Chuyên viên", "Công chức Tư pháp – Hộ tịch")


def seed_units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for code, name, kind, parent in UNITS:
        unit = services.find_unit(code)
        if unit is None:
            unit = services.create_unit(code, name, kind, units.get(parent) if parent else None)
            unit.retired = code in RETIRED
        units[code] = unit
    return units


def _people() -> list[DemoPerson]:
    people = list(ROLE_ACCOUNTS)
    for number, (name, unit) in enumerate(LEARNERS, start=1):
        people.append(
            DemoPerson(
                username=f"hocvien{number:02d}",
                full_name=name,
                role=Role.LEARNER,
                unit=unit,
                official_code=f"DN00020{number:02d}",
                position=LEARNER_POSITIONS[number % len(LEARNER_POSITIONS)],
                rank="chuyen-vien" if number % 3 else "can-su",
                born=date(1975 + number % 20, 1 + number % 12, 1 + number % 27),
            )
        )
    return people


def seed_people(units: dict[str, Unit]) -> dict[str, str]:
    """Create the demo accounts that are missing; return {username: password} of new role ones."""
    printed = {person.username for person in ROLE_ACCOUNTS}
    passwords: dict[str, str] = {}
    for person in _people():
        if services.find_account(person.username) is not None:
            continue
        password = services.generate_password()
        services.create_person(
            services.NewPerson(
                username=person.username,
                full_name=person.full_name,
                password=password,
                role=person.role,
                unit=units[person.unit],
                official_code=person.official_code,
                date_of_birth=person.born,
                position=person.position,
                rank=person.rank,
                education_level="dai-hoc",
            )
        )
        if person.username in printed:
            passwords[person.username] = password
    _grant_city_wide(units)
    return passwords


def _grant_city_wide(units: dict[str, Unit]) -> None:
    """Move the CITY_WIDE accounts' grant from their department to the city (also on a demo
    seeded before they had it)."""
    for person in ROLE_ACCOUNTS:
        account = services.find_account(person.username)
        if account is None or person.username not in CITY_WIDE:
            continue
        city = units[CITY_WIDE[person.username]]
        services.grant_role(str(account.id), person.role, city)
        narrower = select(RoleGrant).where(
            RoleGrant.user_id == str(account.id),
            RoleGrant.role == person.role,
            RoleGrant.unit_id != city.id,
        )
        for grant in db.session.scalars(narrower):
            db.session.delete(grant)
    db.session.flush()


def learner_accounts() -> list[Account]:
    """The demo learners' accounts that exist, `hocvien` first (the order classes enrol them)."""
    usernames = ["hocvien"] + [f"hocvien{n:02d}" for n in range(1, len(LEARNERS) + 1)]
    return [a for a in (services.find_account(u) for u in usernames) if a is not None]
