"""Writing a CourseSource back to files (lms.content.writer) and reading it again."""

from pathlib import Path

from sample_course import BODY, COURSE_YAML, MakeCourse, module_text

from lms.content import CourseSource, ModuleSource, check, read_course, write_course

PNG = b"\x89PNG\r\n\x1a\n fake image bytes"


def test_round_trip_keeps_everything(make_course: MakeCourse, tmp_path: Path):
    """read_course(write_course(course)) equals the course, content hash included."""
    body = f"{BODY}\n\n![Mẫu phiếu](<assets/mẫu phiếu.png>)\n\n```\n---\n```"
    folder = make_course(
        files={
            "01-gioi-thieu.md": module_text(
                "Giới thiệu: một cửa", body=body, extra="quiz: bai-1\n"
            ),
            "assets/mẫu phiếu.png": PNG,
        }
    )
    course = read_course(folder)
    copy = read_course(write_course(course, tmp_path / "ban-sao" / "mot-cua"))
    assert copy == course
    assert copy.content_hash == course.content_hash
    assert (copy.path / "assets/mẫu phiếu.png").read_bytes() == PNG


def test_round_trip_keeps_sources_and_review_dates(make_course: MakeCourse, tmp_path: Path):
    """`sources` and `reviewed` are written back (dd/mm/yyyy) and read the same."""
    folder = make_course(
        course_yaml=COURSE_YAML.replace("modules:", "sources:\n  - 118/2025/NĐ-CP\nmodules:"),
        files={"01-gioi-thieu.md": module_text("Giới thiệu", extra="reviewed: 6/12/2026\n")},
    )
    course = read_course(folder)
    target = write_course(course, tmp_path / "out" / "mot-cua")
    assert "reviewed: 06/12/2026\n" in (target / "01-gioi-thieu.md").read_text(encoding="utf-8")
    assert read_course(target) == course
    assert read_course(target).content_hash == course.content_hash


def test_written_folder_passes_check(make_course: MakeCourse, tmp_path: Path):
    """A written course has no problems."""
    target = write_course(read_course(make_course()), tmp_path / "out" / "mot-cua")
    assert check(target) == []


def test_course_built_in_code_round_trips(tmp_path: Path):
    """A course made in code (multi-line summary, optional module) writes and reads back."""
    module = ModuleSource(
        filename="01-tong-quan.md",
        position=1,
        title="Tổng quan",
        minutes=90,
        required=False,
        quiz=None,
        body=BODY,
        assets=[],
    )
    course = CourseSource(
        slug="ky-nang-so",
        title="Kỹ năng số",
        summary="Dòng một.\nDòng hai: có dấu hai chấm.",
        topic="it-skills",
        hours=2,
        version=3,
        audience="Công chức cấp xã",
        objectives=["Yes", "123", "Dùng chữ ký số"],
        modules=[module],
        quiz=None,
        pass_mark=70,
        path=tmp_path,
    )
    folder = write_course(course, tmp_path / "ky-nang-so")
    assert read_course(folder) == course
    assert read_course(folder).content_hash == course.content_hash


def test_course_yaml_is_readable_vietnamese(make_course: MakeCourse, tmp_path: Path):
    """The written course.yaml keeps Vietnamese letters (no \\u escapes) and the key order."""
    target = write_course(read_course(make_course()), tmp_path / "out" / "mot-cua")
    text = (target / "course.yaml").read_text(encoding="utf-8")
    assert "title: Cơ chế một cửa\n" in text
    assert "  - Tiếp nhận hồ sơ đúng quy trình\n" in text
    assert [line.split(":")[0] for line in text.splitlines()] == [
        line.split(":")[0] for line in COURSE_YAML.splitlines()
    ]


def test_writing_over_the_source_folder_is_harmless(make_course: MakeCourse):
    """Writing a course over the folder it came from leaves it unchanged in content."""
    folder = make_course(
        files={
            "01-gioi-thieu.md": module_text("Giới thiệu", body=f"{BODY}\n\n![x](assets/x.png)"),
            "assets/x.png": PNG,
        }
    )
    course = read_course(folder)
    write_course(course, folder)
    assert read_course(folder).content_hash == course.content_hash
