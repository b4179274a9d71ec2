"""Reading and checking course folders (lms.content.loader): every rule has a failing case."""

import shutil
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from sample_course import BODY, COURSE_YAML, MakeCourse, module_text

from lms.content import ContentError, Problem, check, find_courses, read_course

PNG = b"\x89PNG\r\n\x1a\n fake image bytes"


def problems_in(path: Path) -> list[str]:
    """check() output with `path/` cut off the front of each line."""
    return [str(p).removeprefix(f"{path}/") for p in check(path)]


def edit(old: str, new: str) -> str:
    """COURSE_YAML with one piece of text replaced."""
    assert old in COURSE_YAML
    return COURSE_YAML.replace(old, new, 1)


def test_reads_a_valid_course(make_course: MakeCourse):
    """A valid folder reads into a CourseSource with modules in list order."""
    folder = make_course()
    course = read_course(folder)
    assert (course.slug, course.topic, course.hours, course.version) == (
        "mot-cua",
        "one-stop",
        2,
        1,
    )
    assert course.title == "Cơ chế một cửa"
    assert course.objectives == [
        "Tiếp nhận hồ sơ đúng quy trình",
        "Hướng dẫn công dân bổ sung hồ sơ",
    ]
    assert (course.quiz, course.pass_mark, course.path) == ("mot-cua", 80, folder)
    assert [(m.position, m.filename, m.minutes, m.required) for m in course.modules] == [
        (1, "01-gioi-thieu.md", 45, True),
        (2, "02-tiep-nhan.md", 45, True),
    ]
    assert course.modules[0].title == "Giới thiệu cơ chế một cửa"
    assert course.modules[0].body == BODY
    assert check(folder) == []


def test_optional_keys_take_their_defaults(make_course: MakeCourse):
    """Without quiz and pass_mark the course has no quiz and a pass mark of 70."""
    folder = make_course(course_yaml=edit("quiz: mot-cua\npass_mark: 80\n", ""))
    course = read_course(folder)
    assert (course.quiz, course.pass_mark) == (None, 70)
    assert course.modules[0].quiz is None


