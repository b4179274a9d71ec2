"""Finds the data folders shipped beside the package (templates, migrations, content).

In a source checkout they sit at the top of the repository; in an installed wheel they are copied
to `lms/_data/` (see pyproject.toml), so both layouts are looked up here and nowhere else.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder `name` (templates, migrations, courses, quizzes) of this installation."""
    for candidate in (PACKAGE_DIR / "_data" / name, PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"LMS data folder {name!r} is missing from this installation")
