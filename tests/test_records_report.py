"""The organizer's report on a known data set (tests/records_data.py): every figure, in total
and by unit, level and topic; ceased units counted under their successors; a bounded number of
queries; the XLSX export holding exactly the page's figures; attendance only when the
attendance area is installed."""

import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from lms import db
from lms.accounts.models import Role
from lms.attendance.models import AttendanceSession
from lms.attendance.reports import class_report
from lms.records import reports, services
from lms.records.labels import topic_label
from tests.conftest import csrf_token, login
from tests.records_data import attendance, build

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def data(app, make_unit):
    return build(make_unit)


def figures(f: reports.Figures) -> tuple:
    return (f.classes, f.turns, f.learners, f.completed, f.passed)


def by_key(report: reports.Report, dimension: str) -> dict[str, tuple]:
    return {f.label: figures(f) for f in report.rows[dimension]}


def test_totals_and_rates(data):
    report = reports.build(data["units"]["province"], *YEAR)
    assert figures(report.total) == (2, 5, 4, 4, 2)
    assert (report.total.completion_rate, report.total.pass_rate) == (80.0, 40.0)


def test_breakdowns_by_unit_level_and_topic(data):
    report = reports.build(data["units"]["province"], *YEAR)
    assert by_key(report, "unit") == {
        "Sở A": (2, 3, 2, 3, 1),
        "Sở B": (1, 1, 1, 0, 0),
        "Huyện X (đã giải thể)": (1, 1, 1, 1, 1),
    }
    assert {f.key: figures(f) for f in report.rows["level"]} == {
        "department": (2, 3, 2, 2, 1),
        "division": (1, 1, 1, 1, 0),
        "district": (1, 1, 1, 1, 1),
    }
    assert {f.key: figures(f) for f in report.rows["topic"]} == {
        "one-stop": (1, 3, 3, 3, 2),
        "it-skills": (1, 2, 2, 1, 0),
    }


def test_a_subtree_counts_its_own_staff_apart(data):
    report = reports.build(data["units"]["unit_a"], *YEAR)
    assert figures(report.total) == (2, 3, 2, 3, 1)
    assert by_key(report, "unit") == {
        "Phòng A1": (1, 1, 1, 1, 0),
        "Sở A (cán bộ của chính đơn vị)": (2, 2, 1, 2, 1),
    }


def test_by_classes_a_unit_counts_everyone_in_the_classes_it_organised(data):
    """Sở A organised C1 (and C3 in 2025, C4 undated): An and Bình of Sở A, and Dũng of the
    ceased district, who count under their own units below the province."""
    report = reports.build(data["units"]["unit_a"], *YEAR, basis=reports.CLASSES)
    assert figures(report.total) == (1, 3, 3, 3, 2)
    assert by_key(report, "unit") == {
        "Sở A": (1, 2, 2, 2, 1),
        "Huyện X (đã giải thể)": (1, 1, 1, 1, 1),
    }
    assert {f.key: figures(f) for f in report.rows["topic"]} == {"one-stop": (1, 3, 3, 3, 2)}
    # Sở B organised C2: An of Sở A and Chi of Sở B.
    unit_b = reports.build(data["units"]["unit_b"], *YEAR, basis=reports.CLASSES)
    assert by_key(unit_b, "unit") == {"Sở A": (1, 1, 1, 1, 0), "Sở B": (1, 1, 1, 0, 0)}


def test_periods_add_up_and_undated_classes_count_nowhere(data):
    before = reports.build(data["units"]["province"], date(2025, 1, 1), date(2025, 12, 31))
    assert figures(before.total) == (1, 1, 1, 1, 0)
    both = reports.build(data["units"]["province"], date(2025, 1, 1), date(2026, 12, 31))
    assert figures(both.total) == (3, 6, 4, 5, 2)


def test_history_counts_under_the_successor(data):
    services.set_successor(data["units"]["district"], data["units"]["commune"])
    db.session.commit()
    merged = reports.build(data["units"]["province"], *YEAR, merged=True)
    assert by_key(merged, "unit")["Xã Y"] == (1, 1, 1, 1, 1)
    assert "Huyện X (đã giải thể)" not in by_key(merged, "unit")
    assert {f.key: figures(f) for f in merged.rows["level"]}["commune"] == (1, 1, 1, 1, 1)
    assert figures(merged.total) == (2, 5, 4, 4, 2)
    # The successor's own report now holds the district's history.
    commune = reports.build(data["units"]["commune"], *YEAR, merged=True)
    assert figures(commune.total) == (1, 1, 1, 1, 1)
    assert figures(reports.build(data["units"]["commune"], *YEAR).total) == (0, 0, 0, 0, 0)


