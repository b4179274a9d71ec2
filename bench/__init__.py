"""Benchmarks of the LMS under its production server, each beside a bare Flask "hello" ceiling.

Run with `python -m bench` (or `python bench/run.py`); see bench/README.md.
"""
