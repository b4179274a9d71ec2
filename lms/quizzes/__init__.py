"""Quizzes: question types, their grading, and the GIFT, Moodle XML and Aiken bank formats."""
