"""Fixtures that build small course folders on disk for the content loader and writer tests."""

from pathlib import Path

import pytest
from sample_course import COURSE_YAML, MODULES, MakeCourse


@pytest.fixture
def make_course(tmp_path: Path) -> MakeCourse:
    """Factory: write a valid course folder under tmp_path/courses, with any file replaced.

    `course_yaml` replaces course.yaml (None leaves it out); `files` maps a path inside the folder
    to text or bytes, and None removes a default module.
    """

    def make(
        slug: str = "mot-cua",
        course_yaml: str | None = COURSE_YAML,
        files: dict[str, str | bytes | None] | None = None,
    ) -> Path:
        folder = tmp_path / "courses" / slug
        folder.mkdir(parents=True)
        if course_yaml is not None:
            text = course_yaml.replace("mot-cua", slug, 1)
            (folder / "course.yaml").write_text(text, encoding="utf-8")
        for name, content in {**MODULES, **(files or {})}.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            elif content is not None:
                path.write_text(content, encoding="utf-8")
        return folder

    return make