def test_successor_rules(data):
    from lms.accounts.services import ServiceError

    with pytest.raises(ServiceError):
        services.set_successor(data["units"]["unit_a"], data["units"]["unit_b"])
    with pytest.raises(ServiceError):
        services.set_successor(data["units"]["district"], data["units"]["district"])


def test_report_runs_a_bounded_number_of_queries(data, make_unit, count_queries):
    """Units, successors, the figures (one pass on PostgreSQL, the total and three breakdowns
    on SQLite) and one attendance aggregate, however many officials and classes."""
    attendance(data)
    province = data["units"]["province"]
    assert province.path  # loaded before counting
    with count_queries() as small:
        reports.build(province, *YEAR, merged=True)
    # Ten more officials in ten more units, each in a class of its own with a held session.
    from tests.api_helpers import at, make_completion
    from tests.records_data import make_class, official

    for number in range(10):
        unit = make_unit(f"XA-{number}", f"Xã {number}", parent=province)
        held = make_class(unit, f"N{number}", 2, "it-skills", date(2026, 5, 1 + number))
        person = official(f"N{number}", unit, f"Người {number}")
        make_completion(person, held, at("2026-05-20"))
        make_completion(person, data["classes"]["c1"], at("2026-03-20"))
        db.session.add(
            AttendanceSession(
                class_id=held.id,
                starts_at=at("2026-05-01"),
                ends_at=at("2026-05-01") + timedelta(hours=2),
            )
        )
    db.session.commit()
    assert province.path
    with count_queries() as large:
        report = reports.build(province, *YEAR, merged=True)
    assert (report.total.classes, report.total.turns) == (12, 25)
    aggregate = 3 if db.session.get_bind().dialect.name == "postgresql" else 6
    assert len(large) == len(small) == aggregate + 1


def test_page_and_xlsx_reconcile(app, data, make_person):
    organizer = make_person("tochuc", Role.ORGANIZER, data["units"]["province"])
    client = login(app.test_client(), organizer)
    query = {
        "unit": data["units"]["province"].id,
        "starts_on": "01/01/2026",
        "ends_on": "31/12/2026",
    }
    page = client.get("/records/report", query_string=query)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    shown = dict(re.findall(r'data-figure="(\w+)">([^<]+)<', html))
    assert shown == {
        "classes": "2",
        "turns": "5",
        "learners": "4",
        "completion_rate": "80,0%",
        "pass_rate": "40,0%",
        # No session of either class was held: no rate to average.
        "attendance": "—",
    }
    assert "<svg" in html and "<script" not in html.split("<main", 1)[-1].split("</main>")[0]
    response = client.get("/records/report.xlsx", query_string=query)
    assert response.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(response.data), read_only=True).active.iter_rows(values_only=True)
    )
    assert rows[1][:9] == ("Tổng cộng", "Tỉnh Thử", 2, 5, 4, 4, 80.0, 2, 40.0)
    sections = {(row[0], row[1]): row[2:7] for row in rows[2:]}
    assert sections[("Theo đơn vị", "Sở A")] == (2, 3, 2, 3, 100.0)
    topic = topic_label("one-stop")
    assert sections[("Theo chủ đề", topic)] == (1, 3, 3, 3, 100.0)
    # Every unit line of the file sums to the total, as on the page.
    unit_rows = [row for row in rows[2:] if row[0] == "Theo đơn vị"]
    assert sum(row[3] for row in unit_rows) == 5 and sum(row[4] for row in unit_rows) == 4


