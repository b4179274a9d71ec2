"""Mapped objects read from Core rows: a statement selects a mapped class's columns beside
others, and each row's slice of them becomes an object of the session as if a query had loaded
it (persistent, nothing pending, relationships loaded when set here or lazily as mapped).

For the statements every request runs (the log-in) and submit's re-evaluation: the ORM's
loading machinery (entity processors, per-row identity checks, eager-join bookkeeping) is Python
spent on every request. In-process on PostgreSQL, a first version of the log-in read as Core rows
took ~650 against ~910 µs of CPU; served side by side under wrk, the autosave (which does little
besides logging in, reading and writing) ran 4 % faster, other pages within the noise.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql import FromClause

from lms import db


@dataclass(frozen=True)
class MappedColumns:
    """The columns of a mapped class (in `source`: its table, or an alias of it) by attribute
    name, in the mapper's order: where a statement selects them, `build` makes the object."""

    model: type
    keys: tuple[str, ...]
    columns: tuple
    primary_key: tuple[str, ...]

    @classmethod
    def of(cls, model: type, source: FromClause | None = None) -> "MappedColumns":
        mapper = inspect(model)
        table = mapper.local_table if source is None else source
        attributes = mapper.column_attrs
        return cls(
            model=model,
            keys=tuple(attribute.key for attribute in attributes),
            columns=tuple(table.c[attribute.columns[0].key] for attribute in attributes),
            primary_key=tuple(mapper.get_property_by_column(c).key for c in mapper.primary_key),
        )

    def __len__(self) -> int:
        return len(self.keys)

    def build(self, values: Any, **related: object) -> Any:
        """The object whose columns are `values` (in `columns`' order), attached to the session
        as loaded, with `related` relationships set as loaded; None when its primary key is
        None (an outer join that found nothing). The session's own object is returned when it
        already holds one with that identity, as a query would (as it stands: where a query
        would also refresh its expired attributes from the row, their first read loads them)."""
        found = dict(zip(self.keys, values, strict=True))
        identity = tuple(found[key] for key in self.primary_key)
        if None in identity:
            return None
        session = db.session
        held = session.identity_map.get(identity_key(self.model, identity))
        if held is not None:
            return held
        instance = inspect(self.model).class_manager.new_instance()
        # The columns straight into the instance's dictionary, as the ORM's own loading does
        # (an attribute set one by one costs a history record each); relationships through
        # the attribute, which knows a collection from a single object.
        instance_state(instance).dict.update(found)
        for key, value in related.items():
            set_committed_value(instance, key, value)
        # History reset as if freshly loaded; then persistent in the session, with no SQL.
        make_transient_to_detached(instance)
        session.add(instance)
        return instance
