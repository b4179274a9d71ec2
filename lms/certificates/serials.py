"""Certificate serial numbers: `<unit code>-<year>-<sequence>` (e.g. `SNV-2026-00042`), unique
and without gaps even when several processes issue at once.

The sequence is one UPSERT … RETURNING on the (unit, year) counter row inside the issuing
transaction: the row stays locked until that transaction ends, so a second issuer waits for the
first to commit (and then takes the next number) or to roll back (and then takes the same one).
"""

import re

from sqlalchemy import literal_column

from lms import db
from lms.certificates.models import SerialCounter
from lms.db import upsert_insert

#: Digits of the sequence at least (it grows past them rather than wrap).
SEQUENCE_DIGITS = 5
SERIAL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}-\d{4}-\d{5,}$")


def next_sequence(unit_code: str, year: int) -> int:
    """Take the next sequence number of the unit's year (1 for the first certificate)."""
    table = SerialCounter.__table__
    insert = upsert_insert(db.session.get_bind().dialect.name, "Certificate serials")
    statement = insert(table).values(unit_code=unit_code, year=year, last=1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.unit_code, table.c.year],
        set_={"last": table.c.last + literal_column("1")},
    ).returning(table.c.last)
    return db.session.execute(statement).scalar_one()


def format_serial(unit_code: str, year: int, sequence: int) -> str:
    return f"{unit_code}-{year}-{sequence:0{SEQUENCE_DIGITS}d}"


def next_serial(unit_code: str, year: int) -> str:
    return format_serial(unit_code, year, next_sequence(unit_code, year))


def looks_like_serial(text: str) -> bool:
    return bool(SERIAL_RE.match(text))