def test_problem_prints_as_file_line_message(make_course: MakeCourse):
    """A problem prints as `file:line: message`, with the path as given."""
    folder = make_course(course_yaml=edit("hours: 2", "hours: 3"))
    assert [str(p) for p in check(folder)] == [
        f"{folder}/course.yaml:5: hours 3 × 45 = 135 minutes, but the modules add up to 90 minutes"
    ]
    assert check(folder) == [
        Problem(
            folder / "course.yaml",
            5,
            "hours 3 × 45 = 135 minutes, but the modules add up to 90 minutes",
        )
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "title:",
            "titel:",
            [
                "course.yaml:1: missing required key 'title'",
                "course.yaml:2: unknown key 'titel'; did you mean 'title'?",
            ],
        ),
        (
            "topic: one-stop",
            "topic: one-stop: x",
            [
                "course.yaml:4: YAML syntax error: mapping values are not allowed here",
            ],
        ),
        (
            'title: "Cơ chế một cửa"',
            'title: "Cơ chế một cửa',
            [
                "course.yaml:16: YAML syntax error: found unexpected end of stream"
                " (while scanning a quoted scalar on line 2)",
            ],
        ),
        (
            "slug: mot-cua",
            "slug: Mot_Cua",
            [
                "course.yaml:1: 'slug' must be a lowercase kebab-case slug, like 'mot-cua'",
            ],
        ),
        (
            "slug: mot-cua",
            "slug: mot-cua-2",
            [
                "course.yaml:1: slug 'mot-cua-2' differs from the folder name 'mot-cua'",
            ],
        ),
        ('title: "Cơ chế một cửa"', "title:", ["course.yaml:2: 'title' has no value"]),
        (
            "summary: Tiếp nhận",
            "summary: ['Tiếp nhận']\nx: 1 #",
            [
                "course.yaml:3: 'summary' must be non-empty text",
                "course.yaml:4: unknown key 'x'",
            ],
        ),
        (
            "topic: one-stop",
            "topic: cooking",
            [
                "course.yaml:4: topic 'cooking' must be one of:"
                " one-stop, it-skills, communication, tthc-simplification, other",
            ],
        ),
        ("hours: 2", "hours: 0", ["course.yaml:5: 'hours' must be a positive whole number, not 0"]),
        (
            "hours: 2",
            'hours: "2"',
            [
                "course.yaml:5: 'hours' must be a positive whole number, not '2'",
            ],
        ),
        (
            "hours: 2",
            "hours: 3",
            [
                "course.yaml:5: hours 3 × 45 = 135 minutes, but the modules add up to 90 minutes",
            ],
        ),
        (
            "version: 1",
            "version: 1.5",
            [
                "course.yaml:6: 'version' must be a positive whole number, not 1.5",
            ],
        ),
        (
            "audience: Công chức Bộ phận Một cửa cấp xã\n",
            "",
            [
                "course.yaml:1: missing required key 'audience'",
            ],
        ),
        (
            "objectives:\n  - Tiếp nhận hồ sơ đúng quy trình\n  - Hướng dẫn công dân bổ sung hồ sơ",
            "objectives: []\nobjective: Tiếp nhận",
            [
                "course.yaml:8: 'objectives' must be a non-empty list",
                "course.yaml:9: unknown key 'objective'; did you mean 'objectives'?",
            ],
        ),
        (
            "  - Hướng dẫn công dân bổ sung hồ sơ",
            "  - 42",
            [
                "course.yaml:10: 'objectives' items must be text",
            ],
        ),
        (
            "pass_mark: 80",
            "pass_mark: 101",
            [
                "course.yaml:15: 'pass_mark' must be a whole number 0-100, not 101",
            ],
        ),
        (
            "quiz: mot-cua",
            "quiz: Bài kiểm tra",
            [
                "course.yaml:14: 'quiz' must be a lowercase kebab-case slug, like 'mot-cua'",
            ],
        ),
        ("pass_mark: 80", "pass_mark: 80\ntitle: Khác", ["course.yaml:16: duplicate key 'title'"]),
        (
            "audience: Công chức",
            "audience: Công\x01 chức",
            ["course.yaml:7: YAML syntax error: control character #x01"],
        ),
    ],
)
def test_course_yaml_rules(make_course: MakeCourse, old: str, new: str, expected: list[str]):
    """Each bad course.yaml value is reported on its own line."""
    folder = make_course(course_yaml=edit(old, new))
    assert problems_in(folder) == expected


def test_course_yaml_must_be_a_mapping(make_course: MakeCourse):
    """A course.yaml that is a list, not keys, is reported on line 1."""
    folder = make_course(course_yaml="- slug\n- title\n")
    assert problems_in(folder) == ["course.yaml:1: expected 'key: value' lines"]


def test_empty_course_yaml_reports_every_missing_key(make_course: MakeCourse):
    """An empty course.yaml lists each required key, and the modules as unlisted."""
    folder = make_course(course_yaml="")
    assert problems_in(folder) == [
        *(
            f"course.yaml:1: missing required key '{key}'"
            for key in ("slug", "title", "summary", "topic", "hours", "version", "audience")
        ),
        "course.yaml:1: missing required key 'objectives'",
        "course.yaml:1: missing required key 'modules'",
        "01-gioi-thieu.md:1: not listed in course.yaml 'modules'",
        "02-tiep-nhan.md:1: not listed in course.yaml 'modules'",
    ]


def test_missing_course_yaml(make_course: MakeCourse):
    """read_course on a folder without course.yaml says so."""
    folder = make_course(course_yaml=None)
    with pytest.raises(ContentError) as caught:
        read_course(folder)
    assert [str(p) for p in caught.value.problems] == [
        f"{folder}/course.yaml:1: course.yaml not found"
    ]


