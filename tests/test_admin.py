"""Admin pages: accounts, profiles, role grants and units, all within the admin's subtree."""

import re

from sqlalchemy import func, select

from lms import db
from lms.accounts import services
from lms.accounts.models import Account, LearnerProfile, Role, RoleGrant, Unit
from lms.audit.models import AuditEvent
from tests.conftest import TEST_PASSWORD, csrf_token, login
from tests.html_checks import names_not_starting_with_text, repeated_ids


def admin_client(client, make_unit, make_person):
    province = make_unit("TINH", "Tỉnh Thử", kind="province")
    login(client, make_person("quantri", role=Role.ADMIN, unit=province))
    return province


def test_admin_creates_an_account(client, make_unit, make_person):
    """An admin creates an account; its initial password is shown once and must be changed."""
    province = admin_client(client, make_unit, make_person)
    token = csrf_token(client, "/admin/people/new")
    response = client.post(
        "/admin/people/new",
        data={
            "csrf_token": token,
            "username": "lan.nguyen",
            "full_name": "Nguyễn Thị Lan",
            "role": "learner",
            "unit_id": str(province.id),
            "official_code": "CB001",
            "date_of_birth": "05/03/1990",
            "rank": "",
            "education_level": "dai-hoc",
        },
    )
    assert response.status_code == 302
    account = services.find_account("lan.nguyen")
    assert account.must_change_password
    profile = db.session.get(LearnerProfile, str(account.id))
    assert profile.date_of_birth.isoformat() == "1990-03-05"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "lan.nguyen" in page


def test_bad_date_is_reported_beside_the_field(client, make_unit, make_person):
    """A date not written dd/mm/yyyy gets a message in Vietnamese and a 4xx; nothing is saved."""
    admin_client(client, make_unit, make_person)
    token = csrf_token(client, "/admin/people/new")
    response = client.post(
        "/admin/people/new",
        data={
            "csrf_token": token,
            "username": "lan",
            "full_name": "Nguyễn Thị Lan",
            "role": "learner",
            "date_of_birth": "1990-13-45",
        },
    )
    assert response.status_code == 422
    assert "dd/mm/yyyy" in response.get_data(as_text=True)
    assert services.find_account("lan") is None


def test_duplicate_username_is_refused(client, make_unit, make_person):
    """A taken username is refused with a message; the first account is untouched."""
    admin_client(client, make_unit, make_person)
    make_person("lan")
    token = csrf_token(client, "/admin/people/new")
    response = client.post(
        "/admin/people/new",
        data={"csrf_token": token, "username": "lan", "full_name": "Người Khác", "role": "learner"},
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Account)) == 2


def test_admin_disables_and_enables(client, make_unit, make_person):
    """Disable then enable an account; both are audited."""
    province = admin_client(client, make_unit, make_person)
    person = make_person("lan", unit=province)
    token = csrf_token(client, "/profile")
    client.post(f"/admin/people/{person.id}/active", data={"csrf_token": token, "active": "0"})
    db.session.expire_all()
    assert not db.session.get(Account, person.id).active
    client.post(f"/admin/people/{person.id}/active", data={"csrf_token": token, "active": "1"})
    db.session.expire_all()
    assert db.session.get(Account, person.id).active
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == str(person.id))
    ).all()
    assert "account.disable" in actions and "account.enable" in actions


def test_admin_resets_a_password(client, make_unit, make_person):
    """A reset shows the new password once and forces a change."""
    province = admin_client(client, make_unit, make_person)
    person = make_person("lan", unit=province)
    token = csrf_token(client, "/profile")
    response = client.post(
        f"/admin/people/{person.id}/reset-password",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Account, person.id).must_change_password


def test_admin_edits_a_profile_and_it_is_audited(client, make_unit, make_person):
    """Profile changes are saved and leave an audit event with before and after."""
    province = admin_client(client, make_unit, make_person)
    person = make_person("lan", unit=province, full_name="Nguyễn Thị Lan")
    token = csrf_token(client, "/profile")
    response = client.post(
        f"/admin/people/{person.id}",
        data={
            "csrf_token": token,
            "full_name": "Nguyễn Thị Lan Anh",
            "official_code": "CB9",
            "unit_id": str(province.id),
            "position": "Chuyên viên",
            "rank": "chuyen-vien",
            "education_level": "thac-si",
            "date_of_birth": "",
            "email": "",
        },
    )
    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "profile.update"))
    assert event.before["full_name"] == "Nguyễn Thị Lan"
    assert event.after["full_name"] == "Nguyễn Thị Lan Anh"


