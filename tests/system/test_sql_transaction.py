"""system/sql.transaction: a write transaction around plain statements. On SQLite outside
any atomic block it is BEGIN IMMEDIATE ... COMMIT on the driver's connection (no Django
Atomic); everywhere else Django's atomic(). Either way: all of the block's writes or none."""

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from poortwachter.system import sql

TABLE = "test_sql_transaction"


@pytest.fixture
def table():
    sql.changed(f"CREATE TABLE IF NOT EXISTS {TABLE} (n INTEGER)")
    sql.changed(f"DELETE FROM {TABLE}")
    yield
    sql.changed(f"DROP TABLE IF EXISTS {TABLE}")


def rows() -> list[int]:
    return [n for (n,) in sql.rows(f"SELECT n FROM {TABLE} ORDER BY n")]


def plain() -> bool:
    return connection.vendor == "sqlite"


@pytest.mark.django_db(transaction=True)
def test_the_block_s_writes_are_kept_together(table):
    with sql.transaction():
        sql.changed(f"INSERT INTO {TABLE} VALUES (%s)", [1])
        if plain():
            assert connection.plain_transaction_open and not connection.in_atomic_block
        sql.changed(f"INSERT INTO {TABLE} VALUES (%s)", [2])
    assert rows() == [1, 2]
    assert not getattr(connection, "plain_transaction_open", False)


@pytest.mark.django_db(transaction=True)
def test_a_block_that_raises_leaves_nothing_written(table):
    with pytest.raises(ZeroDivisionError), sql.transaction():
        sql.changed(f"INSERT INTO {TABLE} VALUES (%s)", [1])
        1 / 0
    assert rows() == []
    with sql.transaction():  # and the next one starts cleanly
        sql.changed(f"INSERT INTO {TABLE} VALUES (%s)", [3])
    assert rows() == [3]


@pytest.mark.django_db(transaction=True)
def test_an_orm_atomic_block_inside_is_refused_on_sqlite_and_nests_elsewhere(table):
    if plain():  # Django does not know the plain transaction is open: it must not begin one
        with pytest.raises(TransactionManagementError), sql.transaction():
            sql.changed(f"INSERT INTO {TABLE} VALUES (%s)", [1])
            with transaction.atomic():
                pass
        assert rows() == []
    else:  # PostgreSQL: it is Django's atomic, and atomic blocks nest
        with sql.transaction():
            sql.changed(f"INSERT INTO {TABLE} VALUES (%s)", [1])
            with transaction.atomic():
                sql.changed(f"INSERT INTO {TABLE} VALUES (%s)", [2])
        assert rows() == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_inside_an_atomic_block_it_is_part_of_it(table):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        with sql.transaction():
            sql.changed(f"INSERT INTO {TABLE} VALUES (%s)", [1])
        1 / 0  # the outer block fails: the inner writes go with it
    assert rows() == []
