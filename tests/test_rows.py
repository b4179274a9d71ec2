"""Mapped objects built from Core rows (`lms.rows`), as the log-in read makes them: they must
behave as if a query had loaded them."""

from sqlalchemy import inspect, select

from lms import db
from lms.accounts.models import Account, Role, RoleGrant, Unit
from lms.rows import MappedColumns


def _row(columns: MappedColumns, where):
    return db.session.execute(select(*columns.columns).where(where)).one()


def test_a_built_object_is_persistent_unchanged_and_the_sessions_own(app, make_unit, make_person):
    account_id = make_person(username="dung").id
    db.session.close()
    columns = MappedColumns.of(Account)

    account = columns.build(_row(columns, Account.__table__.c.id == account_id))

    state = inspect(account)
    assert state.persistent and not state.modified and not db.session.dirty
    assert account.username == "dung"
    assert db.session.get(Account, account_id) is account  # in the identity map: no query
    # Built again, the session's object comes back, as a query would give it.
    assert columns.build(_row(columns, Account.__table__.c.id == account_id)) is account


def test_a_change_to_a_built_object_is_written_by_the_commit(app, make_person):
    account_id = make_person(username="lan").id
    db.session.close()
    columns = MappedColumns.of(Account)
    account = columns.build(_row(columns, Account.__table__.c.id == account_id))

    account.must_change_password = True
    db.session.commit()
    db.session.close()

    assert db.session.get(Account, account_id).must_change_password is True


def test_a_relationship_given_is_loaded_and_none_is_built_for_a_missing_row(
    app, make_unit, make_person, count_queries
):
    unit = make_unit(name="Sở Nội vụ")
    person = make_person(role=Role.ORGANIZER, unit=unit)
    grant_id = db.session.scalars(select(RoleGrant.id).where(RoleGrant.user_id == str(person.id)))
    grant_id = grant_id.one()
    db.session.close()
    units = Unit.__table__.alias("grant_unit")
    grants = MappedColumns.of(RoleGrant)
    unit_columns = MappedColumns.of(Unit, units)
    row = db.session.execute(
        select(*grants.columns, *unit_columns.columns)
        .join(units, units.c.id == RoleGrant.__table__.c.unit_id)
        .where(RoleGrant.__table__.c.id == grant_id)
    ).one()

    with count_queries() as statements:
        built_unit = unit_columns.build(row[len(grants) :])
        grant = grants.build(row[: len(grants)], unit=built_unit)
        assert grant.unit.name == "Sở Nội vụ"
        assert grant.role == Role.ORGANIZER
    assert statements == []
    assert grants.build((None,) * len(grants)) is None
