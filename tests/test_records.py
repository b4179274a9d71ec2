"""Training records: every completed class and external training of an official, each year's
total against the target that applies, on the pages, in the PDF and in the XLSX."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from lms import db
from lms.accounts.models import LearnerProfile, Role
from lms.records import evidence, services
from tests.conftest import login
from tests.records_data import build, targets


@pytest.fixture
def data(app, make_unit):
    data = build(make_unit)
    targets(data["units"])
    evidence.add_external(
        data["people"]["an"],
        kind="political-theory",
        title="Bồi dưỡng lý luận chính trị",
        provider="Trường Chính trị tỉnh",
        starts_on=date(2026, 8, 1),
        ends_on=date(2026, 8, 5),
        periods=10,
        result="Giỏi",
        evidence_number="45/QĐ-TCT",
        scan=None,
    )
    db.session.commit()
    return data


def record_of(user_id: str) -> services.Record:
    return services.training_record(db.session.get(LearnerProfile, user_id))


def test_record_lists_every_completion_and_external_training(data):
    record = record_of(data["people"]["an"])
    assert [(line.day, line.code, line.periods, line.serial) for line in record.lines] == [
        (date(2025, 11, 1), "C3", 2, ""),
        (date(2026, 3, 10), "C1", 4, "SO-A-2026-00001"),
        (date(2026, 6, 20), "C2", 6, ""),
        (date(2026, 8, 5), "", 10, "45/QĐ-TCT"),
    ]
    assert [line.external is not None for line in record.lines] == [False, False, False, True]
    assert record.lines[1].provider == "Sở A" and record.lines[2].provider == "Sở B"
    assert record.lines[1].hours == 3.0


def test_yearly_totals_against_the_most_specific_target(data):
    """An (chuyên viên): the rank target of the province (16) beats the everyone target of
    Sở A (30); 20 periods in 2026 meet it. 2025 has no target."""
    years = {year.year: year for year in record_of(data["people"]["an"]).years}
    assert (years[2026].periods, years[2026].classes, years[2026].external_periods) == (20, 3, 10)
    assert years[2026].hours == 15.0
    assert years[2026].target.periods == 16 and years[2026].met is True
    assert (years[2025].periods, years[2025].target, years[2025].met) == (2, None, None)


def test_position_target_wins_and_nearest_unit_among_equals(data):
    """Bình (trưởng phòng, written in another case) gets the position target 12; Chi (Sở B,
    no rank) gets the province's 40; a learner of Sở A without rank gets Sở A's 30."""
    assert (
        services.targets_for(db.session.get(LearnerProfile, data["people"]["binh"]), [2026])[
            2026
        ].periods
        == 12
    )
    chi = record_of(data["people"]["chi"])
    chi_2026 = next(y for y in chi.years if y.year == 2026)
    assert (chi_2026.periods, chi_2026.target.periods, chi_2026.met, chi_2026.missing) == (
        0,
        40,
        False,
        40,
    )
    from tests.records_data import official

    plain = official("CC-PLAIN", data["units"]["unit_a"], "Hoàng Văn Phẳng")
    assert services.targets_for(db.session.get(LearnerProfile, plain), [2026])[2026].periods == 30


def test_record_reads_in_three_queries(data, count_queries):
    profile = db.session.get(LearnerProfile, data["people"]["an"])
    db.session.expire_all()
    profile = db.session.get(LearnerProfile, data["people"]["an"])
    with count_queries() as statements:
        services.training_record(profile)
    assert len(statements) == 3


def test_learner_sees_own_record_and_downloads(app, data, make_person):
    account = make_person("hocvien", unit=data["units"]["unit_a"], full_name="Ngô Văn Học")
    client = login(app.test_client(), account)
    page = client.get("/records/me")
    assert page.status_code == 200
    assert "Hồ sơ bồi dưỡng của tôi" in page.get_data(as_text=True)
    pdf = client.get("/records/me/record.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get("/records/me/record.doc").status_code == 404


def test_organizer_page_pdf_and_xlsx_show_the_same_figures(app, data, make_person):
    organizer = make_person("tochuc", Role.ORGANIZER, data["units"]["unit_a"])
    client = login(app.test_client(), organizer)
    user_id = data["people"]["an"]
    html = client.get(f"/records/people/{user_id}").get_data(as_text=True)
    assert "SO-A-2026-00001" in html and "45/QĐ-TCT" in html and "Ngoài hệ thống" in html
    assert 'data-year="2026"' in html and "Đạt chỉ tiêu" in html
    response = client.get(f"/records/people/{user_id}/record.xlsx")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [(row[0], row[3], row[5], row[8]) for row in rows[1:]] == [
        (2025, "C3", 2, None),
        (2026, "C1", 4, "SO-A-2026-00001"),
        (2026, "C2", 6, None),
        (2026, None, 10, "45/QĐ-TCT"),
    ]
    assert sum(row[5] for row in rows[1:] if row[0] == 2026) == 20
    pdf = client.get(f"/records/people/{user_id}/record.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # Chi works in Sở B: not this organizer's.
    assert client.get(f"/records/people/{data['people']['chi']}").status_code == 403


def test_person_pages_show_the_record_summary(app, data, make_person):
    organizer = make_person("tochuc", Role.ORGANIZER, data["units"]["province"])
    admin = make_person("quantri", Role.ADMIN, data["units"]["province"])
    user_id = data["people"]["an"]
    for account, url in ((organizer, "/organizer/people/"), (admin, "/admin/people/")):
        html = login(app.test_client(), account).get(url + user_id).get_data(as_text=True)
        assert "Năm 2026: 20 tiết (15,00 giờ)" in html
        assert f"/records/people/{user_id}" in html


def test_targets_page_sets_and_deletes_with_audit(app, data, make_person):
    from sqlalchemy import select

    from lms.audit.models import AuditEvent
    from lms.records.models import YearlyTarget
    from tests.conftest import csrf_token

    organizer = make_person("tochuc", Role.ORGANIZER, data["units"]["unit_b"])
    client = login(app.test_client(), organizer)
    token = csrf_token(client, "/records/targets")
    unit_b = data["units"]["unit_b"].id
    form = {"csrf_token": token, "unit_id": str(unit_b), "year": "2026", "rank": "", "position": ""}
    assert client.post("/records/targets", data=form | {"periods": "99999"}).status_code == 422
    assert client.post("/records/targets", data=form | {"periods": "24"}).status_code == 303
    # A unit outside the organizer's scope is not a choice.
    other = form | {"unit_id": str(data["units"]["unit_a"].id), "periods": "5"}
    assert client.post("/records/targets", data=other).status_code == 422
    target = db.session.scalar(select(YearlyTarget).where(YearlyTarget.unit_id == unit_b))
    assert target.periods == 24
    chi_2026 = next(y for y in record_of(data["people"]["chi"]).years if y.year == 2026)
    assert chi_2026.target.periods == 24
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "yearly_target")
    )
    assert "records.target.set" in list(actions)
    target_id = target.id
    response = client.post(f"/records/targets/{target_id}/delete", data={"csrf_token": token})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(YearlyTarget, target_id) is None
