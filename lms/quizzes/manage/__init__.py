"""A class's quizzes as their managers set them up: where the questions come from (`slots`), the
settings and per-learner overrides, and the settings in force for one learner (`settings`), the
queries behind the pages (`queries`), their forms and views.
"""
