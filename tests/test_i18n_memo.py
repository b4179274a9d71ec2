"""The per-request catalogue (`lms.i18n.translations`): found once per request and language,
obeying `force_locale` and never carried from one request to the next."""

from flask import render_template_string
from flask_babel import force_locale

from lms import i18n
from tests.conftest import csrf_token


def _render() -> str:
    return render_template_string("{{ _('Courses') }}|{{ _('My learning') }}")


def test_a_page_looks_the_catalogue_up_once(app, monkeypatch):
    lookups = []
    found = i18n.get_translations

    def counted():
        lookups.append(1)
        return found()

    monkeypatch.setattr(i18n, "get_translations", counted)
    with app.test_request_context("/"):
        for _ in range(10):
            assert _render() == "Khóa học|Học tập của tôi"
        assert i18n.gettext("Courses") == "Khóa học"
    assert len(lookups) == 1


def test_a_forced_language_is_obeyed_and_then_left(app):
    with app.test_request_context("/"):
        assert _render() == "Khóa học|Học tập của tôi"
        with force_locale("en"):
            assert _render() == "Courses|My learning"
            assert i18n.gettext("Courses") == "Courses"
        assert _render() == "Khóa học|Học tập của tôi"
        assert i18n.gettext("Courses") == "Khóa học"


def test_each_request_speaks_its_own_language(app):
    """Two people on one server, one reading English, one Vietnamese, in turns: each page is in
    its reader's language (the memo lives and dies with the request)."""
    english, vietnamese = app.test_client(), app.test_client()
    token = csrf_token(english, "/login")
    english.post("/language", data={"csrf_token": token, "language": "en", "next": "/login"})
    for _ in range(3):
        assert "Log in" in english.get("/login").get_data(as_text=True)
        page = vietnamese.get("/login").get_data(as_text=True)
        assert "Đăng nhập" in page and "Log in" not in page


def test_variables_are_filled_in(app):
    with app.test_request_context("/"), force_locale("en"):
        assert i18n.gettext("%(name)s", name="Lan") == "Lan"


def test_template_strings_are_formatted_as_jinja_does(app):
    """`_()` in a template: Markup where the template escapes, "%%" read as "%", variables
    escaped, and as plain text where the template does not escape."""
    with app.test_request_context("/"), force_locale("en"):
        assert render_template_string("{{ _('100%% done') }}") == "100% done"
        assert render_template_string("{{ _('%(name)s', name=n) }}", n="<b>") == "&lt;b&gt;"
        assert render_template_string("{% trans %}Courses{% endtrans %}") == "Courses"
        plain = app.jinja_env.from_string(
            "{% autoescape false %}{{ _('%(n)s', n=v) }}{% endautoescape %}"
        )
        assert plain.render(v="<b>") == "<b>"