@pytest.mark.parametrize(
    ("modules", "files", "expected"),
    [
        (
            "  - 01-gioi-thieu.md\n  - 02-thu-tuc.md",
            {},
            [
                "course.yaml:13: module file '02-thu-tuc.md' not found in the course folder",
                "02-tiep-nhan.md:1: not listed in course.yaml 'modules'",
            ],
        ),
        (
            "  - 01-gioi-thieu.md\n  - 01-gioi-thieu.md",
            {},
            [
                "course.yaml:13: module '01-gioi-thieu.md' is listed twice",
                "02-tiep-nhan.md:1: not listed in course.yaml 'modules'",
            ],
        ),
        (
            "  - 02-tiep-nhan.md\n  - 01-gioi-thieu.md",
            {},
            [
                "course.yaml:13: module '01-gioi-thieu.md' is out of order (NN must go up)",
            ],
        ),
        (
            "  - 01-gioi-thieu.md\n  - Tiep_Nhan.md",
            {"02-tiep-nhan.md": None, "Tiep_Nhan.md": module_text("Tiếp nhận")},
            [
                "course.yaml:13: module file name 'Tiep_Nhan.md' must look like 'NN-name.md'"
                " (lowercase, kebab-case)",
            ],
        ),
        (
            "  - 01-gioi-thieu.md\n  - ../02-tiep-nhan.md",
            {},
            [
                "course.yaml:13: module file '../02-tiep-nhan.md' not found in the course folder",
                "02-tiep-nhan.md:1: not listed in course.yaml 'modules'",
            ],
        ),
    ],
)
def test_modules_list_rules(make_course: MakeCourse, modules, files, expected):
    """Listed modules must exist, be named NN-name.md, appear once and in NN order."""
    old = "  - 01-gioi-thieu.md\n  - 02-tiep-nhan.md"
    folder = make_course(course_yaml=edit(old, modules), files=files)
    assert problems_in(folder) == expected


def test_empty_modules_list(make_course: MakeCourse):
    """A course needs at least one module."""
    folder = make_course(
        course_yaml=edit("modules:\n  - 01-gioi-thieu.md\n  - 02-tiep-nhan.md", "modules: []")
    )
    assert problems_in(folder) == [
        "course.yaml:11: 'modules' must be a non-empty list",
        "01-gioi-thieu.md:1: not listed in course.yaml 'modules'",
        "02-tiep-nhan.md:1: not listed in course.yaml 'modules'",
    ]


def test_unlisted_markdown_file_is_reported(make_course: MakeCourse):
    """A .md file in the folder that course.yaml does not list is reported."""
    folder = make_course(files={"03-ghi-chu.md": module_text("Ghi chú"), "assets/notes.md": "x"})
    assert problems_in(folder) == ["03-ghi-chu.md:1: not listed in course.yaml 'modules'"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BODY, ["01-gioi-thieu.md:1: missing front matter: start the file with a '---' line"]),
        (
            '---\ntitle: "Giới thiệu"\nminutes: 45\n' + BODY,
            [
                "01-gioi-thieu.md:1: front matter is not closed by a '---' line",
            ],
        ),
        (
            module_text("Giới thiệu", extra="ghi chú: a: b\n"),
            [
                "01-gioi-thieu.md:5: YAML syntax error: mapping values are not allowed here",
            ],
        ),
        (
            module_text("Giới thiệu", extra="minute: 45\n"),
            [
                "01-gioi-thieu.md:5: unknown key 'minute'; did you mean 'minutes'?",
            ],
        ),
        (
            module_text("Giới thiệu", extra="quiz: Bài 1\n"),
            [
                "01-gioi-thieu.md:5: 'quiz' must be a lowercase kebab-case slug, like 'mot-cua'",
            ],
        ),
        (
            module_text("Giới thiệu", minutes=0),
            [
                "01-gioi-thieu.md:3: 'minutes' must be a positive whole number, not 0",
            ],
        ),
        (
            module_text("Giới thiệu").replace("required: true", "required: có"),
            [
                "01-gioi-thieu.md:4: 'required' must be true or false",
            ],
        ),
        (
            module_text("Giới thiệu").replace('title: "Giới thiệu"\n', ""),
            [
                "01-gioi-thieu.md:1: missing required key 'title'",
            ],
        ),
        (
            module_text("Giới thiệu", body="Sẽ viết sau."),
            [
                "01-gioi-thieu.md:7: body is too short: 3 of at least 50 words",
            ],
        ),
        (
            module_text("Giới thiệu", body=""),
            [
                "01-gioi-thieu.md:5: body is too short: 0 of at least 50 words",
            ],
        ),
        (
            module_text("Giới thiệu", extra="reviewed: 2026-12-06\n"),
            [
                "01-gioi-thieu.md:5: 'reviewed' must be a date written dd/mm/yyyy, "
                "not datetime.date(2026, 12, 6)",
            ],
        ),
        (
            module_text("Giới thiệu", extra="reviewed: 31/02/2026\n"),
            [
                "01-gioi-thieu.md:5: 'reviewed' must be a date written dd/mm/yyyy, "
                "not '31/02/2026'",
            ],
        ),
    ],
)
def test_module_file_rules(make_course: MakeCourse, text: str, expected: list[str]):
    """Front matter and body problems are reported on the offending line of the module file."""
    folder = make_course(files={"01-gioi-thieu.md": text})
    assert problems_in(folder) == expected


