"""A streamed CSV export keeps a worker's memory flat: the peak of Python allocations while the
rows of a 2,000-learner roster are written stays within a fixed margin of a 200-learner one's.
"""

import tracemalloc

import pytest

from lms import db
from lms.classes import exports
from lms.tabular import writing
from tests.access.classes import open_class, small_version
from tests.test_classes_roster import seed_learners

#: What 1,800 more rows may add to the peak: one fetched batch (exports.YIELD_PER rows) and one
#: chunk's buffer (writing.CHUNK_ROWS rows) hold 500 rows where the 200-row export held 200
#: (measured: about +0.25 MB on SQLite and PostgreSQL), while holding every row adds about
#: +1.3 MB (the last test).
MARGIN = 512 * 1024


@pytest.fixture
def big_class(make_unit):
    unit = make_unit("SO-A", "Sở A", kind="province")
    return open_class(unit, "LOP-LON", small_version()), unit


def peak_while(app, training_class, consume) -> int:
    """The peak of Python allocations while `consume` reads the class's roster export table,
    after a first read (compiled statements, translations) that is not measured."""
    for measured in (False, True):
        with app.test_request_context():
            table = exports.table(exports.EXPORTS["roster"], training_class)
            if measured:
                tracemalloc.start()
            try:
                consume(table)
                highest = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
        db.session.expunge_all()
    return highest


def stream_csv(table) -> None:
    for _chunk in writing.csv_chunks(table):
        pass


def test_streaming_a_csv_export_does_not_grow_with_rows(app, big_class):
    """2,000 rows peak within MARGIN of 200 rows: the rows stream, in batches and chunks."""
    training_class, unit = big_class
    seed_learners(training_class, unit, 200)
    few = peak_while(app, training_class, stream_csv)
    seed_learners(training_class, unit, 1800, start=200)
    many = peak_while(app, training_class, stream_csv)
    assert many < few + MARGIN, (few, many)


def test_the_margin_is_smaller_than_holding_the_rows(app, big_class):
    """Holding the 1,800 extra rows would pass the bound: the test above can fail."""
    training_class, unit = big_class
    seed_learners(training_class, unit, 200)
    few = peak_while(app, training_class, lambda table: list(table.rows()))
    seed_learners(training_class, unit, 1800, start=200)
    many = peak_while(app, training_class, lambda table: list(table.rows()))
    assert many > few + MARGIN, (few, many)
