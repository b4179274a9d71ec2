"""A small valid course (course.yaml, module text, body) that the content tests edit.

The texts have fixed line numbers that the tests assert on (see the comments). This is a plain
module rather than part of conftest.py, because test modules cannot import a conftest reliably.
"""

from collections.abc import Callable
from pathlib import Path

# Lines: slug 1, title 2, summary 3, topic 4, hours 5, version 6, audience 7, objectives 8 (items
# 9-10), modules 11 (items 12-13), quiz 14, pass_mark 15.
COURSE_YAML = """\
slug: mot-cua
title: "Cơ chế một cửa"
summary: Tiếp nhận hồ sơ và trả kết quả giải quyết thủ tục hành chính tại Bộ phận Một cửa.
topic: one-stop
hours: 2
version: 1
audience: Công chức Bộ phận Một cửa cấp xã
objectives:
  - Tiếp nhận hồ sơ đúng quy trình
  - Hướng dẫn công dân bổ sung hồ sơ
modules:
  - 01-gioi-thieu.md
  - 02-tiep-nhan.md
quiz: mot-cua
pass_mark: 80
"""

# Sixty words: comfortably above the 50-word minimum.
BODY = """\
## Bộ phận Một cửa làm gì

Bộ phận Một cửa là nơi công dân và doanh nghiệp nộp hồ sơ thủ tục hành chính, nhận kết quả
giải quyết và được hướng dẫn khi hồ sơ còn thiếu. Công chức tiếp nhận kiểm tra thành phần hồ sơ,
ghi phiếu hẹn trả kết quả, chuyển hồ sơ đến cơ quan chuyên môn và theo dõi tiến độ giải quyết
cho đến khi trả kết quả đúng hẹn cho người dân."""


def module_text(title: str, minutes: int = 45, body: str = BODY, extra: str = "") -> str:
    """A module file. Lines: '---' 1, title 2, minutes 3, required 4, `extra` lines next, then
    '---', a blank line and the body (first body line 7 when `extra` is empty)."""
    return f'---\ntitle: "{title}"\nminutes: {minutes}\nrequired: true\n{extra}---\n\n{body}\n'


MODULES = {
    "01-gioi-thieu.md": module_text("Giới thiệu cơ chế một cửa"),
    "02-tiep-nhan.md": module_text("Tiếp nhận hồ sơ"),
}

#: The type of the `make_course` fixture (see conftest.py).
MakeCourse = Callable[..., Path]
