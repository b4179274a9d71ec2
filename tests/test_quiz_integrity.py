"""Issue 9 §3: a learner's page gives no answer away. Choice, matching and ordering inputs carry
per-attempt opaque values (never the author's indexes, which put the right choice first), and
matching options and ordering items are shuffled per attempt, the order stored with it. And the
autosave body is read within its limit even when chunked, and unreadable JSON is a 400.
"""

import io
import re

import pytest

from lms import db
from lms.quizzes.attempts import services as attempts
from lms.quizzes.attempts import tokens
from lms.quizzes.attempts import views as attempt_views
from lms.quizzes.bank import services as bank
from lms.quizzes.models import Attempt
from lms.quizzes.types import Question, get_question_type
from tests.access.learning import enrol, make_class, shipped_version
from tests.access.quizzes import make_quiz
from tests.conftest import csrf_token, login


def _choices(*texts: str, right: int = 0) -> list[dict]:
    return [
        {"text": t, "fraction": 1.0 if i == right else 0.0, "feedback": ""}
        for i, t in enumerate(texts)
    ]


#: Every question written as authors write them: the right choice first, pairs and items in order.
QUESTIONS = [
    Question("single", "mot", "Một cửa ở đâu?", data={"choices": _choices("A", "B", "C", "D")}),
    Question("single", "hai", "TTHC là gì?", data={"choices": _choices("E", "F", "G", "H")}),
    Question(
        "multiple",
        "ba",
        "Chọn các kênh nộp hồ sơ.",
        data={
            "choices": [
                {"text": "Trực tiếp", "fraction": 0.5, "feedback": ""},
                {"text": "Trực tuyến", "fraction": 0.5, "feedback": ""},
                {"text": "Điện thoại", "fraction": -1.0, "feedback": ""},
            ]
        },
    ),
    Question(
        "matching",
        "bon",
        "Ghép văn bản với nội dung.",
        data={
            "pairs": [
                {"left": "NĐ 118", "right": "Một cửa"},
                {"left": "NĐ 107", "right": "Hết hiệu lực"},
                {"left": "TT 03", "right": "Hướng dẫn"},
            ],
            "distractors": ["Không liên quan"],
        },
    ),
    Question(
        "ordering",
        "nam",
        "Sắp xếp các bước.",
        data={"items": ["Tiếp nhận", "Thẩm định", "Phê duyệt", "Trả kết quả"]},
    ),
]


@pytest.fixture
def unit(make_unit):
    return make_unit("SO-NV", "Sở Nội vụ")


@pytest.fixture
def learner(make_person, unit):
    return make_person("hocvien", unit=unit, full_name="Trần Thị Mai")


@pytest.fixture
def quiz(learner, unit):
    training_class = make_class(shipped_version(), unit, "MC-01", "Lớp Một cửa")
    enrol(training_class, learner)
    target = bank.get_or_create_bank("toan-ven", "Toàn vẹn")
    for question in QUESTIONS:
        question.category = "toan-ven/chung"
    bank.import_questions(target, QUESTIONS)
    quiz = make_quiz(
        training_class, target, shuffle_questions=False, shuffle_choices=False, questions_per_page=0
    )
    db.session.commit()
    return quiz


@pytest.fixture
def client_in(client, learner):
    return login(client, learner)


def start(client, quiz) -> tuple[Attempt, str]:
    token = csrf_token(client, f"/quiz/{quiz.id}")
    response = client.post(f"/quiz/{quiz.id}/start", data={"csrf_token": token})
    attempt_id = int(re.search(r"/quiz/attempt/(\d+)", response.location).group(1))
    page = client.get(f"/quiz/attempt/{attempt_id}").get_data(as_text=True)
    return attempts.load_attempt(attempt_id), page


def input_values(page: str) -> dict[str, list[str]]:
    """Every answer field's offered values, in page order (radio, checkbox and select options)."""
    values: dict[str, list[str]] = {}
    for name, value in re.findall(r'name="(q\d+-answer[^"]*)" value="([^"]*)"', page):
        values.setdefault(name, []).append(value)
    for name, options in re.findall(r'<select[^>]*name="([^"]+)">(.*?)</select>', page, re.S):
        found = [v for v in re.findall(r'<option value="([^"]*)"', options) if v]
        values.setdefault(name, []).extend(found)
    return values


def post_all(client, attempt, fields: dict[str, list[str]]):
    token = csrf_token(client, f"/quiz/attempt/{attempt.id}/summary")
    data = {"csrf_token": token, "page": "1", "goto": "summary", **fields}
    client.post(f"/quiz/attempt/{attempt.id}", data=data)
    submit = csrf_token(client, f"/quiz/attempt/{attempt.id}/summary")
    client.post(f"/quiz/attempt/{attempt.id}/submit", data={"csrf_token": submit})
    db.session.expire_all()
    return db.session.get(Attempt, attempt.id)


def test_the_page_carries_no_author_index(client_in, quiz):
    """No input of a choice, matching or ordering question has a number as its value."""
    attempt, page = start(client_in, quiz)
    values = input_values(page)
    assert set(values) >= {"q1-answer", "q3-answer", "q4-answer-0", "q5-answer"}
    offered = [value for name, found in values.items() for value in found]
    assert offered and not [value for value in offered if value.isdigit()]
    ordering = next(q for q in attempt.questions if q.question_version.qtype == "ordering")
    assert tokens.value_token(attempt.id, ordering.position, 0) in page