def test_bad_filters_answer_400_in_vietnamese(app, data, make_person):
    organizer = make_person("tochuc", Role.ORGANIZER, data["units"]["unit_a"])
    client = login(app.test_client(), organizer)
    unit_a = data["units"]["unit_a"].id
    bad_date = client.get(
        "/records/report", query_string={"unit": unit_a, "starts_on": "31/02/2026", "ends_on": "x"}
    )
    assert bad_date.status_code == 400
    assert "dd/mm/yyyy" in bad_date.get_data(as_text=True)
    backwards = {"unit": unit_a, "starts_on": "01/12/2026", "ends_on": "01/01/2026"}
    response = client.get("/records/report", query_string=backwards)
    assert response.status_code == 400 and "kết thúc sau" in response.get_data(as_text=True)
    # Another department is not among the choices: refused, nothing counted.
    other = {"unit": data["units"]["unit_b"].id, "starts_on": "01/01/2026", "ends_on": "31/12/2026"}
    assert client.get("/records/report", query_string=other).status_code == 400
    assert client.get("/records/report.xlsx", query_string=other).status_code == 400


def test_attendance_is_the_mean_of_the_turns_rates(data):
    """The known sessions and marks (tests/records_data.py `attendance`): each group's mean of
    its participant-turns' rates, by the class's points, excused and automark rules."""
    attendance(data)
    report = reports.build(data["units"]["province"], *YEAR)
    assert report.attendance_measured
    assert report.total.attendance == 66.1
    assert {f.label: f.attendance for f in report.rows["unit"]} == {
        "Sở A": 76.9,
        "Sở B": 100.0,
        "Huyện X (đã giải thể)": 0.0,
    }
    assert {f.key: f.attendance for f in report.rows["level"]} == {
        "department": 76.9,
        "division": 100.0,
        "district": 0.0,
    }
    assert {f.key: f.attendance for f in report.rows["topic"]} == {
        "one-stop": 58.3,
        "it-skills": 77.8,
    }


def test_attendance_reconciles_with_the_attendance_exports(app, data, make_person):
    """The report's rates are the mean of the percents the classes' attendance lists (XLSX)
    give each enrolled learner, per group, and a one-class report shows the class page's
    average."""
    attendance(data)
    organizer = make_person("tochuc", Role.ORGANIZER, data["units"]["province"])
    client = login(app.test_client(), organizer)
    unit_of = {"CC-AN": "Sở A", "CC-BINH": "Sở A", "CC-CHI": "Sở B", "CC-DUNG": "Huyện X"}
    turns = []
    for code, topic in (("c1", "one-stop"), ("c2", "it-skills")):
        class_id = data["classes"][code].id
        response = client.get(f"/attendance/classes/{class_id}/export.xlsx")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
        for row in list(sheet.iter_rows(values_only=True))[1:]:
            # Columns: number, name, official code, ..., the attendance percent last.
            if row[-1] is not None:
                turns.append((unit_of[row[2]], topic, row[-1]))

    # An, Bình and Dũng in C1; An and Chi in C2 (Em withdrew: not on the list).
    assert len(turns) == 5

    def mean(rates) -> float:
        return round(sum(rates) / len(rates), 1)

    report = reports.build(data["units"]["province"], *YEAR)
    assert report.total.attendance == mean([rate for _u, _t, rate in turns])
    for figures in report.rows["topic"]:
        assert figures.attendance == mean([r for _u, t, r in turns if t == figures.key])
    for figures in report.rows["unit"]:
        unit = figures.label.split(" (")[0]
        assert figures.attendance == mean([r for u, _t, r in turns if u == unit])
    # Sở A organised C1 alone: its report by classes shows C1's average on its rates page.
    by_classes = reports.build(data["units"]["unit_a"], *YEAR, basis=reports.CLASSES)
    assert by_classes.total.attendance == class_report(data["classes"]["c1"]).average == 58.3


def test_successor_page(app, data, make_person):
    admin = make_person("quantri", Role.ADMIN, data["units"]["province"])
    client = login(app.test_client(), admin)
    page = client.get("/records/units")
    assert "Huyện X" in page.get_data(as_text=True)
    token = csrf_token(client, "/records/units")
    district, commune = data["units"]["district"].id, data["units"]["commune"].id
    response = client.post(
        "/records/units", data={"csrf_token": token, "unit_id": district, "successor_id": commune}
    )
    assert response.status_code == 303
    assert services.successors_of([district])[district].code == "XA-Y"
    assert (
        client.post("/records/units", data={"csrf_token": token, "unit_id": "abc"}).status_code
        == 400
    )
