"""Marks: scoring an attempt by its question types and a quiz grade by the grading method
(`scoring`), grading essays by hand (`manual`), regrading after a question fix (`regrade`), and
the grading pages (`views`).
"""
