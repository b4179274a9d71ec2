"""The class roster: Vietnamese name order, progress and last activity, paging, a bounded number of
queries with 2,000 learners, and the XLSX and CSV exports.
"""

import csv
import io
import itertools
import tracemalloc
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from lms import db
from lms.accounts.models import LearnerProfile, Role
from lms.accounts.services import collation_string, save_profile
from lms.classes import enrolment as enrolments
from lms.classes import exports
from lms.classes.models import Enrolment, ModuleCompletion
from lms.db import utcnow
from lms.tabular import writing
from lms.text import fold
from tests.access.classes import open_class, small_version
from tests.conftest import csrf_token, login
from tests.html_checks import names_not_starting_with_text

#: Listed in the order a Vietnamese reader expects: given name (an < ánh < ân < bình < dũng <
#: đức), then family and middle names (Nguyễn Văn An before Trần Văn An).
IN_ORDER = [
    "Nguyễn Văn An",
    "Trần Văn An",
    "Trần Thị Ánh",
    "Phạm Thị Ân",
    "Lê Văn Bình",
    "Hoàng Văn Dũng",
    "Đỗ Văn Đức",
]
ENGLISH_HEADER = [
    "No.",
    "Full name",
    "Official code",
    "Date of birth",
    "Unit",
    "Position",
    "Enrolled on",
    "Required modules completed",
    "Required modules",
    "Progress (%)",
    "Last activity",
]


@pytest.fixture
def roster(make_unit, make_person):
    """A class of unit A with seven learners (entered in a scrambled order), one with progress."""
    unit = make_unit("SO-A", "Sở A", kind="province")
    organizer = make_person("tochuca", role=Role.ORGANIZER, unit=unit)
    training_class = open_class(unit, "LOP-MC-01", small_version(required=(True, True, False)))
    for number, name in enumerate(reversed(IN_ORDER)):
        save_profile(
            f"hv-{number}",
            full_name=name,
            unit=unit,
            official_code=f"CB{number:03d}",
            date_of_birth=date(1990, 1, number + 1),
            position='=HYPERLINK("http://x")' if name == "Lê Văn Bình" else "Chuyên viên",
        )
        enrolments.enrol(training_class, f"hv-{number}")
    db.session.commit()
    an = enrolments.find_enrolment(training_class, "hv-6")  # Nguyễn Văn An
    modules = training_class.course_version.modules
    db.session.add_all(
        [
            ModuleCompletion(enrolment_id=an.id, module_id=modules[0].id),
            # An optional module does not count towards progress.
            ModuleCompletion(enrolment_id=an.id, module_id=modules[2].id),
        ]
    )
    an.last_activity_at = datetime(2025, 3, 10, 2, 30, tzinfo=UTC)
    db.session.commit()
    return {"class": training_class, "organizer": organizer, "unit": unit}


def english(client) -> None:
    client.post("/language", data={"csrf_token": csrf_token(client, "/profile"), "language": "en"})


def positions(page: str, names) -> list[int]:
    return [page.index(f">{name}<") for name in names]


def test_roster_lists_learners_in_vietnamese_name_order(client, roster):
    """Given name first, Vietnamese alphabet, then family and middle names."""
    login(client, roster["organizer"])
    page = client.get(f"/classes/{roster['class'].id}/roster").get_data(as_text=True)
    found = positions(page, IN_ORDER)
    assert found == sorted(found)


def test_roster_shows_progress_and_last_activity(client, roster):
    """1 of 2 required modules (the optional one does not count); time in local dd/mm/yyyy."""
    login(client, roster["organizer"])
    english(client)
    page = client.get(f"/classes/{roster['class'].id}/roster").get_data(as_text=True)
    assert "1/2 modules (50%)" in page
    assert "10/03/2025 09:30" in page
    assert "Sở A" in page


def test_class_pages_call_a_module_bai_hoc(client, roster):
    """In Vietnamese a course module is "bài học" on the class pages too, never "học phần"."""
    login(client, roster["organizer"])
    class_id = roster["class"].id
    roster_page = client.get(f"/classes/{class_id}/roster").get_data(as_text=True)
    assert "1/2 bài học (50%)" in roster_page
    for url in ("", "/roster", "/enrol", "/edit"):
        page = client.get(f"/classes/{class_id}{url}").get_data(as_text=True)
        assert "học phần" not in page.lower(), url


