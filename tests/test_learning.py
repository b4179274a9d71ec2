"""Learning: my classes with progress and resume, the class page, module pages, completion
(once, whatever is sent twice) and the files modules link to.
"""

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from lms import db
from lms.accounts.models import Role
from lms.classes.models import (
    ClassTrainer,
    Enrolment,
    EnrolmentStatus,
    ModuleCompletion,
    TrainingClass,
)
from lms.courses import progress, services
from lms.db import utcnow
from lms.quizzes.attempts import services as attempts
from lms.quizzes.bank import services as bank
from lms.quizzes.formats import parse_gift
from lms.quizzes.manage import settings
from tests.access.learning import (
    PNG,
    add_attachment,
    enrol,
    make_class,
    shipped_version,
    small_source,
)
from tests.access.quizzes import make_quiz, small_bank
from tests.conftest import csrf_token, login

JSON = {"Accept": "application/json"}


@pytest.fixture
def unit(make_unit):
    return make_unit("SO-NV", "Sở Nội vụ", kind="department")


@pytest.fixture
def version(app):
    return shipped_version()


@pytest.fixture
def learner(make_person, unit):
    return make_person("hocvien", unit=unit, full_name="Trần Thị Mai")


@pytest.fixture
def seat(version, unit, learner):
    """The learner, enrolled in a class of the one-stop course."""
    training_class = make_class(version, unit, "MC-01", "Lớp Một cửa khóa 1")
    enrolment = enrol(training_class, learner)
    db.session.commit()
    return enrolment


def completions(enrolment) -> int:
    return db.session.scalar(
        select(func.count()).where(ModuleCompletion.enrolment_id == enrolment.id)
    )


def complete_url(enrolment, position: int) -> str:
    return f"/learn/{enrolment.class_id}/modules/{position}/complete"


# --- my classes -------------------------------------------------------------------------------


def test_home_lists_my_classes_with_progress(client, seat, learner, version):
    """The home page shows each class with a progress bar and a link to start."""
    module = version.modules[0]
    db.session.add(ModuleCompletion(enrolment_id=seat.id, module_id=module.id))
    db.session.commit()
    page = login(client, learner).get("/").get_data(as_text=True)
    assert "Lớp Một cửa khóa 1" in page and "MC-01" in page
    assert '<progress max="100" value="17"' in page  # 1 of 6 required modules, to the nearest
    assert f'href="/learn/{seat.class_id}/modules/2"' in page  # first unfinished
    assert "style=" not in page


def test_home_without_classes_keeps_the_empty_state(client, make_person):
    """Someone in no class sees the empty state and a link to the catalog."""
    page = login(client, make_person()).get("/").get_data(as_text=True)
    assert "<progress" not in page and 'href="/courses/"' in page


def test_withdrawn_classes_are_not_listed(client, seat, learner):
    """A class the learner withdrew from leaves "my classes"."""
    seat.status = EnrolmentStatus.WITHDRAWN
    db.session.commit()
    login(client, learner)
    assert "MC-01" not in client.get("/").get_data(as_text=True)
    assert "MC-01" not in client.get("/learn/").get_data(as_text=True)


def test_resume_goes_to_the_last_module_opened(client, seat, learner):
    """After reading module 4, "continue" points at module 4."""
    login(client, learner).get(f"/learn/{seat.class_id}/modules/4")
    page = client.get("/learn/").get_data(as_text=True)
    assert f'href="/learn/{seat.class_id}/modules/4"' in page


def test_progress_counts_required_modules_only(seat, version):
    """An optional module done or not does not move the bar."""
    version.modules[5].required = False
    db.session.add(ModuleCompletion(enrolment_id=seat.id, module_id=version.modules[5].id))
    db.session.flush()
    [mine] = progress.my_classes(seat.user_id)
    assert (mine.required_done, mine.required_total, mine.percent) == (0, 5, 0)


# --- class home -------------------------------------------------------------------------------


def test_class_home_links_every_module(client, seat, learner, version):
    """Each outline line links to its module's page (the address is built once per page)."""
    page = login(client, learner).get(f"/learn/{seat.class_id}").get_data(as_text=True)
    for module in version.modules:
        assert f'<a href="/learn/{seat.class_id}/modules/{module.position}">' in page


