"""JSON text read with orjson, and with the standard library for what orjson refuses
(`lms.jsontext`): every value reads as it did, and what is not JSON is still a ValueError."""

import json
import math

import pytest
from sqlalchemy import select

from lms import db, jsontext
from lms.audit.models import AuditEvent
from lms.audit.services import record


@pytest.mark.parametrize(
    "value",
    [{"choices": [{"text": "Một cửa", "fraction": 1.0}]}, [1, None, "x"], "chuỗi", 12, None],
)
def test_values_read_as_the_standard_library_reads_them(value):
    written = json.dumps(value)
    assert jsontext.loads(written) == json.loads(written)
    assert jsontext.loads(written.encode()) == json.loads(written)
    assert jsontext.loads(memoryview(written.encode())) == json.loads(written)


def test_what_orjson_refuses_is_read_the_old_way():
    assert math.isnan(jsontext.loads("NaN"))
    assert jsontext.loads("[1e400]") == [math.inf]
    assert jsontext.loads(str(2**70)) == 2**70


def test_what_is_not_json_is_a_value_error():
    with pytest.raises(ValueError):
        jsontext.loads("{not json")


def test_a_json_column_reads_through_it(app, monkeypatch):
    """The engine's JSON columns are read by `jsontext.loads` (SQLite and PostgreSQL alike)."""
    record("test.json", "test", 1, after={"lớp": "Một cửa", "n": 1})
    db.session.commit()
    read = []
    monkeypatch.setattr(jsontext, "orjson", _Recording(read))
    stored = db.session.scalars(
        select(AuditEvent.after).where(AuditEvent.action == "test.json")
    ).one()
    assert stored == {"lớp": "Một cửa", "n": 1}
    assert read


class _Recording:
    """orjson's two names this module uses, counting what it reads."""

    JSONDecodeError = json.JSONDecodeError

    def __init__(self, calls: list) -> None:
        self.calls = calls

    def loads(self, text):
        self.calls.append(text)
        return json.loads(text)
