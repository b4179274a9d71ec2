"""Admin pages: accounts, profiles, role grants and units, all within the admin's subtree."""

from sqlalchemy import func, select

from lms import db
from lms.accounts import services
from lms.accounts.models import Account, LearnerProfile, Role, RoleGrant, Unit
from lms.audit.models import AuditEvent
from tests.conftest import csrf_token, login


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