def test_answering_zero_everywhere_earns_nothing(client_in, quiz):
    """ "0" in every field (the author's right choice, before) is read as no answer."""
    attempt, page = start(client_in, quiz)
    fields = {name: ["0"] for name in input_values(page) if name != "q5-answer"}
    fields["q5-answer"] = ["0", "1", "2", "3"]
    finished = post_all(client_in, attempt, fields)
    assert finished.fraction == 0


def test_answering_the_first_value_everywhere_is_no_full_mark(client_in, quiz):
    """Matching options and ordering items are shuffled: their first values answer wrongly."""
    attempt, page = start(client_in, quiz)
    values = input_values(page)
    fields = {name: [found[0]] for name, found in values.items() if name != "q5-answer"}
    fields["q5-answer"] = values["q5-answer"][:4]  # each place: the items in the shown order
    finished = post_all(client_in, attempt, fields)
    by_name = {q.question_version.name: q.fraction for q in finished.questions}
    assert by_name["mot"] == 1  # unshuffled choices: the first shown is the first written
    assert by_name["nam"] < 1 and by_name["bon"] < 1
    assert finished.fraction < 1


def test_the_shuffled_order_is_stored_and_the_right_answer_still_scores(client_in, quiz):
    """A reload shows the same order; the right answers, sent as the page's values, earn all."""
    attempt, page = start(client_in, quiz)
    again = client_in.get(f"/quiz/attempt/{attempt.id}").get_data(as_text=True)
    assert input_values(again) == input_values(page)
    matching = next(q for q in attempt.questions if q.question_version.qtype == "matching")
    ordering = next(q for q in attempt.questions if q.question_version.qtype == "ordering")
    assert sorted(matching.choice_order) == [0, 1, 2, 3] and matching.choice_order != [0, 1, 2, 3]
    assert sorted(ordering.choice_order) == [0, 1, 2, 3] and ordering.choice_order != [0, 1, 2, 3]

    def value(position: int, index: int) -> str:
        return tokens.value_token(attempt.id, position, index)

    fields = {
        "q1-answer": [value(1, 0)],
        "q2-answer": [value(2, 0)],
        "q3-answer": [value(3, 0), value(3, 1)],
        **{f"q4-answer-{part}": [value(4, part)] for part in range(3)},
        "q5-answer": [value(5, index) for index in range(4)],
    }
    assert post_all(client_in, attempt, fields).fraction == pytest.approx(1)


def test_a_value_of_another_attempt_means_nothing(client_in, quiz):
    """Tokens are per attempt: another attempt's right value is no answer here."""
    attempt, _page = start(client_in, quiz)
    stolen = tokens.value_token(attempt.id + 1, 1, 0)
    finished = post_all(client_in, attempt, {"q1-answer": [stolen]})
    assert finished.questions[0].response is None


# --- the autosave body ----------------------------------------------------------------------------


def post_autosave(client, attempt, raw: bytes, chunked: bool = False):
    token = csrf_token(client, f"/quiz/attempt/{attempt.id}/summary")
    headers = {"Accept": "application/json", "X-CSRFToken": token}
    headers["Content-Type"] = "application/json"
    if not chunked:
        return client.post(f"/quiz/attempt/{attempt.id}/autosave", data=raw, headers=headers)
    # As gunicorn hands over a chunked body: no Content-Length, the stream ends where it ends.
    return client.post(
        f"/quiz/attempt/{attempt.id}/autosave",
        input_stream=io.BytesIO(raw),
        headers={**headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_autosave_over_the_limit_is_refused(client_in, quiz):
    """A chunked body has no Content-Length to trust: the limit holds all the same."""
    attempt, _page = start(client_in, quiz)
    essay = "x" * (attempt_views.MAX_AUTOSAVE_BYTES + 10)
    raw = ('{"answers": {"1": {"q1-answer": ["' + essay + '"]}}}').encode()
    response = post_autosave(client_in, attempt, raw, chunked=True)
    assert response.status_code == 413 and response.json["error"]
    small = b'{"answers": {"1": {"q1-answer": []}}}'
    assert post_autosave(client_in, attempt, small, chunked=True).status_code == 200


@pytest.mark.parametrize(
    "raw", [b"[" * 100_000, b'{"answers": {"1": ', b"\xff\xfe", b"[" * 40 + b"]" * 40]
)
def test_deep_or_broken_autosave_json_is_400_with_a_message(client_in, quiz, raw):
    """Nesting past the parser's recursion limit was a 500; now every unreadable body is 400."""
    attempt, _page = start(client_in, quiz)
    response = post_autosave(client_in, attempt, raw)
    assert response.status_code == 400 and response.json["error"]


def test_fields_encoded_as_the_page_sends_them_are_read_back(client_in, quiz):
    """`tokens.encode` (the benchmark's autosave bodies) gives what the page sends."""
    attempt, _page = start(client_in, quiz)
    ordering = next(q for q in attempt.questions if q.question_version.qtype == "ordering")
    version = ordering.question_version
    fields = tokens.encode(
        get_question_type(version.qtype),
        bank.as_data(version, ""),
        {f"q{ordering.position}-answer": ["0", "1", "2", "3"]},
        attempt.id,
        ordering.position,
    )
    token = csrf_token(client_in, f"/quiz/attempt/{attempt.id}/summary")
    response = client_in.post(
        f"/quiz/attempt/{attempt.id}/autosave",
        json={"answers": {str(ordering.position): fields}},
        headers={"Accept": "application/json", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    db.session.expire_all()
    saved = attempts.load_attempt(attempt.id).questions[ordering.position - 1]
    assert saved.response == [0, 1, 2, 3]