def test_official_code_is_unique(client, make_unit, make_person):
    """Two people cannot share a mã CBCCVC."""
    province = admin_client(client, make_unit, make_person)
    make_person("lan", unit=province, official_code="CB1")
    other = make_person("mai", unit=province)
    token = csrf_token(client, "/profile")
    response = client.post(
        f"/admin/people/{other.id}",
        data={
            "csrf_token": token,
            "full_name": "Trần Thị Mai",
            "official_code": "CB1",
            "unit_id": str(province.id),
            "rank": "",
            "education_level": "",
        },
    )
    assert response.status_code == 422


def test_admin_grants_and_revokes_roles(client, make_unit, make_person):
    """Grant a role on a unit, then take it back."""
    province = admin_client(client, make_unit, make_person)
    person = make_person("lan", unit=province)
    token = csrf_token(client, "/profile")
    client.post(
        f"/admin/people/{person.id}/grants",
        data={"csrf_token": token, "role": "organizer", "unit_id": str(province.id)},
    )
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == str(person.id)))
    assert grant.role == "organizer"
    client.post(f"/admin/grants/{grant.id}/revoke", data={"csrf_token": token})
    assert db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == str(person.id))) is None


def test_the_person_page_repeats_no_id(client, make_unit, make_person):
    """The profile form and the grant form both list units: each label names its own list."""
    province = admin_client(client, make_unit, make_person)
    person = make_person("lan", unit=province)
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert 'for="grant-unit"' in page and 'id="grant-unit"' in page
    assert repeated_ids(page) == []


def test_each_remove_button_names_the_role_it_removes(client, make_unit, make_person):
    """Two grants, two "Thu hồi" buttons: each one's name says which role on which unit."""
    province = admin_client(client, make_unit, make_person)
    person = make_person("lan", unit=province)
    token = csrf_token(client, "/profile")
    for role in ("organizer", "trainer"):
        client.post(
            f"/admin/people/{person.id}/grants",
            data={"csrf_token": token, "role": role, "unit_id": str(province.id)},
        )
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    labels = re.findall(r'aria-label="(Thu hồi: [^"]+)"', page)
    assert len(labels) == 2 and len(set(labels)) == 2
    assert all(province.name in label for label in labels)
    assert names_not_starting_with_text(page) == []


def test_admin_builds_the_unit_tree(client, make_unit, make_person):
    """Units nest to any depth and the tree page shows them in order."""
    province = admin_client(client, make_unit, make_person)
    token = csrf_token(client, "/admin/units/new")
    client.post(
        "/admin/units/new",
        data={
            "csrf_token": token,
            "code": "SNV",
            "name": "Sở Nội vụ",
            "kind": "department",
            "parent_id": str(province.id),
        },
    )
    department = services.find_unit("SNV")
    client.post(
        "/admin/units/new",
        data={
            "csrf_token": token,
            "code": "SNV-CCVC",
            "name": "Phòng Công chức",
            "kind": "division",
            "parent_id": str(department.id),
        },
    )
    division = services.find_unit("SNV-CCVC")
    assert division.path == f"{province.path}{department.id}/{division.id}/"
    page = client.get("/admin/units").get_data(as_text=True)
    assert page.index("Sở Nội vụ") < page.index("Phòng Công chức")


def test_admin_retires_a_unit(client, make_unit, make_person):
    """A retired unit stays (history) but is offered for no new people."""
    province = admin_client(client, make_unit, make_person)
    district = make_unit("HUYEN", "Huyện Cũ", parent=province, kind="district")
    token = csrf_token(client, "/profile")
    client.post(
        f"/admin/units/{district.id}",
        data={
            "csrf_token": token,
            "code": "HUYEN",
            "name": "Huyện Cũ",
            "kind": "district",
            "retired": "y",
        },
    )
    db.session.expire_all()
    assert db.session.get(Unit, district.id).retired
    form = client.get("/admin/people/new").get_data(as_text=True)
    assert "Huyện Cũ" not in form


def test_department_admin_sees_only_its_department(client, make_unit, make_person):
    """An admin of one department neither lists nor opens people of another."""
    province = make_unit("TINH", kind="province")
    dept_a = make_unit("A", "Sở A", parent=province)
    dept_b = make_unit("B", "Sở B", parent=province)
    login(client, make_person("qta", role=Role.ADMIN, unit=dept_a))
    make_person("trong", unit=dept_a, full_name="Người Trong Sở")
    outsider = make_person("ngoai", unit=dept_b, full_name="Người Ngoài Sở")
    page = client.get("/admin/people").get_data(as_text=True)
    assert "Người Trong Sở" in page
    assert "Người Ngoài Sở" not in page
    assert client.get(f"/admin/people/{outsider.id}").status_code == 403
    assert client.get(f"/admin/units/{dept_b.id}").status_code == 403


def test_people_list_sorts_the_vietnamese_way(client, make_unit, make_person):
    """People are listed by given name, then family and middle names."""
    province = admin_client(client, make_unit, make_person)
    for name in ("Nguyễn Văn Bình", "Trần Thị An", "Lê Văn An", "Đặng Thị Ánh"):
        make_person(unit=province, full_name=name)
    page = client.get("/admin/people").get_data(as_text=True)
    positions = [
        page.index(n) for n in ("Lê Văn An", "Trần Thị An", "Đặng Thị Ánh", "Nguyễn Văn Bình")
    ]
    assert positions == sorted(positions)


