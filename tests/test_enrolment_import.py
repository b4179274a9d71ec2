"""Enrolling from a file, on the enrol page (preview, then confirm) and with `lms enrol import`:
every row is checked first, problems are reported by row number, and all rows or none are
written. Also the pick-people and whole-unit forms, withdraw/re-enrol buttons and self-enrolment.
"""

import csv
import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from lms import db
from lms.accounts import services as accounts
from lms.accounts.models import Role
from lms.classes import enrolment as enrolments
from lms.classes.models import Enrolment, EnrolmentEvent
from tests.access.classes import open_class
from tests.conftest import csrf_token, login

TOKEN_RE = re.compile(
    r'name="token" type="hidden" value="([^"]+)"|value="([^"]+)"[^>]*name="token"'
)


@pytest.fixture
def setup(make_unit, make_person):
    """Units A (with a division) and B, organizers of each, officials with codes, a class of A."""
    top = make_unit("TINH", "Tỉnh", kind="province")
    unit_a = make_unit("SO-A", "Sở A", parent=top)
    division = make_unit("SO-A-1", "Phòng thuộc Sở A", parent=unit_a, kind="division")
    unit_b = make_unit("SO-B", "Sở B", parent=top)
    people = {
        "an": make_person("vanan", unit=unit_a, full_name="Nguyễn Văn An", official_code="CB001"),
        "binh": make_person(
            "thibinh", unit=division, full_name="Lê Thị Bình", official_code="CB002"
        ),
        "cuong": make_person("vancuong", unit=unit_a, full_name="Trần Văn Cường"),
        "ngoai": make_person(
            "vanngoai", unit=unit_b, full_name="Phạm Văn Ngoài", official_code="CB900"
        ),
    }
    return {
        "a": unit_a,
        "b": unit_b,
        "division": division,
        "people": people,
        "organizer_a": make_person("tochuca", role=Role.ORGANIZER, unit=unit_a),
        "organizer_b": make_person("tochucb", role=Role.ORGANIZER, unit=unit_b),
        "class": open_class(unit_a, "LOP-A", capacity=10),
    }


def csv_file(header, rows) -> tuple[io.BytesIO, str]:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(("\ufeff" + text.getvalue()).encode("utf-8")), "danh-sach.csv"


def xlsx_file(header, rows) -> tuple[io.BytesIO, str]:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    return data, "danh-sach.xlsx"


def upload(client, training_class, file):
    url = f"/classes/{training_class.id}/enrol"
    token = csrf_token(client, url)
    return client.post(
        f"/classes/{training_class.id}/import",
        data={"csrf_token": token, "file": file},
        content_type="multipart/form-data",
    )


def confirm(client, training_class, token):
    return client.post(
        f"/classes/{training_class.id}/import/confirm",
        data={"csrf_token": csrf_token(client, "/profile"), "token": token},
    )


def preview_token(response) -> str:
    match = TOKEN_RE.search(response.get_data(as_text=True))
    assert match, "no confirm token on the preview"
    return match.group(1) or match.group(2)


def enrolled(training_class) -> int:
    return enrolments.enrolled_count(training_class)


