"""`lms records report` prints the page's figure lines; `lms records successor` names the unit
that took over a ceased one."""

import csv
import io

import pytest
from openpyxl import load_workbook

from lms import db
from lms.records import services
from tests.records_data import build


@pytest.fixture
def data(app, make_unit):
    return build(make_unit)


def test_report_as_csv_and_xlsx(app, data, tmp_path):
    runner = app.test_cli_runner()
    args = [
        "lms",
        "records",
        "report",
        "--unit",
        "TINH",
        "--from",
        "01/01/2026",
        "--to",
        "31/12/2026",
    ]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[1][:6] == ["Tổng cộng", "Tỉnh Thử", "2", "5", "4", "4"]
    target = tmp_path / "bao-cao.xlsx"
    result = runner.invoke(args=[*args, "--format", "xlsx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(target, read_only=True)  # read-only keeps the file open: close it
    rows = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    assert rows[1][2:6] == (2, 5, 4, 4)


def test_bad_input_is_one_line_and_exit_1(app, data):
    runner = app.test_cli_runner()
    base = ["lms", "records", "report", "--from", "01/01/2026"]
    assert (
        "HUYEN-Z" in runner.invoke(args=[*base, "--unit", "HUYEN-Z", "--to", "31/12/2026"]).output
    )
    result = runner.invoke(args=[*base, "--unit", "TINH", "--to", "31/13/2026"])
    assert result.exit_code == 1 and "dd/mm/yyyy" in result.output


def test_successor(app, data):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["lms", "records", "successor", "HUYEN-X", "XA-Y"])
    assert result.exit_code == 0, result.output
    district = data["units"]["district"].id
    db.session.expire_all()
    assert services.successors_of([district])[district].code == "XA-Y"
    refused = runner.invoke(args=["lms", "records", "successor", "SO-A", "SO-B"])
    assert refused.exit_code == 1 and "giải thể" in refused.output