def test_vietnamese_export_headers_say_bai_hoc(client, roster):
    """The roster file's progress columns count "bài học" as well."""
    login(client, roster["organizer"])
    with client.get(f"/classes/{roster['class'].id}/export/roster.csv") as response:
        header = next(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert header[7:9] == ["Số bài học bắt buộc đã hoàn thành", "Số bài học bắt buộc"]


def test_withdrawn_learners_have_their_own_tab(client, roster):
    """A withdrawn learner leaves the roster and appears under Withdrawn."""
    enrolment = enrolments.find_enrolment(roster["class"], "hv-0")
    enrolments.withdraw(enrolment)
    db.session.commit()
    login(client, roster["organizer"])
    url = f"/classes/{roster['class'].id}/roster"
    assert ">Đỗ Văn Đức<" not in client.get(url).get_data(as_text=True)
    assert ">Đỗ Văn Đức<" in client.get(f"{url}?status=withdrawn").get_data(as_text=True)
    assert client.get(f"{url}?status=nonsense").status_code == 400


def test_roster_buttons_are_named_by_what_they_show(client, roster):
    """The buttons "Rút khỏi lớp" and "Ghi danh lại" are read with those words first."""
    enrolments.withdraw(enrolments.find_enrolment(roster["class"], "hv-0"))
    db.session.commit()
    login(client, roster["organizer"])
    url = f"/classes/{roster['class'].id}/roster"
    enrolled = client.get(url).get_data(as_text=True)
    withdrawn = client.get(f"{url}?status=withdrawn").get_data(as_text=True)
    assert 'aria-label="Rút khỏi lớp: Nguyễn Văn An"' in enrolled
    assert 'aria-label="Ghi danh lại: Đỗ Văn Đức"' in withdrawn
    assert names_not_starting_with_text(enrolled + withdrawn) == []


# --- 2,000 learners ------------------------------------------------------------------------------

FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Đỗ"]
MIDDLES = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Hữu"]
GIVEN = ["An", "Ánh", "Ân", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hùng", "Lan"]
GIVEN += ["Long", "Mai", "Nam", "Oanh", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Uyên", "Yến"]


def seed_learners(training_class, unit, count: int, start: int = 0) -> list[tuple[str, str]]:
    """Insert `count` profiles and enrolments in two bulk statements; returns (user_id, name)."""
    names = itertools.cycle(itertools.product(FAMILIES, MIDDLES, GIVEN))
    people = []
    for number in range(start, start + count):
        name = " ".join(next(names))
        people.append((f"bulk-{number:05d}", name))
    db.session.execute(
        insert(LearnerProfile),
        [
            {
                "user_id": user_id,
                "full_name": name,
                "sort_name": collation_string(name),
                "search_text": fold(name),
                "official_code": f"HV{user_id[-5:]}",
                "unit_id": unit.id,
            }
            for user_id, name in people
        ],
    )
    now = utcnow()
    db.session.execute(
        insert(Enrolment),
        [
            {
                "class_id": training_class.id,
                "user_id": user_id,
                "status": "enrolled",
                "source": "import",
                "enrolled_at": now,
            }
            for user_id, _name in people
        ],
    )
    db.session.commit()
    return people


@pytest.fixture
def big_class(make_unit, make_person):
    unit = make_unit("SO-A", "Sở A", kind="province")
    organizer = make_person("tochuca", role=Role.ORGANIZER, unit=unit)
    training_class = open_class(unit, "LOP-LON", small_version())
    return {"class": training_class, "organizer": organizer, "unit": unit}


def test_roster_queries_do_not_grow_with_learners(client, big_class, count_queries):
    """The roster page runs the same, small number of queries for 5 learners and for 2,000."""
    training_class = big_class["class"]
    login(client, big_class["organizer"])
    url = f"/classes/{training_class.id}/roster"

    seen: list[str] = []

    def measure() -> int:
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        seen[:] = statements
        return len(statements)

    people = seed_learners(training_class, big_class["unit"], 5)
    few = measure()
    people += seed_learners(training_class, big_class["unit"], 1995, start=5)
    many = measure()
    assert many == few
    # Session and grants, the class, the status counts, the page count, the rows, the modules.
    assert many <= 10, "\n".join(seen)
    first = min(people, key=lambda p: (collation_string(p[1]), p[0]))
    assert f">{first[1]}<" in client.get(url).get_data(as_text=True)


def test_roster_pages_follow_the_sql_name_order(client, big_class):
    """Page 2 continues page 1 in the same (sort_name, user_id) order as computed in Python."""
    training_class = big_class["class"]
    people = seed_learners(training_class, big_class["unit"], 120)
    expected = sorted(people, key=lambda p: (collation_string(p[1]), p[0]))
    login(client, big_class["organizer"])
    page_two = exports.roster_page(training_class, "enrolled", page=2, per_page=50)
    assert [row.user_id for row in page_two.rows] == [uid for uid, _name in expected[50:100]]
    assert page_two.total == 120 and page_two.pages == 3
    response = client.get(f"/classes/{training_class.id}/roster?page=3")
    assert expected[100][1] in response.get_data(as_text=True)


def test_xlsx_export_of_2000_learners(client, big_class):
    """Every learner is one row, in name order, with Vietnamese file name and dd/mm/yyyy cells."""
    training_class = big_class["class"]
    people = seed_learners(training_class, big_class["unit"], 2000)
    login(client, big_class["organizer"])
    english(client)
    with client.get(f"/classes/{training_class.id}/export/roster.xlsx") as response:
        assert response.status_code == 200
        assert "LOP-LON" in response.headers["Content-Disposition"]
        data = response.get_data()
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert list(rows[0]) == ENGLISH_HEADER
    assert len(rows) == 2001
    expected = [name for _uid, name in sorted(people, key=lambda p: (collation_string(p[1]), p[0]))]
    assert [row[1] for row in rows[1:]] == expected
    assert rows[1][0] == 1 and rows[2000][0] == 2000


def test_xlsx_export_cells(client, roster):
    """Dates are real dates shown dd/mm/yyyy; progress is a number; formulas stay text."""
    login(client, roster["organizer"])
    with client.get(f"/classes/{roster['class'].id}/export/roster.xlsx") as response:
        workbook = load_workbook(io.BytesIO(response.get_data()))
    sheet = workbook.worksheets[0]
    first = [cell.value for cell in sheet[2]]
    assert first[1] == "Nguyễn Văn An" and first[2] == "CB006"
    assert first[3] == datetime(1990, 1, 7) and sheet.cell(2, 4).number_format == "dd/mm/yyyy"
    assert first[7:10] == [1, 2, 50]
    assert first[10] == datetime(2025, 3, 10, 9, 30)
    binh = [cell.value for cell in sheet[6]]
    assert binh[1] == "Lê Văn Bình" and binh[5].startswith("=HYPERLINK")
    assert sheet.cell(6, 6).data_type == "s"


def test_csv_export_has_a_bom_and_vietnamese_dates(client, roster):
    """CSV: UTF-8 with BOM for Excel, dd/mm/yyyy dates, name order, and formulas defused."""
    login(client, roster["organizer"])
    with client.get(f"/classes/{roster['class'].id}/export/roster.csv") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert "danh-sach-hoc-vien-LOP-MC-01.csv" in response.headers["Content-Disposition"]
        body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == IN_ORDER
    assert rows[1][3] == "07/01/1990" and rows[1][7:10] == ["1", "2", "50"]
    assert rows[1][10] == "10/03/2025 09:30"
    assert rows[5][5].startswith("'=")


def test_unknown_export_or_format_is_404(client, roster):
    """Only registered exports and formats exist."""
    login(client, roster["organizer"])
    base = f"/classes/{roster['class'].id}/export"
    assert client.get(f"{base}/profiles.csv").status_code == 404
    assert client.get(f"{base}/roster.pdf").status_code == 404


def test_export_memory_stays_flat(app, big_class):
    """Past one database batch, five times the rows need no more memory: rows stream from the
    database to the file a batch (`YIELD_PER` rows) at a time. Below a batch, memory does grow
    with the rows (the batch is smaller), so both sizes are above one."""
    training_class = big_class["class"]
    first = exports.YIELD_PER + 100
    seed_learners(training_class, big_class["unit"], first)

    def peak() -> int:
        with app.test_request_context():
            tracemalloc.start()
            roster = exports.table(exports.EXPORTS["roster"], training_class)
            writing.xlsx_file(roster).close()
            for _chunk in writing.csv_chunks(roster):
                pass
            _current, highest = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        db.session.expunge_all()
        return highest

    peak()  # statements compiled and modules imported once, not counted as growth
    small = peak()
    seed_learners(training_class, big_class["unit"], 4 * first, start=first)
    big = peak()
    assert big < small * 1.25, (small, big)