def test_csv_preview_then_confirm_enrols_everyone(client, setup):
    """The preview lists the people and writes nothing; confirming enrols them all."""
    login(client, setup["organizer_a"])
    response = upload(client, setup["class"], csv_file(["official_code"], [["CB001"], ["CB002"]]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nguyễn Văn An" in page and "Lê Thị Bình" in page
    assert enrolled(setup["class"]) == 0
    response = confirm(client, setup["class"], preview_token(response))
    assert response.status_code == 302
    assert enrolled(setup["class"]) == 2
    sources = set(db.session.scalars(select(Enrolment.source)))
    assert sources == {"import"}


def test_xlsx_with_usernames_is_accepted(client, setup):
    """An XLSX file naming people by username works the same way."""
    login(client, setup["organizer_a"])
    response = upload(client, setup["class"], xlsx_file(["username"], [["vancuong"], ["VANAN"]]))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert confirm(client, setup["class"], preview_token(response)).status_code == 302
    assert enrolled(setup["class"]) == 2


def test_every_bad_row_is_reported_by_number_and_nothing_is_written(client, setup):
    """Unknown, outside the units, already enrolled, repeated: all reported, none written; a
    person outside the units reads like an unknown one, without their name."""
    enrolments.enrol(setup["class"], str(setup["people"]["cuong"].id))
    db.session.commit()
    login(client, setup["organizer_a"])
    rows = [["CB001", ""], ["CB404", ""], ["CB900", ""], ["", "vancuong"], ["CB001", ""]]
    response = upload(client, setup["class"], csv_file(["official_code", "username"], rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for row, needle in ((3, "CB404"), (4, "CB900"), (5, "Trần Văn Cường"), (6, "2")):
        assert re.search(rf"dòng {row}: [^<]*{needle}", page), (row, needle)
    assert "dòng 3: không tìm thấy người có mã CB404" in page
    assert "dòng 4: không tìm thấy người có mã CB900" in page
    assert "Phạm Văn Ngoài" not in page
    assert "dòng 2:" not in page
    assert 'name="token"' not in page
    assert enrolled(setup["class"]) == 1


def test_rows_past_the_capacity_are_reported_full(client, setup, make_person):
    """With one place left, the second row is reported full and nobody is enrolled."""
    setup["class"].capacity = 1
    db.session.commit()
    login(client, setup["organizer_a"])
    response = upload(client, setup["class"], csv_file(["official_code"], [["CB001"], ["CB002"]]))
    assert response.status_code == 422
    assert "dòng 3:" in response.get_data(as_text=True)
    assert enrolled(setup["class"]) == 0


def test_confirm_checks_every_row_again(client, setup):
    """If a row became invalid after the preview, confirming writes nothing."""
    login(client, setup["organizer_a"])
    response = upload(client, setup["class"], csv_file(["official_code"], [["CB001"], ["CB002"]]))
    token = preview_token(response)
    enrolments.enrol(setup["class"], str(setup["people"]["binh"].id))
    db.session.commit()
    response = confirm(client, setup["class"], token)
    assert response.status_code == 422
    assert "dòng 3:" in response.get_data(as_text=True)
    assert enrolled(setup["class"]) == 1


def test_a_tampered_or_foreign_token_is_refused(client, setup, make_unit):
    """A token altered by hand, or made for another class, enrols nobody."""
    login(client, setup["organizer_a"])
    response = upload(client, setup["class"], csv_file(["official_code"], [["CB001"]]))
    token = preview_token(response)
    assert confirm(client, setup["class"], token[:-3] + "abc").status_code == 422
    other = open_class(setup["a"], "LOP-KHAC")
    assert confirm(client, other, token).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0


def test_confirm_uses_the_current_scope_not_the_token(client, setup, make_person):
    """Another organizer of the class cannot replay someone else's token."""
    login(client, setup["organizer_a"])
    token = preview_token(upload(client, setup["class"], csv_file(["official_code"], [["CB001"]])))
    colleague = make_person("tochuca2", role=Role.ORGANIZER, unit=setup["a"])
    login(client, colleague)
    assert confirm(client, setup["class"], token).status_code == 422
    assert enrolled(setup["class"]) == 0


def test_a_file_of_another_type_is_refused(client, setup):
    """A .txt upload comes back with an error (422)."""
    login(client, setup["organizer_a"])
    response = upload(client, setup["class"], (io.BytesIO(b"CB001"), "danh-sach.txt"))
    assert response.status_code == 422


def test_a_damaged_xlsx_is_refused_politely(client, setup):
    """A file named .xlsx that is not one gives a message, not a server error."""
    login(client, setup["organizer_a"])
    response = upload(client, setup["class"], (io.BytesIO(b"not a zip"), "danh-sach.xlsx"))
    assert response.status_code == 422


def test_a_file_without_the_key_column_is_refused(client, setup):
    """A file with neither official_code nor username is reported on row 1."""
    login(client, setup["organizer_a"])
    response = upload(client, setup["class"], csv_file(["full_name"], [["Nguyễn Văn An"]]))
    assert response.status_code == 422
    assert "dòng 1:" in response.get_data(as_text=True)


# --- the other enrol forms and buttons -----------------------------------------------------------


def test_enrol_page_finds_people_without_diacritics(client, setup):
    """Searching "nguyen van an" finds Nguyễn Văn An among the organizer's people only."""
    login(client, setup["organizer_a"])
    page = client.get(f"/classes/{setup['class'].id}/enrol?q=nguyen+van+an").get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Lê Thị Bình" not in page
    everyone = client.get(f"/classes/{setup['class'].id}/enrol").get_data(as_text=True)
    assert "Lê Thị Bình" in everyone and "Phạm Văn Ngoài" not in everyone


def test_pick_people_enrols_the_ticked_ones(client, setup):
    """Ticked checkboxes enrol those people."""
    login(client, setup["organizer_a"])
    url = f"/classes/{setup['class'].id}/enrol"
    ids = [str(setup["people"][key].id) for key in ("an", "binh")]
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "user_id": ids})
    assert response.status_code == 302
    assert enrolled(setup["class"]) == 2


def test_pick_people_outside_the_units_enrols_nobody(client, setup):
    """One ticked outsider (a forged form) stops the whole batch, and reads like an unknown id."""
    login(client, setup["organizer_a"])
    url = f"/classes/{setup['class'].id}/enrol"
    ids = [str(setup["people"]["an"].id), str(setup["people"]["ngoai"].id)]
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "user_id": ids})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"{setup['people']['ngoai'].id} — không có người này" in page
    assert "Phạm Văn Ngoài" not in page
    assert enrolled(setup["class"]) == 0


