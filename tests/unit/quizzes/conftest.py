"""Factories for questions of every type, shared by the question-type and format tests, and
the Vietnamese locale their messages are read in.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale

from lms.app import create_app
from lms.quizzes.types import Question

MakeQuestion = Callable[..., Question]


@pytest.fixture(scope="session")
def catalogue_app() -> Flask:
    """An LMS app for its message catalogue only: these tests never open its database."""
    return create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )


@pytest.fixture(autouse=True)
def vietnamese(catalogue_app: Flask) -> Iterator[None]:
    """Messages are made when called: read them as a Vietnamese user (or the CLI) does."""
    with catalogue_app.app_context(), force_locale("vi"):
        yield


def _choice(text: str, fraction: float = 0.0, feedback: str = "") -> dict[str, Any]:
    return {"text": text, "fraction": fraction, "feedback": feedback}


def _question(qtype: str, data: dict[str, Any], **fields: Any) -> Question:
    defaults = {"name": f"Câu {qtype}", "stem": f"Nội dung câu {qtype}?"}
    return Question(qtype=qtype, data=data, **{**defaults, **fields})


SAMPLE_DATA: dict[str, dict[str, Any]] = {
    "single": {
        "choices": [
            _choice("Bộ phận Một cửa", 1.0, "Đúng: Nghị định 61/2018."),
            _choice("Văn thư", -0.5, "Sai."),
            _choice("Phòng Nội vụ", 0.5, "Gần đúng."),
        ]
    },
    "multiple": {
        "choices": [
            _choice("Tiếp nhận hồ sơ", 0.5, "Đúng."),
            _choice("Trả kết quả", 0.5),
            _choice("Thẩm định hồ sơ", -1.0, "Việc của cơ quan chuyên môn."),
        ]
    },
    "truefalse": {"correct": False, "feedback_true": "Chưa đúng.", "feedback_false": "Chính xác."},
    "shortanswer": {
        "answers": [
            {"text": "một cửa", "fraction": 1.0, "feedback": "Đúng."},
            {"text": "một cửa liên *", "fraction": 0.5, "feedback": ""},
        ],
        "case_sensitive": False,
        "ignore_diacritics": True,
    },
    "numerical": {
        "answers": [
            {"value": 2.0, "tolerance": 0.5, "fraction": 1.0, "feedback": "Đúng."},
            {"min": 3.0, "max": 5.0, "fraction": 0.5, "feedback": "Gần đúng."},
        ]
    },
    "matching": {
        "pairs": [
            {"left": "Tiếp nhận", "right": "Bộ phận Một cửa"},
            {"left": "Thẩm định", "right": "Phòng chuyên môn"},
            {"left": "Phê duyệt", "right": "Lãnh đạo"},
        ],
        "distractors": ["Văn thư"],
    },
    "ordering": {"items": ["Tiếp nhận", "Thẩm định", "Phê duyệt", "Trả kết quả"]},
    "essay": {"grader_info": "Nêu đủ ba bước: tiếp nhận, xử lý, trả kết quả."},
}


@pytest.fixture
def make_question() -> MakeQuestion:
    """Factory: `make_question("single", stem=…)` builds a valid sample of any type."""

    def make(qtype: str, data: dict[str, Any] | None = None, **fields: Any) -> Question:
        return _question(qtype, copy.deepcopy(data or SAMPLE_DATA[qtype]), **fields)

    return make


class FormData(dict):
    """A minimal stand-in for werkzeug's MultiDict: `getlist` over a dict of lists."""

    def getlist(self, key: str) -> list[str]:
        return list(self.get(key, []))


@pytest.fixture
def form() -> type[FormData]:
    """Factory: `form({"answer": ["1"]})` builds submitted form data."""
    return FormData


@pytest.fixture
def every_question(make_question: MakeQuestion) -> list[Question]:
    """One valid question of each type."""
    return [make_question(qtype) for qtype in SAMPLE_DATA]
