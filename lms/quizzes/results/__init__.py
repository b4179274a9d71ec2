"""What quizzes produced: result rows per quiz, class and learner (`services`), item analysis
(`statistics`), exports of both (`exports`), and the results pages (`views`).
"""