def test_class_home_marks_modules_done(client, seat, learner, version):
    """The class page lists every module, with the finished ones marked."""
    db.session.add(ModuleCompletion(enrolment_id=seat.id, module_id=version.modules[1].id))
    db.session.commit()
    page = login(client, learner).get(f"/learn/{seat.class_id}").get_data(as_text=True)
    for module in version.modules:
        assert module.title in page
    assert page.count('class="done"') == 1 and page.count('class="todo"') == 5


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("path", ["", "/modules/1"])
def test_a_learner_holding_grants_studies_as_any_learner(
    client, seat, learner, version, unit, make_unit, method, path
):
    """The seat rides in the log-in's statement (`courses.seats.SEAT_RIDES`), whose rows the
    learner's grants multiply: a learner who is also a trainer and an organizer elsewhere sees
    their own progress once; HEAD, which does not ride, reads the seat itself."""
    from lms.accounts.models import RoleGrant

    for role, where in ((Role.TRAINER, unit), (Role.ORGANIZER, make_unit("SO-TP", "Sở Tư pháp"))):
        db.session.add(RoleGrant(user_id=str(learner.id), role=role, unit_id=where.id))
    db.session.add(ModuleCompletion(enrolment_id=seat.id, module_id=version.modules[1].id))
    db.session.commit()
    response = login(client, learner).open(f"/learn/{seat.class_id}{path}", method=method)
    assert response.status_code == 200
    if method == "GET" and not path:
        page = response.get_data(as_text=True)
        assert page.count('class="done"') == 1 and page.count('class="todo"') == 5
    assert client.open(f"/learn/999999{path}", method=method).status_code == 404


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("path", ["", "/modules/1"])
def test_outsiders_and_withdrawn_learners_are_refused(
    client, seat, learner, make_person, path, method
):
    """Only enrolled learners study: others get 403, a missing class 404; whether the seat
    rides in the log-in's statement (GET) or is read on its own (HEAD, as under a host's
    log-in)."""
    login(client, make_person())
    assert client.open(f"/learn/{seat.class_id}{path}", method=method).status_code == 403
    assert client.open(f"/learn/999999{path}", method=method).status_code == 404
    seat.status = EnrolmentStatus.WITHDRAWN
    db.session.commit()
    response = login(client, learner).open(f"/learn/{seat.class_id}{path}", method=method)
    assert response.status_code == 403


def test_trainer_and_organizer_preview_read_only(client, seat, make_person, make_unit, unit):
    """The class's trainer and its unit's organizer see the pages, and nothing counts."""
    trainer = make_person("giangvien", unit=unit)
    db.session.add(ClassTrainer(class_id=seat.class_id, user_id=str(trainer.id)))
    organizer = make_person("tochuc", role=Role.ORGANIZER, unit=unit)
    other = make_person("tckhac", role=Role.ORGANIZER, unit=make_unit("SO-KHAC"))
    db.session.commit()
    for person in (trainer, organizer):
        login(client, person)
        assert "Preview" in english(client, f"/learn/{seat.class_id}")
        page = client.get(f"/learn/{seat.class_id}/modules/1").get_data(as_text=True)
        assert "data-complete-on-view" not in page
        token = csrf_token(client, "/profile")
        response = client.post(complete_url(seat, 1), data={"csrf_token": token})
        assert response.status_code == 403
    assert login(client, other).get(f"/learn/{seat.class_id}").status_code == 403
    assert completions(seat) == 0


def english(client, url: str) -> str:
    token = csrf_token(client, "/profile")
    client.post("/language", data={"csrf_token": token, "language": "en"})
    return client.get(url).get_data(as_text=True)


# --- module page ------------------------------------------------------------------------------


def test_module_page_renders_markdown_with_neighbours(client, seat, learner, version):
    """A module shows its rendered body, a table, and links to the modules before and after."""
    page = login(client, learner).get(f"/learn/{seat.class_id}/modules/2").get_data(as_text=True)
    assert version.modules[1].title in page and "<table>" in page
    assert f'href="/learn/{seat.class_id}/modules/1" rel="prev"' in page
    assert f'href="/learn/{seat.class_id}/modules/3" rel="next"' in page
    assert "css/learn.css" in page and "js/complete.js" in page
    assert "style=" not in page and "<script>" not in page


def test_module_page_moves_the_resume_point(client, seat, learner, version):
    """Opening a module records it as the last one, with the time."""
    before = utcnow()
    login(client, learner).get(f"/learn/{seat.class_id}/modules/3")
    db.session.refresh(seat)
    assert seat.last_module_id == version.modules[2].id
    assert seat.last_activity_at >= before - timedelta(seconds=1)


