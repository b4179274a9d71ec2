"""Taking a quiz: an attempt's questions drawn and fixed (`drawing`); starting, saving answers,
the time limit and overdue rule, and submit (`services`); the learner's pages (`views`).
"""
