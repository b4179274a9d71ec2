"""The certificate pages over HTTP: the organizer sets rules, sees who is complete, issues,
revokes and reissues, exports the register and builds the ZIP; a trainer signs off; a learner
sees their rules and downloads their certificate; another unit's organizer can do none of it.
"""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lms import db
from lms.accounts.models import Role
from lms.audit.models import AuditEvent
from lms.certificates import services
from lms.certificates.models import Certificate, CertificatePolicy, CompletionRule
from lms.classes import enrolment as enrolments
from lms.classes.models import ClassTrainer
from tests.access.certificates import BASE_URL, add_rule, finish_modules, make_template
from tests.access.classes import open_class, small_version
from tests.conftest import csrf_token, login
from tests.html_checks import names_not_starting_with_text


@pytest.fixture(autouse=True)
def request_context(app):
    """Issuing at completion prints the site's address: set-up runs in a request."""
    with app.test_request_context(base_url=BASE_URL):
        yield


@pytest.fixture
def setting(app, make_unit, make_person):
    unit = make_unit("SNV", "Sở Nội vụ")
    other = make_unit("STC", "Sở Tài chính")
    organizer = make_person("tochuc", role=Role.ORGANIZER, unit=unit)
    stranger = make_person("tochuckhac", role=Role.ORGANIZER, unit=other)
    trainer = make_person("giangvien", role=Role.TRAINER, unit=unit)
    learner = make_person("hocvien", unit=unit, full_name="Phạm Thị Hồng")
    training_class = open_class(unit, "GCN-1", version=small_version())
    enrolments.enrol(training_class, str(learner.id))
    db.session.add(ClassTrainer(class_id=training_class.id, user_id=str(trainer.id)))
    make_template(unit)
    db.session.commit()
    return {
        "class": training_class,
        "organizer": organizer,
        "stranger": stranger,
        "trainer": trainer,
        "learner": learner,
    }


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/profile"), **data})


def test_organizer_sets_rules_and_the_learner_completes(client, setting):
    """Saving "required modules" completes the learner who had read them, and issues."""
    finish_modules(setting["class"], setting["learner"])
    login(client, setting["organizer"])
    url = f"/certificates/classes/{setting['class'].id}/rules"
    response = post(client, url, modules="y", auto_issue="y", template_id="")
    assert response.status_code == 303
    page = client.get(f"/certificates/classes/{setting['class'].id}").get_data(as_text=True)
    assert "Phạm Thị Hồng" in page and "SNV-" in page
    assert db.session.scalar(select(CompletionRule.kind)) == "modules"
    assert db.session.scalar(
        select(AuditEvent.action).where(AuditEvent.action == "completion_rules.update")
    )


def test_rules_form_refuses_bad_numbers(client, setting):
    login(client, setting["organizer"])
    url = f"/certificates/classes/{setting['class'].id}/rules"
    response = post(client, url, attendance="250", valid_months="0", template_id="")
    assert response.status_code == 422
    assert db.session.scalar(select(CompletionRule.id)) is None


def test_a_fields_hint_and_error_are_read_with_it(client, setting):
    """A screen reader reads a field's hint, and after a refusal its error, with the field."""
    login(client, setting["organizer"])
    url = f"/certificates/classes/{setting['class'].id}/rules"
    page = client.get(url).get_data(as_text=True)
    assert 'aria-describedby="valid_months-hint"' in page and 'id="valid_months-hint"' in page
    page = post(client, url, valid_months="0", template_id="").get_data(as_text=True)
    assert 'aria-describedby="valid_months-hint valid_months-error"' in page
    assert 'id="valid_months-error"' in page


def test_trainer_signs_off_and_the_learner_sees_it(client, setting):
    add_rule(setting["class"], "signoff")
    login(client, setting["trainer"])
    url = f"/certificates/classes/{setting['class'].id}/sign-off"
    assert post(client, url, user_id=str(setting["learner"].id)).status_code == 303
    learner = login(setting["class"] and client.application.test_client(), setting["learner"])
    page = learner.get(f"/certificates/classes/{setting['class'].id}/my-completion")
    text = page.get_data(as_text=True)
    assert "Bạn đã hoàn thành lớp." in text
    assert "Giấy chứng nhận" in learner.get("/certificates/my").get_data(as_text=True)


