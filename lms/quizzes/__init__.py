"""Quizzes, in sub-packages by job:

- `types/`: the question types (`QUESTION_TYPES`), one module per family: how each is checked,
  read from a form and graded;
- `formats/`: GIFT, Moodle XML and Aiken bank files;
- `bank/`: question banks, their categories, the question editor and the bank pages;
- `manage/`: a class's quizzes as managers set them up: slots, settings, overrides;
- `attempts/`: taking a quiz: the draw, saving answers, the time limit, submit, the learner's pages;
- `grading/`: marks: scoring attempts, grading essays by hand, regrading after a question fix;
- `results/`: results per quiz, class and learner, item analysis, exports.

Shared by them: `models` (the tables), `permissions` (who manages what), `display` (how the pages
show questions and marks), `paging`, and `cli` (`lms quiz …`).
"""