def test_module_minutes_and_options_are_read(make_course: MakeCourse):
    """required: false and a module quiz are read from the front matter."""
    text = module_text("Giới thiệu", minutes=60, extra="quiz: gioi-thieu\n")
    folder = make_course(
        course_yaml=edit("hours: 2", "hours: 3"),
        files={
            "01-gioi-thieu.md": text.replace("required: true", "required: false"),
            "02-tiep-nhan.md": module_text("Tiếp nhận", minutes=75),
        },
    )
    module = read_course(folder).modules[0]
    assert (module.minutes, module.required, module.quiz) == (60, False, "gioi-thieu")


def with_link(markdown: str) -> str:
    """Module 01 with `markdown` on line 14 (BODY is lines 7-12, then a blank line)."""
    return module_text("Giới thiệu", body=f"{BODY}\n\n{markdown}")


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("![Mẫu phiếu](assets/mau-phieu.png)", "link target 'assets/mau-phieu.png' not found"),
        ("[Bí mật](../secret.txt)", "link '../secret.txt' points outside the course folder"),
        (
            "[Hồ sơ](/etc/passwd)",
            "link '/etc/passwd' must be relative to the course folder, like 'assets/x.png'",
        ),
        (
            "[Bấm](javascript:alert(1))",
            "link 'javascript:alert(1)' must be http(s) or a file inside the course folder",
        ),
        (
            "[Mạng](//example.org/x.png)",
            "link '//example.org/x.png' must be http(s) or a file inside the course folder",
        ),
        ('<img src="assets/so-do.svg" alt="Sơ đồ">', "link target 'assets/so-do.svg' not found"),
        ("[phieu]: assets/phieu.pdf", "link target 'assets/phieu.pdf' not found"),
        (
            'Xem [mẫu](<assets/mẫu phiếu.png> "Mẫu").',
            "link target 'assets/mẫu phiếu.png' not found",
        ),
    ],
)
def test_broken_links_are_reported(make_course: MakeCourse, markdown: str, expected: str):
    """Links to missing files, outside the folder, or with other schemes are reported."""
    folder = make_course(files={"01-gioi-thieu.md": with_link(markdown)})
    (folder.parent / "secret.txt").write_text("not for learners")
    assert problems_in(folder) == [f"01-gioi-thieu.md:14: {expected}"]


def test_valid_links_are_accepted_and_files_collected(make_course: MakeCourse):
    """Web links, anchors and links to modules pass; linked files become the module's assets."""
    markdown = "\n".join(
        [
            "![Mẫu phiếu](assets/mau-phieu.png) và [lại lần nữa](./assets/mau-phieu.png)",
            "[Cổng dịch vụ công](https://dichvucong.gov.vn) [thư](mailto:motcua@example.vn)",
            "[Mục 1](#muc-1) [Bài 2](02-tiep-nhan.md#buoc-1)",
            '<img src="assets/h%C6%B0%E1%BB%9Bng-d%E1%BA%ABn.png">',
            "[so-do]: <assets/sơ đồ.svg>",
        ]
    )
    folder = make_course(
        files={
            "01-gioi-thieu.md": with_link(markdown),
            "assets/mau-phieu.png": PNG,
            "assets/hướng-dẫn.png": PNG,
            "assets/sơ đồ.svg": b"<svg/>",
        }
    )
    module = read_course(folder).modules[0]
    assert module.assets == [
        Path("assets/mau-phieu.png"),
        Path("assets/hướng-dẫn.png"),
        Path("assets/sơ đồ.svg"),
    ]


