"""Organizers see their own units' people and nothing of other units."""

from lms.accounts.models import Role
from tests.conftest import login


def test_organizer_sees_own_units_only(client, make_unit, make_person):
    """An organizer of department A lists A's people, not B's."""
    province = make_unit("TINH", kind="province")
    dept_a = make_unit("A", "Sở A", parent=province)
    dept_b = make_unit("B", "Sở B", parent=province)
    division = make_unit("A-1", "Phòng thuộc Sở A", parent=dept_a, kind="division")
    login(client, make_person("tca", role=Role.ORGANIZER, unit=dept_a))
    make_person(unit=division, full_name="Học Viên Phòng A")
    outsider = make_person(unit=dept_b, full_name="Học Viên Sở B")
    home = client.get("/organizer/").get_data(as_text=True)
    assert "Phòng thuộc Sở A" in home and "Sở B" not in home
    people = client.get("/organizer/people").get_data(as_text=True)
    assert "Học Viên Phòng A" in people and "Học Viên Sở B" not in people
    assert client.get(f"/organizer/people/{outsider.id}").status_code == 403
    assert client.get(f"/organizer/people?unit={dept_b.id}").status_code == 403


def test_organizer_reads_a_profile(client, make_unit, make_person):
    """The profile page shows the official's details with dd/mm/yyyy dates."""
    from datetime import date

    unit = make_unit("A", "Sở A", kind="province")
    login(client, make_person("tca", role=Role.ORGANIZER, unit=unit))
    person = make_person(
        unit=unit,
        full_name="Phạm Thị Hoa",
        official_code="CB77",
        date_of_birth=date(1989, 7, 4),
        rank="chuyen-vien",
    )
    page = client.get(f"/organizer/people/{person.id}").get_data(as_text=True)
    assert "04/07/1989" in page and "CB77" in page and "Chuyên viên" in page


def test_organizer_counts_use_vietnamese_numbers(client, make_unit, make_person):
    """Counts are written the Vietnamese way."""
    from lms import db
    from lms.accounts import services

    unit = make_unit("A", "Sở A", kind="province")
    login(client, make_person("tca", role=Role.ORGANIZER, unit=unit))
    for number in range(3):
        services.save_profile(f"host-{number}", full_name=f"Người {number}", unit=unit)
    db.session.commit()
    page = client.get("/organizer/").get_data(as_text=True)
    assert ">4<" in page
