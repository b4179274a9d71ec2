"""Demo answers: the form fields a learner answering a question rightly or not sends, built per
question type from the question's data (see each type's `response_from_form`). `lms demo` answers
its quizzes with them, and the benchmarks and the autosave tests post them.
"""

import random
from collections.abc import Callable

from lms.quizzes.types import Matching, answer_field, format_number
from lms.quizzes.types import Question as QuestionData

#: What demo learners write in an essay question, one picked at random.
ESSAYS = (
    "Trước hết cần tiếp nhận, lắng nghe và ghi nhận đầy đủ ý kiến của người dân; sau đó kiểm tra "
    "hồ sơ, giải thích rõ căn cứ pháp lý và hướng dẫn cụ thể các bước tiếp theo, có hẹn thời gian "
    "trả lời bằng văn bản.",
    "Em sẽ giữ thái độ bình tĩnh, mời người dân ngồi, lắng nghe hết ý kiến rồi báo cáo lãnh đạo "
    "bộ phận để xử lý dứt điểm, đồng thời xin lỗi vì sự chậm trễ.",
    "Theo em cần rà soát lại quy trình, công khai thời hạn giải quyết và cập nhật tình trạng hồ "
    "sơ trên Cổng dịch vụ công để người dân theo dõi.",
)

#: The parts of a form answer: part None is the field `answer`, part i is `answer-i`.
FormParts = dict[int | None, list[str]]


def _wrong_choice(choices: list[dict], rng: random.Random) -> int:
    wrong = [i for i, choice in enumerate(choices) if choice["fraction"] < 1]
    return rng.choice(wrong) if wrong else 0


def _single(data: dict, right: bool, rng: random.Random) -> FormParts:
    choices = data["choices"]
    best = max(range(len(choices)), key=lambda i: choices[i]["fraction"])
    return {None: [str(best if right else _wrong_choice(choices, rng))]}


def _multiple(data: dict, right: bool, rng: random.Random) -> FormParts:
    choices = data["choices"]
    chosen = [i for i, choice in enumerate(choices) if choice["fraction"] > 0]
    if not right:
        penalised = [i for i, choice in enumerate(choices) if choice["fraction"] <= 0]
        chosen = chosen[: max(1, len(chosen) - 1)] + penalised[:1]
    return {None: [str(i) for i in sorted(chosen)]}


def _truefalse(data: dict, right: bool, rng: random.Random) -> FormParts:
    return {None: ["true" if data["correct"] == right else "false"]}


def _shortanswer(data: dict, right: bool, rng: random.Random) -> FormParts:
    if not right:
        return {None: [rng.choice(("Không rõ", "Ủy ban nhân dân", "Chưa học đến phần này"))]}
    best = max(data["answers"], key=lambda answer: answer["fraction"])
    # An accepted answer may hold wildcards (`*`); typed without them it still matches.
    text = best["text"].replace("\\*", "\0").replace("*", "").replace("\0", "*")
    return {None: [text.strip()]}


def _numerical(data: dict, right: bool, rng: random.Random) -> FormParts:
    best = max(data["answers"], key=lambda answer: answer["fraction"])
    value = float(best["min"] if "min" in best else best["value"])
    if not right:
        value = value * 2 + rng.randint(3, 9)
    return {None: [format_number(value).replace(".", ",")]}


def _matching(data: dict, right: bool, rng: random.Random) -> FormParts:
    options = Matching.options(QuestionData("matching", "", "", data=data))
    picks = [options.index(pair["right"]) for pair in data["pairs"]]
    if not right:
        picks = picks[1:] + picks[:1]
    return {part: [str(pick)] for part, pick in enumerate(picks)}


def _ordering(data: dict, right: bool, rng: random.Random) -> FormParts:
    order = list(range(len(data["items"])))
    if not right:
        order[0], order[-1] = order[-1], order[0]
    return {None: [str(index) for index in order]}


def _essay(data: dict, right: bool, rng: random.Random) -> FormParts:
    return {None: [rng.choice(ESSAYS)]}


#: How a learner answers each question type, rightly or not, as the form fields the attempt
#: page posts (see each type's `response_from_form`); a type missing here stays unanswered.
ANSWERS: dict[str, Callable[[dict, bool, random.Random], FormParts]] = {
    "single": _single,
    "multiple": _multiple,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordering,
    "essay": _essay,
}


def answer_form(
    qtype: str, data: dict, prefix: str, right: bool, rng: random.Random
) -> dict[str, list[str]]:
    """The form fields a learner answering (rightly or not) sends for one question."""
    build = ANSWERS.get(qtype)
    if build is None:
        return {}
    return {answer_field(prefix, part): values for part, values in build(data, right, rng).items()}