def test_links_inside_code_are_ignored(make_course: MakeCourse):
    """Markdown shown as code (fenced blocks, `spans`) is not checked as links."""
    markdown = (
        "```markdown\n![Ảnh](assets/khong-co.png)\n```\nViết `[nhãn](assets/khong-co.png)` như vậy."
    )
    folder = make_course(files={"01-gioi-thieu.md": with_link(markdown)})
    assert problems_in(folder) == []
    assert read_course(folder).modules[0].assets == []


def test_check_reports_every_problem_in_every_course(make_course: MakeCourse):
    """check() on a folder of courses reports all problems of all courses, not the first."""
    make_course(slug="a-dung")
    bad_yaml = edit("topic: one-stop", "topic: cooking").replace("version: 1", "verion: 1")
    short = module_text("Giới thiệu", body="Ngắn.", extra="quizz: a\n")
    make_course(slug="b-sai", course_yaml=bad_yaml, files={"01-gioi-thieu.md": short})
    broken_yaml = edit("topic: one-stop", "topic: one-stop: x")
    make_course(slug="c-sai", course_yaml=broken_yaml, files={"02-tiep-nhan.md": BODY})
    courses = make_course(slug="d-dung").parent
    assert problems_in(courses) == [
        "b-sai/course.yaml:1: missing required key 'version'",
        "b-sai/course.yaml:4: topic 'cooking' must be one of:"
        " one-stop, it-skills, communication, tthc-simplification, other",
        "b-sai/course.yaml:6: unknown key 'verion'; did you mean 'version'?",
        "b-sai/01-gioi-thieu.md:5: unknown key 'quizz'; did you mean 'quiz'?",
        "b-sai/01-gioi-thieu.md:8: body is too short: 1 of at least 50 words",
        "c-sai/course.yaml:4: YAML syntax error: mapping values are not allowed here",
        "c-sai/02-tiep-nhan.md:1: missing front matter: start the file with a '---' line",
    ]


def test_read_course_raises_with_every_problem(make_course: MakeCourse):
    """read_course raises ContentError carrying the same problems check() finds."""
    folder = make_course(
        course_yaml=edit("hours: 2", "hours: 0").replace("version: 1", "version: 0")
    )
    with pytest.raises(ContentError) as caught:
        read_course(folder)
    assert caught.value.problems == check(folder)
    assert str(caught.value) == "\n".join(str(p) for p in check(folder))
    assert len(caught.value.problems) == 2


def test_find_courses_in_one_folder_or_a_parent(make_course: MakeCourse, tmp_path: Path):
    """find_courses takes a course folder, or a folder whose subfolders are courses."""
    second = make_course(slug="b-hai")
    first = make_course(slug="a-mot")
    (first.parent / "ghi-chu").mkdir()
    (first.parent / "README.md").write_text("Thư mục khóa học")
    assert find_courses(first) == [first]
    assert find_courses(first.parent) == [first, second]
    assert find_courses(tmp_path / "khong-co") == []


def test_check_flags_a_subfolder_without_course_yaml(make_course: MakeCourse):
    """A folder among the courses without course.yaml is reported, hidden folders are not."""
    courses = make_course().parent
    (courses / "nhap").mkdir()
    (courses / ".git").mkdir()
    assert problems_in(courses) == ["nhap/course.yaml:1: course.yaml not found"]


def test_check_on_a_missing_or_empty_folder(tmp_path: Path):
    """check() says so when there is no folder or no course in it."""
    assert [str(p) for p in check(tmp_path / "khong-co")] == [
        f"{tmp_path}/khong-co:1: no such folder"
    ]
    assert [str(p) for p in check(tmp_path)] == [
        f"{tmp_path}:1: no course folders here (one with a course.yaml)"
    ]


def test_modules_are_checked_even_when_course_yaml_is_broken(make_course: MakeCourse):
    """A YAML error in course.yaml does not hide the modules' own problems."""
    folder = make_course(
        course_yaml=edit("hours: 2", "hours: [2"),
        files={"02-tiep-nhan.md": module_text("Tiếp nhận", minutes=-5)},
    )
    assert problems_in(folder) == [
        "course.yaml:6: YAML syntax error: expected ',' or ']', but got ':'"
        " (while parsing a flow sequence on line 5)",
        "02-tiep-nhan.md:3: 'minutes' must be a positive whole number, not -5",
    ]