def test_class_page_buttons_are_named_by_what_they_show(client, setting):
    """The buttons "Xác nhận", "Rút xác nhận" and "Cấp" are read with those words first."""
    add_rule(setting["class"], "signoff")
    db.session.add(CertificatePolicy(class_id=setting["class"].id, auto_issue=False))
    db.session.commit()
    login(client, setting["organizer"])
    url = f"/certificates/classes/{setting['class'].id}"
    before = client.get(url).get_data(as_text=True)
    assert 'aria-label="Xác nhận: Phạm Thị Hồng"' in before
    post(client, f"{url}/sign-off", user_id=str(setting["learner"].id))
    after = client.get(url).get_data(as_text=True)
    assert 'aria-label="Rút xác nhận: Phạm Thị Hồng"' in after
    assert 'aria-label="Cấp: giấy chứng nhận cho Phạm Thị Hồng"' in after
    assert names_not_starting_with_text(before + after) == []


def test_revoke_needs_a_reason_and_reissue_links(client, setting):
    add_rule(setting["class"], "modules")
    finish_modules(setting["class"], setting["learner"])
    certificate = services.current_certificate(setting["class"].id, str(setting["learner"].id))
    login(client, setting["organizer"])
    post(client, f"/certificates/{certificate.id}/revoke", **{"reason": "  "})
    assert db.session.get(Certificate, certificate.id).revoked_at is None
    post(client, f"/certificates/{certificate.id}/revoke", **{"reason": "Cấp nhầm"})
    assert db.session.get(Certificate, certificate.id).revoke_reason == "Cấp nhầm"
    response = post(client, f"/certificates/{certificate.id}/reissue", **{"reason": "Sửa"})
    assert response.status_code == 303
    old = db.session.get(Certificate, certificate.id)
    assert old.replaced_by is not None and old.replaced_by.replaces_id == old.id


def test_register_exports_match_the_certificates(client, setting):
    add_rule(setting["class"], "modules")
    finish_modules(setting["class"], setting["learner"])
    serial = services.current_certificate(setting["class"].id, str(setting["learner"].id)).serial
    login(client, setting["organizer"])
    base = f"/certificates/classes/{setting['class'].id}/export/register"
    rows = list(csv.reader(io.StringIO(client.get(f"{base}.csv").get_data(as_text=True))))
    assert rows[0][:3] == ["\ufeffSTT", "Số hiệu", "Họ và tên"]
    assert rows[1][1:3] == [serial, "Phạm Thị Hồng"] and rows[1][10] == "Còn hiệu lực"
    sheet = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").data)).active
    assert sheet.cell(2, 2).value == serial


def test_zip_job_builds_one_pdf_per_certificate(client, setting):
    add_rule(setting["class"], "modules")
    finish_modules(setting["class"], setting["learner"])
    login(client, setting["organizer"])
    response = post(client, f"/certificates/classes/{setting['class'].id}/zip")
    job_url = response.headers["Location"]
    status = client.get(f"{job_url}.json").get_json()
    assert status == {
        "state": "done",
        "done": 1,
        "total": 1,
        "percent": 100,
        "error": "",
        "download": True,
    }
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{job_url}/download").data))
    assert [name.endswith(".pdf") for name in archive.namelist()] == [True]


def test_another_units_organizer_is_refused(client, setting):
    add_rule(setting["class"], "modules")
    finish_modules(setting["class"], setting["learner"])
    certificate = services.current_certificate(setting["class"].id, str(setting["learner"].id))
    login(client, setting["stranger"])
    assert client.get(f"/certificates/classes/{setting['class'].id}").status_code == 403
    revoke = post(client, f"/certificates/{certificate.id}/revoke", **{"reason": "x"})
    assert revoke.status_code == 403
    assert db.session.get(Certificate, certificate.id).revoked_at is None


def test_issue_without_a_template_says_why(client, setting, make_unit):
    """A class whose unit has no template cannot issue: the page says so."""
    bare = open_class(make_unit("SXD", "Sở Xây dựng"), "GCN-2", version=small_version("khac"))
    with pytest.raises(services.CertificateError):
        services.template_for(bare)