def test_reloading_a_module_writes_nothing(client, seat, learner, version, count_queries):
    """A reload within minutes of the last visit only reads; moving to another module writes."""
    browser = login(client, learner)
    browser.get(f"/learn/{seat.class_id}/modules/3")
    with count_queries() as statements:
        browser.get(f"/learn/{seat.class_id}/modules/3")
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    with count_queries() as statements:
        browser.get(f"/learn/{seat.class_id}/modules/2")
    assert [
        s for s in statements if "lms_enrolments" in s and s.lstrip().upper().startswith("UPDATE")
    ]


def test_unknown_module_is_404(client, seat, learner):
    """A position past the last module is not found."""
    assert login(client, learner).get(f"/learn/{seat.class_id}/modules/99").status_code == 404


def test_module_links_written_as_files_open_the_module(client, seat, learner, version):
    """`02-name.md` in a module body leads to that module's page."""
    response = login(client, learner).get(
        f"/learn/{seat.class_id}/modules/{version.modules[1].slug}.md"
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/learn/{seat.class_id}/modules/2")
    assert client.get(f"/learn/{seat.class_id}/modules/nope.md").status_code == 404


# --- completion -------------------------------------------------------------------------------


def test_finishing_without_javascript(client, seat, learner):
    """The end-of-module button records completion and goes to the next module."""
    login(client, learner)
    page = client.get(f"/learn/{seat.class_id}/modules/1").get_data(as_text=True)
    assert "data-complete-on-view" in page
    token = csrf_token(client, "/profile")
    response = client.post(complete_url(seat, 1), data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/learn/{seat.class_id}/modules/2")
    assert completions(seat) == 1
    page = client.get(f"/learn/{seat.class_id}/modules/1").get_data(as_text=True)
    assert "data-complete-on-view" not in page


def test_finishing_the_last_module_returns_to_the_class(client, seat, learner):
    """After the last module the learner lands on the class page."""
    token = csrf_token(login(client, learner), "/profile")
    response = client.post(complete_url(seat, 6), data={"csrf_token": token})
    assert response.headers["Location"].endswith(f"/learn/{seat.class_id}")


def test_double_submit_records_once(client, seat, learner):
    """Two posts (a double click, two tabs) leave one completion; the second says so."""
    token = csrf_token(login(client, learner), "/profile")
    headers = {**JSON, "X-CSRFToken": token}
    first = client.post(complete_url(seat, 1), headers=headers)
    second = client.post(complete_url(seat, 1), headers=headers)
    assert first.get_json()["recorded"] is True
    assert second.status_code == 200 and second.get_json()["recorded"] is False
    assert completions(seat) == 1


def test_simultaneous_tabs_record_once(app, seat, learner):
    """Two requests at the same moment, each on its own connection, still record once."""
    clients = [login(app.test_client(), learner) for _ in range(2)]
    tokens = [csrf_token(c, "/profile") for c in clients]
    # Built before the threads: the fixture's objects belong to this thread's session, which
    # two threads must not load through at once.
    url = complete_url(seat, 1)
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post(index: int) -> None:
        with app.app_context():
            barrier.wait()
            response = clients[index].post(url, headers={**JSON, "X-CSRFToken": tokens[index]})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    assert completions(seat) == 1


def test_lost_race_is_undone_in_a_savepoint(seat, version, monkeypatch):
    """When the check misses a row another tab just wrote, the constraint still holds."""
    module = version.modules[0]
    assert progress.complete_module(seat, module) is True
    monkeypatch.setattr(progress, "is_completed", lambda enrolment, module: False)
    assert progress.complete_module(seat, module) is False
    db.session.commit()
    assert completions(seat) == 1


def test_completion_needs_a_csrf_token(client, seat, learner):
    """A post without the token changes nothing."""
    response = login(client, learner).post(complete_url(seat, 1), headers=JSON)
    assert response.status_code == 400
    assert completions(seat) == 0


def test_module_with_a_quiz_does_not_complete_by_reading(client, seat, learner, version):
    """A quiz module says its quiz completes it, and refuses a reading completion."""
    version.modules[0].quiz_slug = "mot-cua"
    db.session.commit()
    login(client, learner)
    page = english(client, f"/learn/{seat.class_id}/modules/1")
    assert "completed by passing its quiz" in page and "data-complete-on-view" not in page
    token = csrf_token(client, "/profile")
    response = client.post(complete_url(seat, 1), headers={**JSON, "X-CSRFToken": token})
    assert response.status_code == 409 and "quiz" in response.get_json()["error"]
    assert completions(seat) == 0


def test_completion_fills_the_progress_bar(client, seat, learner):
    """Finishing all six modules shows 100 % and "finished"."""
    token = csrf_token(login(client, learner), "/profile")
    for position in range(1, 7):
        client.post(complete_url(seat, position), data={"csrf_token": token})
    page = english(client, "/learn/")
    assert '<progress max="100" value="100"' in page and "Finished" in page


# --- attachments ------------------------------------------------------------------------------


@pytest.fixture
def upload_dir(app, tmp_path):
    app.config["LMS_UPLOAD_PATH"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def test_module_images_resolve_to_the_course_files(client, upload_dir, tmp_path, unit, learner):
    """`assets/x.png` in a module loads from the class's course, inline, with its type."""
    folder = tmp_path / "course"
    (folder / "assets").mkdir(parents=True)
    (folder / "assets" / "sơ-đồ.png").write_bytes(PNG)
    body = "Xem sơ đồ:\n\n![Sơ đồ quy trình](assets/sơ-đồ.png)\n"
    services.load_source(small_source(folder, "co-hinh", bodies={1: body}))
    version = services.current_version(services.find_course("co-hinh"))
    enrolment = enrol(make_class(version, unit, "HINH-1"), learner)
    db.session.commit()
    login(client, learner)
    page = client.get(f"/learn/{enrolment.class_id}/modules/1").get_data(as_text=True)
    assert 'src="assets/sơ-đồ.png"' in page
    response = client.get(f"/learn/{enrolment.class_id}/modules/assets/sơ-đồ.png")
    data = response.get_data()
    response.close()
    assert response.status_code == 200 and data == PNG
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition == "inline; filename*=UTF-8''s%C6%A1-%C4%91%E1%BB%93.png"


def test_pdf_is_inline_and_other_files_download(client, upload_dir, seat, learner, version):
    """PDFs open in the browser; any other type is offered as a download."""
    add_attachment(version, "mau-don.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    add_attachment(
        version, "bang.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"
    )
    db.session.commit()
    login(client, learner)
    pdf = client.get(f"/learn/{seat.class_id}/modules/assets/mau-don.pdf")
    pdf.close()
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("inline;")
    svg = client.get(f"/learn/{seat.class_id}/modules/assets/bang.svg")
    svg.close()
    assert svg.headers["Content-Disposition"].startswith("attachment;")


def test_attachments_of_other_courses_are_not_served(client, upload_dir, seat, learner, tmp_path):
    """A class serves its own course's files only; unknown names are 404."""
    services.load_source(small_source(tmp_path, "khac"))
    other = services.current_version(services.find_course("khac"))
    add_attachment(other, "rieng.png", PNG, "image/png")
    db.session.commit()
    login(client, learner)
    assert client.get(f"/learn/{seat.class_id}/modules/assets/rieng.png").status_code == 404
    assert client.get(f"/learn/{seat.class_id}/modules/assets/none.png").status_code == 404


# --- bounded queries --------------------------------------------------------------------------


def queries_for(client, count_queries, url: str) -> int:
    assert client.get(url).status_code == 200  # warm up: the same work either way
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("url", ["/", "/learn/"])
def test_my_classes_queries_do_not_grow_with_classes(client, unit, learner, count_queries, url):
    """A learner in 200 classes costs as many queries as one in 10."""
    versions = [shipped_version(slug) for slug in ("mot-cua", "ky-nang-cntt")]

    def add_classes(start: int, count: int) -> None:
        for number in range(start, start + count):
            version = versions[number % 2]
            enrolment = enrol(make_class(version, unit, f"L-{number}"), learner)
            enrolment.last_module_id = version.modules[2].id
            db.session.add(
                ModuleCompletion(enrolment_id=enrolment.id, module_id=version.modules[0].id)
            )
        db.session.commit()

    login(client, learner)
    add_classes(0, 10)
    few = queries_for(client, count_queries, url)
    add_classes(10, 190)
    assert queries_for(client, count_queries, url) == few


@pytest.mark.parametrize("path", ["", "/modules/2"])
def test_class_pages_queries_do_not_grow(client, tmp_path, unit, learner, count_queries, path):
    """Class and module pages cost the same for 5 modules and 10 learners as for 100 and 2,000."""
    seats = []
    for slug, modules, others in (("nho", 5, 10), ("lon", 100, 2000)):
        services.load_source(small_source(tmp_path, slug, modules=modules))
        version = services.current_version(services.find_course(slug))
        training_class = make_class(version, unit, slug.upper())
        seats.append(enrol(training_class, learner))
        for module in version.modules[:3]:
            db.session.add(ModuleCompletion(enrolment_id=seats[-1].id, module_id=module.id))
        db.session.execute(
            insert(Enrolment),
            [{"class_id": training_class.id, "user_id": f"khac-{n}"} for n in range(others)],
        )
        ids = db.session.scalars(
            select(Enrolment.id).where(Enrolment.class_id == training_class.id)
        ).all()
        db.session.execute(
            insert(ModuleCompletion),
            [
                {"enrolment_id": i, "module_id": version.modules[0].id}
                for i in ids
                if i != seats[-1].id
            ],
        )
    db.session.commit()
    login(client, learner)
    small, large = (queries_for(client, count_queries, f"/learn/{s.class_id}{path}") for s in seats)
    assert small == large


def test_class_page_reads_notices_only_for_the_learner_noticed(
    client, seat, learner, make_person, unit, count_queries
):
    """The class page asks for attendance notices only when the learner has some (a query less
    for most learners), and shows each learner their own notices, never a classmate's."""
    from lms.attendance.models import AttendanceNotice

    classmate = make_person("ban-cung-lop", unit=unit)
    enrol(db.session.get(TrainingClass, seat.class_id), classmate)
    db.session.commit()
    url = f"/learn/{seat.class_id}"
    login(client, learner)
    without = queries_for(client, count_queries, url)
    db.session.add(
        AttendanceNotice(class_id=seat.class_id, user_id=seat.user_id, percent=42.5, low_percent=80)
    )
    db.session.commit()
    assert queries_for(client, count_queries, url) == without + 1
    assert "42,5%" in client.get(url).get_data(as_text=True)
    other = login(client.application.test_client(), classmate)
    assert queries_for(other, count_queries, url) == without
    assert "42,5%" not in other.get(url).get_data(as_text=True)


# --- quizzes on the class and module pages ------------------------------------------------------


def class_quiz(seat, title: str, **fields):
    """A quiz of the seat's class on the small bank (four questions, unshuffled)."""
    training_class = db.session.get(TrainingClass, seat.class_id)
    fields.setdefault("shuffle_questions", False)
    return make_quiz(training_class, small_bank(), title=title, **fields)


def attempt_quiz(quiz, learner, answers: dict[str, str] | None, **when):
    """An attempt through the services: answered per question name and submitted, or (answers
    None) left in progress."""
    attempt = attempts.start_attempt(quiz, str(learner.id))
    if answers is None:
        return attempt
    positions = {q.question_version.name: q.position for q in attempt.questions}
    posted = {positions[n]: {f"q{positions[n]}-answer": [v]} for n, v in answers.items()}
    attempts.save_responses(attempt, quiz, posted, utcnow())
    attempts.submit_attempt(attempt, quiz)
    return attempt


RIGHT = {"tn-1": "0", "tn-2": "true", "tn-3": "45", "tn-4": "tthc"}
HALF = {"tn-1": "0", "tn-2": "true", "tn-3": "40", "tn-4": "UBND"}


def quiz_items(page: str) -> list[str]:
    """The lines of the class page's quiz list, tags stripped."""
    block = page.split('class="quiz-standings"', 1)[1].split("</ul>", 1)[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in block.split("<li>")[1:]]


def test_class_page_lists_quizzes_with_the_learners_state(client, seat, learner):
    """Each quiz links to its page and says: not attempted, in progress, passed, not passed."""
    quizzes = [class_quiz(seat, title) for title in ("KT chưa làm", "KT đang làm", "KT đạt")]
    failing = class_quiz(seat, "KT chưa đạt")
    attempt_quiz(quizzes[1], learner, None)
    attempt_quiz(quizzes[2], learner, RIGHT)
    attempt_quiz(failing, learner, HALF)
    db.session.commit()
    page = login(client, learner).get(f"/learn/{seat.class_id}").get_data(as_text=True)
    assert quiz_items(page) == [
        "KT chưa làm Chưa làm bài",
        "KT đang làm Đang làm",
        "KT đạt Đạt Điểm: 100,0%",
        "KT chưa đạt Chưa đạt Điểm: 50,0%",
    ]
    for quiz in (*quizzes, failing):
        assert f'href="/quiz/{quiz.id}"' in page
    assert f'href="/quiz/class/{seat.class_id}"' in page
    assert f'href="/results/class/{seat.class_id}/mine"' in page


def test_class_page_hides_the_grade_the_quiz_does_not_show_yet(client, seat, learner):
    """When the review options hide marks, the class page says "submitted", without a grade."""
    hidden = {moment: {"marks": False} for moment in ("after", "open", "closed")}
    quiz = class_quiz(seat, "KT ẩn điểm", review=hidden)
    attempt_quiz(quiz, learner, RIGHT)
    db.session.commit()
    page = login(client, learner).get(f"/learn/{seat.class_id}").get_data(as_text=True)
    assert quiz_items(page) == ["KT ẩn điểm Đã nộp"]


def test_class_page_says_when_an_essay_waits_for_grading(client, seat, learner):
    """A submitted attempt with an essay not graded yet shows "waiting for grading"."""
    essays = bank.get_or_create_bank("tu-luan", "Tự luận")
    bank.import_questions(essays, parse_gift("::tl-1:: Nêu ý kiến của anh/chị. {}").questions)
    root = settings.category_by_path(essays, "tu-luan")
    training_class = db.session.get(TrainingClass, seat.class_id)
    quiz = settings.create_quiz(
        training_class, essays, "KT tự luận", [settings.SlotSpec(category_id=root.id)]
    )
    attempt_quiz(quiz, learner, {"tl-1": "Ý kiến của tôi."})
    db.session.commit()
    page = login(client, learner).get(f"/learn/{seat.class_id}").get_data(as_text=True)
    assert quiz_items(page) == ["KT tự luận Đang chờ chấm"]


def test_previewers_see_the_quizzes_without_a_state(client, seat, make_person, unit):
    """A trainer previewing the class sees its quizzes as links, with no learner state."""
    quiz = class_quiz(seat, "KT cuối khóa")
    trainer = make_person("giangvien", role=Role.TRAINER, unit=unit)
    db.session.add(ClassTrainer(class_id=seat.class_id, user_id=str(trainer.id)))
    db.session.commit()
    page = login(client, trainer).get(f"/learn/{seat.class_id}").get_data(as_text=True)
    assert quiz_items(page) == ["KT cuối khóa"] and f'href="/quiz/{quiz.id}"' in page
    assert "/mine" not in page


def test_class_without_quizzes_says_so(client, seat, learner):
    """No quiz: the class page says the class has none yet, and links to no quiz list."""
    page = login(client, learner).get(f"/learn/{seat.class_id}").get_data(as_text=True)
    assert "Lớp này chưa có bài kiểm tra nào." in page
    assert "/quiz/class/" not in page


def test_module_page_offers_its_quiz(client, seat, learner, version):
    """A module with a quiz links to it ("take the quiz"); other modules do not."""
    quiz = class_quiz(seat, "KT học phần 2", module=version.modules[1])
    db.session.commit()
    login(client, learner)
    second = english(client, f"/learn/{seat.class_id}/modules/2")
    assert "Take the quiz" in second and f'href="/quiz/{quiz.id}"' in second
    third = client.get(f"/learn/{seat.class_id}/modules/3").get_data(as_text=True)
    assert "Take the quiz" not in third and f'href="/quiz/{quiz.id}"' not in third
    outline = client.get(f"/learn/{seat.class_id}").get_data(as_text=True)
    assert outline.count(f'href="/quiz/{quiz.id}"') == 2  # the module's badge and the list


def test_class_page_queries_do_not_grow_with_quizzes(client, seat, learner, count_queries):
    """A class page with 2 quizzes costs as many queries as one with 12 and their attempts."""
    url = f"/learn/{seat.class_id}"

    def add_quizzes(count: int) -> None:
        for number in range(count):
            quiz = class_quiz(seat, f"KT {number}", attempts_allowed=0)
            attempt_quiz(quiz, learner, RIGHT if number % 2 else HALF)
            if number % 3 == 0:
                attempt_quiz(quiz, learner, None)
        db.session.commit()

    login(client, learner)
    add_quizzes(2)
    few = queries_for(client, count_queries, url)
    add_quizzes(10)
    assert queries_for(client, count_queries, url) == few
