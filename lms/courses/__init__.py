"""Courses area: course versions and modules, authoring, catalog and learning progress."""
