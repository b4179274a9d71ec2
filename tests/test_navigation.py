"""The main menu (`lms.navigation`): each reader sees the links of the roles they hold, in their
language, though the menu is built once per roles and language and kept."""

import re

import pytest

from lms.accounts.models import Role
from tests.conftest import csrf_token, login

EVERYONE = ["/", "/courses/", "/certificates/my", "/records/me", "/profile"]


def menu(client) -> list[tuple[str, str]]:
    page = client.get("/courses/").get_data(as_text=True)
    nav = re.search(r'<nav class="wrap main-nav".*?</nav>', page, re.S).group(0)
    return re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', nav)


@pytest.fixture
def people(make_unit, make_person):
    unit = make_unit("SO-NV", "Sở Nội vụ")
    return {
        role: make_person(f"nguoi-{role}", role=role, unit=unit)
        for role in (Role.LEARNER, Role.TRAINER, Role.ORGANIZER, Role.ADMIN)
    }


def test_each_reader_sees_the_links_of_their_roles_however_the_readers_alternate(app, people):
    clients = {role: login(app.test_client(), person) for role, person in people.items()}
    for _ in range(2):  # a second round is served from the kept menus
        learner = [url for url, _label in menu(clients[Role.LEARNER])]
        trainer = [url for url, _label in menu(clients[Role.TRAINER])]
        organizer = [url for url, _label in menu(clients[Role.ORGANIZER])]
        admin = [url for url, _label in menu(clients[Role.ADMIN])]
        assert learner == EVERYONE
        assert "/trainer" in trainer and "/banks/" in trainer and "/grading/" in trainer
        assert "/organizer/" not in trainer and "/admin/people" not in trainer
        assert "/organizer/" in organizer and "/grading/" in organizer
        assert "/trainer" not in organizer and "/admin/people" not in organizer
        assert set(trainer) | set(organizer) <= set(admin) and "/admin/people" in admin


def test_the_menu_speaks_the_readers_language(app, people):
    english = login(app.test_client(), people[Role.LEARNER])
    vietnamese = login(app.test_client(), people[Role.TRAINER])
    token = csrf_token(english, "/courses/")
    english.post("/language", data={"csrf_token": token, "language": "en", "next": "/"})
    for _ in range(2):
        assert dict(menu(english))["/"] == "My learning"
        assert dict(menu(vietnamese))["/"] == "Học tập của tôi"


def test_every_page_links_the_static_files_that_exist(app, people):
    client = login(app.test_client(), people[Role.LEARNER])
    page = client.get("/courses/").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert {"/static/css/lms.css", "/static/js/lms.js", "/static/img/favicon.svg"} <= set(links)
    for link in links:
        assert client.get(link).status_code == 200, link


def test_page_addresses_are_the_ones_flask_builds(app, people):
    """Templates' remembered `url_for` gives what Flask's gives, for every id, and leaves the
    options it cannot remember (an anchor, an external address) to Flask."""
    from flask import render_template_string, url_for

    with app.test_request_context("/courses/"):
        app.preprocess_request()
        for class_id in (1, 2, 1):
            for position in (1, 2):
                values = {"class_id": class_id, "position": position}
                assert render_template_string(
                    "{{ url_for('lms.learn.module', class_id=c, position=p) }}",
                    c=class_id,
                    p=position,
                ) == url_for("lms.learn.module", **values)
        assert (
            render_template_string(
                "{{ url_for('lms.main.home', _external=True) }}|"
                "{{ url_for('lms.main.home', _anchor='x') }}"
            )
            == f"{url_for('lms.main.home', _external=True)}|/#x"
        )


def test_a_portal_with_url_defaults_gets_flasks_addresses(app, people):
    from flask import render_template_string

    app.url_default_functions.setdefault(None, []).append(
        lambda endpoint, values: (
            values.setdefault("lang", "vi") if endpoint == "lms.main.home" else None
        )
    )
    with app.test_request_context("/courses/"):
        app.preprocess_request()
        assert render_template_string("{{ url_for('lms.main.home') }}") == "/?lang=vi"