def test_files_from_windows_and_macos_editors_are_read(make_course: MakeCourse):
    """A byte-order mark, CRLF line ends and decomposed (NFD) Vietnamese all read cleanly."""
    windows = ("\ufeff" + COURSE_YAML.replace("\n", "\r\n")).encode()
    mac = unicodedata.normalize("NFD", module_text("Giới thiệu"))
    folder = make_course(files={"course.yaml": windows, "01-gioi-thieu.md": mac})
    course = read_course(folder)
    assert course.title == "Cơ chế một cửa"
    assert course.modules[0].title == "Giới thiệu"
    assert course.modules[0].body == BODY


def test_non_utf8_file_is_reported(make_course: MakeCourse):
    """A module saved in a legacy encoding is reported on line 1."""
    folder = make_course(files={"01-gioi-thieu.md": module_text("Gioi thieu").encode("utf-16")})
    assert problems_in(folder) == ["01-gioi-thieu.md:1: not UTF-8 text; save the file as UTF-8"]


def test_content_hash_is_the_same_for_a_copy(make_course: MakeCourse, tmp_path: Path):
    """Two copies of one folder read equal and hash equal."""
    folder = make_course(
        files={"01-gioi-thieu.md": with_link("![x](assets/x.png)"), "assets/x.png": PNG}
    )
    copy = shutil.copytree(folder, tmp_path / "copy" / "mot-cua")
    assert read_course(copy) == read_course(folder)
    assert read_course(copy).content_hash == read_course(folder).content_hash


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("assets/x.png", PNG + b"!"),
        ("02-tiep-nhan.md", module_text("Tiếp nhận", body=BODY + " Thêm.")),
        ("course.yaml", edit("version: 1", "version: 2")),
    ],
)
def test_content_hash_changes_with_any_content(make_course: MakeCourse, name: str, content):
    """Changing an asset's bytes, a body or a course field changes the hash."""
    folder = make_course(
        files={"01-gioi-thieu.md": with_link("![x](assets/x.png)"), "assets/x.png": PNG}
    )
    before = read_course(folder).content_hash
    path = folder / name
    path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    assert read_course(folder).content_hash != before


def test_sources_and_review_date_are_read(make_course: MakeCourse):
    """`sources` in course.yaml and `reviewed` (dd/mm/yyyy) in front matter are optional."""
    folder = make_course(
        course_yaml=edit("modules:", "sources:\n  - 118/2025/NĐ-CP\n  - 03/2025/TT-VPCP\nmodules:"),
        files={"01-gioi-thieu.md": module_text("Giới thiệu", extra="reviewed: 6/12/2026\n")},
    )
    course = read_course(folder)
    assert course.sources == ["118/2025/NĐ-CP", "03/2025/TT-VPCP"]
    assert [(m.reviewed, m.reviewed_line) for m in course.modules] == [
        (date(2026, 12, 6), 5),
        (None, 1),
    ]


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        (
            "  - Nghị định 118\n",
            ["course.yaml:12: source 'Nghị định 118' is not a document number like 118/2025/NĐ-CP"],
        ),
        (
            "  - 118/2025/NĐ-CP\n  - 118/2025/NĐ-CP\n",
            ["course.yaml:13: source '118/2025/NĐ-CP' is listed twice"],
        ),
    ],
)
def test_sources_rules(make_course: MakeCourse, sources: str, expected: list[str]):
    folder = make_course(course_yaml=edit("modules:", f"sources:\n{sources}modules:"))
    assert problems_in(folder) == expected


def test_hash_without_sources_or_review_dates_is_unchanged(make_course: MakeCourse):
    """Courses written before `sources` and `reviewed` existed hash as they did (no key is
    added for them), so loading one adds no version; setting a review date changes the hash.
    """
    folder = make_course()
    course = read_course(folder)
    hashed = course._fields()
    assert "sources" not in hashed
    assert all("reviewed" not in module for module in hashed["modules"])
    (folder / "01-gioi-thieu.md").write_text(
        module_text("Giới thiệu cơ chế một cửa", extra="reviewed: 06/12/2026\n"), encoding="utf-8"
    )
    assert read_course(folder).content_hash != course.content_hash
