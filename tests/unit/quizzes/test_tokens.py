"""Opaque answer values: never readable as the author's index, stable, and per attempt."""

from flask import Flask

from lms.quizzes.attempts import tokens


def test_no_token_reads_as_an_index():
    """Hex digests are sometimes all digits ("0834009905"); a token never is."""
    app = Flask(__name__)
    app.secret_key = "a test secret"
    with app.app_context():
        values = [
            tokens.value_token(attempt, position, index)
            for attempt in range(200)
            for position in range(1, 6)
            for index in range(6)
        ]
        assert not [value for value in values if value.isdigit()]
        assert tokens.value_token(7, 1, 0) == tokens.value_token(7, 1, 0)
        assert tokens.value_token(7, 1, 0) != tokens.value_token(8, 1, 0)