def test_usernames_outside_the_units_read_like_unknown_ones(client, setup):
    """A username of someone outside the units gets the unknown-person row, not their name."""
    login(client, setup["organizer_a"])
    rows = [["vanngoai"], ["khongcoai"]]
    response = upload(client, setup["class"], csv_file(["username"], rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "dòng 2: không tìm thấy người có mã vanngoai" in page
    assert "dòng 3: không tìm thấy người có mã khongcoai" in page
    assert "Phạm Văn Ngoài" not in page


def test_outsider_listed_twice_reads_like_an_unknown_one(client, setup):
    """Listed twice, an outsider is still "unknown" twice, not "repeats row 2"."""
    login(client, setup["organizer_a"])
    response = upload(client, setup["class"], csv_file(["official_code"], [["CB900"], ["CB900"]]))
    page = response.get_data(as_text=True)
    assert "dòng 2: không tìm thấy người có mã CB900" in page
    assert "dòng 3: không tìm thấy người có mã CB900" in page
    assert "trùng với dòng" not in page


def test_enrol_a_whole_unit_through_the_page(client, setup):
    """The unit form enrols the unit and its division."""
    login(client, setup["organizer_a"])
    url = f"/classes/{setup['class'].id}/enrol"
    response = client.post(
        f"/classes/{setup['class'].id}/enrol-unit",
        data={"csrf_token": csrf_token(client, url), "unit_id": str(setup["division"].id)},
    )
    assert response.status_code == 302
    assert [e.user_id for e in db.session.scalars(select(Enrolment))] == [
        str(setup["people"]["binh"].id)
    ]


def test_withdraw_and_reenrol_buttons(client, setup):
    """Withdraw then re-enrol from the roster; the history has both events and an actor."""
    enrolment = enrolments.enrol(setup["class"], str(setup["people"]["an"].id))
    db.session.commit()
    login(client, setup["organizer_a"])
    base = f"/classes/{setup['class'].id}/enrolments/{enrolment.id}"
    token = csrf_token(client, f"/classes/{setup['class'].id}/roster")
    assert client.post(f"{base}/withdraw", data={"csrf_token": token}).status_code == 302
    assert db.session.get(Enrolment, enrolment.id).status == "withdrawn"
    assert client.post(f"{base}/withdraw", data={"csrf_token": token}).status_code == 409
    assert client.post(f"{base}/reenrol", data={"csrf_token": token}).status_code == 302
    assert db.session.get(Enrolment, enrolment.id).status == "enrolled"
    events = list(db.session.execute(select(EnrolmentEvent.action, EnrolmentEvent.actor_id)))
    organizer_id = str(setup["organizer_a"].id)
    assert [tuple(e) for e in events] == [
        ("enrolled", ""),
        ("withdrawn", organizer_id),
        ("re-enrolled", organizer_id),
    ]


def test_an_enrolment_of_another_class_is_404(client, setup):
    """Withdrawing through the wrong class's URL is not found."""
    other = open_class(setup["a"], "LOP-KHAC")
    enrolment = enrolments.enrol(other, str(setup["people"]["an"].id))
    db.session.commit()
    login(client, setup["organizer_a"])
    token = csrf_token(client, "/profile")
    url = f"/classes/{setup['class'].id}/enrolments/{enrolment.id}/withdraw"
    assert client.post(url, data={"csrf_token": token}).status_code == 404


def test_learner_enrols_themselves(client, setup):
    """The self-enrol button enrols a learner of the open unit and sends them on."""
    setup["class"].self_enrol = True
    setup["class"].self_enrol_unit_id = setup["a"].id
    db.session.commit()
    learner = setup["people"]["binh"]
    login(client, learner)
    token = csrf_token(client, "/profile")
    response = client.post(f"/classes/{setup['class'].id}/enrol-self", data={"csrf_token": token})
    assert response.status_code == 302
    enrolment = enrolments.find_enrolment(setup["class"], str(learner.id))
    assert enrolment.status == "enrolled" and enrolment.source == "self"
    if "lms.learn.class_home" in client.application.view_functions:
        assert response.location.endswith(f"/learn/{setup['class'].id}")


def test_learner_outside_the_unit_is_refused_with_a_message(client, setup):
    """A learner of unit B is not enrolled; they are sent back to the page they came from."""
    setup["class"].self_enrol = True
    db.session.commit()
    login(client, setup["people"]["ngoai"])
    token = csrf_token(client, "/profile")
    response = client.post(
        f"/classes/{setup['class'].id}/enrol-self",
        data={"csrf_token": token, "next": "/courses/"},
    )
    assert response.status_code == 302 and response.location.endswith("/courses/")
    assert enrolled(setup["class"]) == 0


def test_self_enrol_never_redirects_off_site(client, setup):
    """A `next` pointing elsewhere is ignored."""
    login(client, setup["people"]["ngoai"])
    token = csrf_token(client, "/profile")
    response = client.post(
        f"/classes/{setup['class'].id}/enrol-self",
        data={"csrf_token": token, "next": "//evil.example/"},
    )
    assert "evil" not in response.location


# --- the command line -----------------------------------------------------------------------------


def run(app, *args):
    return app.test_cli_runner().invoke(args=["lms", *args])


def write(path, header, rows):
    path.write_bytes(csv_file(header, rows)[0].getvalue())
    return path


def test_cli_import_enrols_all_rows(app, setup, tmp_path):
    """`lms enrol import CLASS FILE` enrols every row."""
    path = write(
        tmp_path / "ds.csv", ["official_code", "username"], [["CB001", ""], ["", "vancuong"]]
    )
    result = run(app, "enrol", "import", "LOP-A", str(path))
    assert result.exit_code == 0, result.output
    assert enrolled(setup["class"]) == 2


def test_cli_import_reports_rows_and_writes_nothing(app, setup, tmp_path):
    """Any bad row: `dòng N: …` for each, exit 1, nobody enrolled."""
    path = write(tmp_path / "ds.csv", ["official_code"], [["CB001"], ["CB404"], ["CB001"]])
    result = run(app, "enrol", "import", "LOP-A", str(path))
    assert result.exit_code == 1
    assert "dòng 3: " in result.output and "CB404" in result.output
    assert "dòng 4: " in result.output and "dòng 2:" not in result.output
    assert enrolled(setup["class"]) == 0


def test_cli_import_dry_run_writes_nothing(app, setup, tmp_path):
    """--dry-run checks the rows and leaves the class as it was."""
    path = write(tmp_path / "ds.csv", ["official_code"], [["CB001"]])
    result = run(app, "enrol", "import", "LOP-A", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert enrolled(setup["class"]) == 0


def test_cli_import_unknown_class(app, setup, tmp_path):
    """An unknown class code exits 1."""
    path = write(tmp_path / "ds.csv", ["official_code"], [["CB001"]])
    assert run(app, "enrol", "import", "KHONG-CO", str(path)).exit_code == 1


def test_cli_import_ignores_scope_but_not_the_rules(app, setup, tmp_path):
    """The command line may enrol anyone (no unit scope) yet still refuses a full class."""
    path = write(tmp_path / "ds.csv", ["official_code"], [["CB900"]])
    assert run(app, "enrol", "import", "LOP-A", str(path)).exit_code == 0
    setup["class"].capacity = 1
    db.session.commit()
    path = write(tmp_path / "ds2.csv", ["official_code"], [["CB001"]])
    assert run(app, "enrol", "import", "LOP-A", str(path)).exit_code == 1
    assert accounts.find_account("vanngoai") is not None and enrolled(setup["class"]) == 1
