"""Redirect targets a visitor supplies (`next`) stay on this site: log-in, language switch and
self-enrolment all go through `security.local_redirect_target`.
"""

import pytest

from lms import db
from lms.security import local_redirect_target
from tests.access.learning import make_class, shipped_version
from tests.conftest import TEST_PASSWORD, csrf_token, login

#: Targets that would leave the site once a browser reads them (tabs and newlines are dropped by
#: browsers, a backslash counts as a slash, a leading space or control character is ignored).
HOSTILE = [
    "//evil.example/",
    "///evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    "\t//evil.example/",
    " //evil.example/",
    "\x00//evil.example/",
    "/\u200b/evil.example/",
    "/\u3000/evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example/",
    "https://evil.example/",
    "http:evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "evil.example/",
    "",
]

LOCAL = ["/profile", "/courses/?topic=it-skills&page=2", "/classes/3/roster#learners", "/"]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_not_local(target):
    """Every hostile target falls back to the default."""
    assert local_redirect_target(target, "/home") == "/home"


@pytest.mark.parametrize("target", LOCAL)
def test_local_targets_are_kept(target):
    """A path on this site is kept as it is."""
    assert local_redirect_target(target, "/home") == target


def test_missing_target_gives_the_default():
    """No target at all is the default."""
    assert local_redirect_target(None, "/home") == "/home"


@pytest.mark.parametrize("target", HOSTILE)
def test_login_never_leaves_the_site(client, make_person, target):
    """After log-in, a hostile `next` lands on the home page."""
    make_person("hoa")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"csrf_token": token, "username": "hoa", "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_url_from_the_issue_stays_home(client, make_person):
    """The exact URL of the review (`/%09/` before the host) lands on the home page."""
    make_person("hoa")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=/%09/evil.example/",
        data={"csrf_token": token, "username": "hoa", "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", HOSTILE)
def test_language_switch_never_leaves_the_site(client, target):
    """The language switch sends a hostile `next` home."""
    token = csrf_token(client, "/login")
    response = client.post(
        "/language", data={"csrf_token": token, "language": "en", "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switch_goes_back_to_the_page(client):
    """A local `next` with its query string is where the switch returns."""
    token = csrf_token(client, "/login")
    response = client.post(
        "/language",
        data={"csrf_token": token, "language": "en", "next": "/login?next=/profile"},
    )
    assert response.headers["Location"] == "/login?next=/profile"


@pytest.fixture
def closed_class(make_unit):
    """A class that takes no self-enrolment, so a self-enrol attempt is sent back."""
    unit = make_unit("SO-NV", "Sở Nội vụ")
    training_class = make_class(shipped_version(), unit, "DONG-1", self_enrol=False)
    db.session.commit()
    return training_class.id, unit


@pytest.mark.parametrize("target", HOSTILE)
def test_refused_self_enrolment_never_leaves_the_site(client, make_person, closed_class, target):
    """A refused self-enrolment sends a hostile `next` home, not away."""
    class_id, unit = closed_class
    login(client, make_person("hocvien", unit=unit))
    token = csrf_token(client, "/profile")
    response = client.post(
        f"/classes/{class_id}/enrol-self", data={"csrf_token": token, "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_refused_self_enrolment_goes_back_to_the_course(client, make_person, closed_class):
    """A local `next` (the course page) is where a refused self-enrolment returns."""
    class_id, unit = closed_class
    login(client, make_person("hocvien", unit=unit))
    token = csrf_token(client, "/profile")
    response = client.post(
        f"/classes/{class_id}/enrol-self",
        data={"csrf_token": token, "next": "/courses/mot-cua"},
    )
    assert response.headers["Location"] == "/courses/mot-cua"