def test_people_search_ignores_diacritics(client, make_unit, make_person):
    """Searching "nguyen thi lan" finds "Nguyễn Thị Lan"."""
    province = admin_client(client, make_unit, make_person)
    make_person(unit=province, full_name="Nguyễn Thị Lan")
    make_person(unit=province, full_name="Trần Văn Hải")
    page = client.get("/admin/people?q=nguyen+thi+lan").get_data(as_text=True)
    assert "Nguyễn Thị Lan" in page
    assert "Trần Văn Hải" not in page


def test_people_list_query_count_does_not_grow(client, make_unit, make_person, count_queries):
    """The people page runs the same number of queries for 5 or 60 people."""
    province = admin_client(client, make_unit, make_person)
    for _ in range(5):
        make_person(unit=province)
    with count_queries() as few:
        client.get("/admin/people")
    for _ in range(55):
        make_person(unit=province)
    with count_queries() as many:
        client.get("/admin/people")
    assert len(many) == len(few)
    assert len(few) <= 10


def department_admin(client, make_unit, make_person):
    """Logs in an admin of Sở A (under the province); returns (province, Sở A)."""
    province = make_unit("TINH", "Tỉnh Thử", kind="province")
    dept_a = make_unit("SO-A", "Sở A", parent=province)
    login(client, make_person("qta", role=Role.ADMIN, unit=dept_a))
    return province, dept_a


def test_account_with_a_wider_role_is_shown_read_only(client, make_unit, make_person):
    """A department admin sees a province admin who works in the department, but no button or
    form that would change the account."""
    province, dept_a = department_admin(client, make_unit, make_person)
    boss = make_person("quantri", role=Role.ADMIN, unit=province, full_name="Trần Minh Quân")
    services.save_profile(str(boss.id), unit=dept_a)
    db.session.commit()
    response = client.get(f"/admin/people/{boss.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Trần Minh Quân" in page and "Sở A" in page
    assert "chỉ quản trị viên cấp trên" in page
    for action in ("reset-password", "/active", "/grants", "/revoke", 'name="full_name"'):
        assert action not in page


def test_the_province_admin_cannot_be_taken_over_from_a_department(client, make_unit, make_person):
    """The review's attack: a department admin resets the province admin's password (their
    profile sits in the department); refused, and the password still works."""
    province, dept_a = department_admin(client, make_unit, make_person)
    boss = make_person("quantri", role=Role.ADMIN, unit=province)
    services.save_profile(str(boss.id), unit=dept_a)
    db.session.commit()
    token = csrf_token(client, "/profile")
    response = client.post(f"/admin/people/{boss.id}/reset-password", data={"csrf_token": token})
    assert response.status_code == 403
    assert services.authenticate("quantri", TEST_PASSWORD) is not None


def test_admin_cannot_make_a_fellow_admin_of_their_own_unit(client, make_unit, make_person):
    """Granting admin on one's own top unit is refused with a message (it would make a peer
    nobody below the province could manage); admin on a unit below it is granted."""
    _province, dept_a = department_admin(client, make_unit, make_person)
    division = make_unit("PHONG-1", "Phòng Một", parent=dept_a, kind="division")
    person = make_person("lan", unit=dept_a)
    token = csrf_token(client, "/profile")
    response = client.post(
        f"/admin/people/{person.id}/grants",
        data={"csrf_token": token, "role": "admin", "unit_id": str(dept_a.id)},
        follow_redirects=True,
    )
    assert "Chỉ quản trị viên cấp trên của Sở A" in response.get_data(as_text=True)
    assert db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == str(person.id))) is None
    client.post(
        f"/admin/people/{person.id}/grants",
        data={"csrf_token": token, "role": "admin", "unit_id": str(division.id)},
    )
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == str(person.id)))
    assert (grant.role, grant.unit_id) == ("admin", division.id)


def test_new_account_cannot_be_a_fellow_admin(client, make_unit, make_person):
    """A new account with admin on the creator's own top unit is refused beside the role field."""
    _province, dept_a = department_admin(client, make_unit, make_person)
    token = csrf_token(client, "/admin/people/new")
    response = client.post(
        "/admin/people/new",
        data={
            "csrf_token": token,
            "username": "banthan",
            "full_name": "Bạn Thân",
            "role": "admin",
            "unit_id": str(dept_a.id),
            "rank": "",
            "education_level": "",
        },
    )
    assert response.status_code == 422
    assert "Chỉ quản trị viên cấp trên của Sở A" in response.get_data(as_text=True)
    assert services.find_account("banthan") is None
