"""Reads content folders into plain data objects (no database access).

A course folder is `course.yaml` plus `NN-name.md` modules and an `assets/` folder; see
`loader` for the rules `check` enforces and `writer` for the way back to files.
"""

from lms.content.loader import check, find_courses, read_course
from lms.content.model import ContentError, CourseSource, ModuleSource, Problem
from lms.content.writer import write_course

__all__ = [
    "ContentError",
    "CourseSource",
    "ModuleSource",
    "Problem",
    "check",
    "find_courses",
    "read_course",
    "write_course",
]
