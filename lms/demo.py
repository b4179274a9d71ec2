"""Demo data for `lms demo`: a real-looking province, one account per role, some learners.

Idempotent: units and accounts are looked up by code and username, so a second run adds nothing
and changes no password.
"""

from dataclasses import dataclass
from datetime import date

from lms.accounts import services
from lms.accounts.models import Role, Unit, UnitKind

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
    return passwords


def seed_content() -> None:
    """The shipped courses and question banks (unchanged ones are left alone)."""
    from lms.content.loader import find_courses, read_course
    from lms.courses.services import load_source
    from lms.quizzes import bank as banks
    from lms.quizzes.formats import parse_gift
    from lms.resources import data_dir

    titles = {}
    for folder in find_courses(data_dir("courses")):
        source = read_course(folder)
        load_source(source)
        titles[source.slug] = source.title
    for path in sorted(data_dir("quizzes").glob("*.gift")):
        parsed = parse_gift(path.read_bytes(), str(path))
        if parsed.errors:
            raise RuntimeError("\n".join(str(error) for error in parsed.errors))
        bank = banks.get_or_create_bank(path.stem, title=titles.get(path.stem))
        banks.import_questions(bank, parsed.questions)


#: (class code, course slug, class name, mode, self-enrolment on) — one class per shipped course.
CLASSES = [
    (
        "MC-2026-01",
        "mot-cua",
        "Lớp bồi dưỡng cơ chế một cửa, một cửa liên thông năm 2026",
        "blended",
        False,
    ),
    (
        "CNTT-2026-01",
        "ky-nang-cntt",
        "Lớp kỹ năng ứng dụng CNTT cho công chức cấp xã năm 2026",
        "online",
        True,
    ),
    (
        "GT-2026-01",
        "giao-tiep-cong-dan",
        "Lớp kỹ năng giao tiếp, ứng xử với người dân năm 2026",
        "in-person",
        False,
    ),
    (
        "TTHC-2026-01",
        "ra-soat-tthc",
        "Lớp rà soát, đơn giản hóa thủ tục hành chính năm 2026",
        "blended",
        False,
    ),
]


def seed_classes(units: dict[str, Unit]) -> None:
    """A class of each shipped course, learners enrolled at different points of progress."""
    from datetime import timedelta

    from lms import db
    from lms.accounts.models import LearnerProfile
    from lms.classes import services as classes
    from lms.classes.models import ModuleCompletion
    from lms.courses.services import current_version, find_course
    from lms.db import utcnow

    trainer = services.find_account("giangvien")
    learners = [
        str(a.id)
        for a in (
            services.find_account(u)
            for u in ["hocvien"] + [f"hocvien{n:02d}" for n in range(1, len(LEARNERS) + 1)]
        )
        if a is not None
    ]
    for number, (code, slug, name, mode, self_enrol) in enumerate(CLASSES):
        if classes.find_class(code) is not None:
            continue
        version = current_version(find_course(slug))
        training_class = classes.create_class(
            classes.ClassData(
                code=code,
                name=name,
                course_version=version,
                unit=units["DN-SNV"],
                mode=mode,
                starts_on=date(2026, 11, 2 + 7 * number),
                ends_on=date(2026, 12, 18),
                location="Hội trường Sở Nội vụ, 24 Trần Phú, Đà Nẵng",
                capacity=60,
                enrol_opens_on=date(2026, 10, 20),
                enrol_closes_on=date(2026, 12, 10),
                decision_number=f"{312 + number}/QĐ-SNV",
                decision_date=date(2026, 10, 15),
                decision_issuer="Sở Nội vụ thành phố Đà Nẵng",
                self_enrol=self_enrol,
                self_enrol_unit=units["DN"] if self_enrol else None,
                trainer_ids=[str(trainer.id)] if trainer else [],
            )
        )
        required = [m for m in version.modules if m.required]
        # Every class but one takes a different half of the learners; hocvien is in all four.
        chosen = [learners[0]] + [uid for i, uid in enumerate(learners[1:]) if i % 4 != number]
        for rank, user_id in enumerate(chosen):
            if db.session.get(LearnerProfile, user_id) is None:
                continue
            enrolment = classes.enrol(training_class, user_id)
            done = (rank + number) % (len(required) + 1)
            for offset, module in enumerate(required[:done]):
                db.session.add(
                    ModuleCompletion(
                        enrolment_id=enrolment.id,
                        module_id=module.id,
                        completed_at=utcnow() - timedelta(days=done - offset),
                    )
                )
            if done:
                enrolment.last_module_id = required[done - 1].id
                enrolment.last_activity_at = utcnow() - timedelta(hours=rank)
        db.session.flush()


def seed() -> dict[str, str]:
    """All demo data; returns the passwords of role accounts created by this run."""
    units = seed_units()
    passwords = seed_people(units)
    seed_content()
    seed_classes(units)
    return passwords
