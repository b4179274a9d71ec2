"""Course attachments: uploads checked by type, size and content, the Markdown to paste,
serving with safe headers beside the module pages, and deletion while nothing published uses them.
"""

import re
from io import BytesIO
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import func, select

from lms import db
from lms.courses.models import Attachment
from tests import test_authoring
from tests.access.authoring import (
    BODY,
    PNG,
    english,
    fetch,
    make_course,
    post,
    versions,
)

# The units and the signed-in trainer of the authoring tests.
units, trainer = test_authoring.units, test_authoring.trainer


def upload(client, course, name, data):
    return post(
        client,
        f"/author/courses/{course.id}/attachments",
        {"file": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_upload_lists_the_markdown_to_paste(trainer, units):
    """An upload gets a folded, safe name (never replacing a file) and its Markdown snippet."""
    course = make_course("khoa", units.a)
    assert upload(trainer, course, "Sơ đồ quy trình.PNG", PNG).status_code == 302
    assert upload(trainer, course, "so do quy trinh.png", PNG).status_code == 302
    assert upload(trainer, course, "Mẫu đơn.pdf", b"%PDF-1.4 test").status_code == 302
    names = set(db.session.scalars(select(Attachment.name)))
    assert names == {"so-do-quy-trinh.png", "so-do-quy-trinh-2.png", "mau-don.pdf"}
    page = trainer.get(f"/author/courses/{course.id}/attachments").get_data(as_text=True)
    assert "![so-do-quy-trinh](assets/so-do-quy-trinh.png)" in page
    assert "[mau-don](assets/mau-don.pdf)" in page


@pytest.mark.parametrize(
    ("name", "data", "status", "message"),
    [
        ("bao-cao.docx", b"PK\x03\x04", 422, "Only these file types"),
        ("anh.png", b"<html><script>alert(1)</script>", 422, "match its PNG extension"),
        ("anh.jpg", PNG, 422, "match its JPG extension"),
        ("tai-lieu.pdf", b"", 422, "empty"),
        ("lon.png", PNG + b"\x00" * 2048, 413, "larger than 1 KB"),
    ],
)
def test_upload_refuses_wrong_type_or_size(app, trainer, units, name, data, status, message):
    """A wrong extension, a renamed file, an empty or too large file: message, 4xx, nothing."""
    app.config["LMS_UPLOAD_MAX_BYTES"] = 1024
    course = make_course("khoa", units.a)
    english(trainer)
    response = upload(trainer, course, name, data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_assets_are_served_with_type_and_disposition(app, trainer, units):
    """Assets come with their type, inline disposition with filename* and nosniff; other types
    are downloads; an unknown name is 404.
    """
    app.config["LMS_UPLOAD_EXTENSIONS"] = ("png", "pdf", "txt")
    course = make_course("khoa", units.a)
    for name, data in [("so-do.png", PNG), ("mau.pdf", b"%PDF-1.7"), ("ghi-chu.txt", b"<b>x</b>")]:
        upload(trainer, course, name, data)
    base = f"/author/courses/{course.id}/versions/1/modules/assets"
    image = fetch(trainer, f"{base}/so-do.png")
    assert image.status_code == 200 and image.data == PNG
    assert image.headers["Content-Type"] == "image/png"
    assert image.headers["Content-Disposition"] == (
        "inline; filename=\"so-do.png\"; filename*=UTF-8''so-do.png"
    )
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert fetch(trainer, f"{base}/mau.pdf").headers["Content-Type"] == "application/pdf"
    text = fetch(trainer, f"{base}/ghi-chu.txt")
    assert text.headers["Content-Type"] == "application/octet-stream"
    assert text.headers["Content-Disposition"].startswith("attachment;")
    assert trainer.get(f"{base}/khong-co.png").status_code == 404
    assert (
        trainer.get(f"/author/courses/{course.id}/versions/9/modules/assets/so-do.png").status_code
        == 404
    )


def test_module_page_resolves_relative_asset_links(trainer, units):
    """On the module page `assets/x.png` resolves to the asset route beside it."""
    course = make_course("khoa", units.a, statuses=("draft",))
    upload(trainer, course, "so-do.png", PNG)
    module = versions(course.id)[1].modules[0]
    module.body = BODY + "\n\n![Sơ đồ](assets/so-do.png)"
    db.session.commit()
    url = f"http://localhost/author/courses/{course.id}/versions/1/modules/1"
    page = trainer.get(url).get_data(as_text=True)
    src = re.search(r'<img alt="Sơ đồ" src="([^"]+)"', page) or re.search(
        r'<img src="([^"]+)" alt="Sơ đồ"', page
    )
    assert fetch(trainer, urlsplit(urljoin(url, src.group(1))).path).data == PNG


def test_file_in_a_published_version_cannot_be_deleted(trainer, units):
    """A file a published version links to stays (409); one only the draft uses can go."""
    course = make_course("khoa", units.a, statuses=("published", "draft"))
    upload(trainer, course, "so-do.png", PNG)
    upload(trainer, course, "moi.png", PNG)
    by_number = versions(course.id)
    by_number[1].modules[0].body += " ![a](assets/so-do.png)"
    by_number[2].modules[0].body += " ![b](assets/moi.png)"
    db.session.commit()
    ids = dict(db.session.execute(select(Attachment.name, Attachment.id)).all())
    base = f"/author/courses/{course.id}/attachments"
    assert post(trainer, f"{base}/{ids['so-do.png']}/delete").status_code == 409
    assert post(trainer, f"{base}/{ids['moi.png']}/delete").status_code == 302
    assert set(db.session.scalars(select(Attachment.name))) == {"so-do.png"}
    other = make_course("khac", units.a)
    assert (
        post(
            trainer, f"/author/courses/{other.id}/attachments/{ids['so-do.png']}/delete"
        ).status_code
        == 404
    )
