"""Plain SQL for the hot paths: the statements a password sign-in, a signed-in page and the
token endpoint run on every request. Why not the ORM there: building a query costs Django
0.3-0.6 ms on a small machine, more than the statement itself, and those requests are
little else (see bench/). Everything else uses the ORM.

On SQLite the statements run on the driver's own connection: Django's cursor wrapper costs
about 9 µs a statement (rewriting the placeholders, wrapping the cursor), as much as the
statement. What it is there for is kept: errors become Django's (IntegrityError...), a broken
transaction is refused, and whenever queries are captured (DEBUG, the test suite's query
counts) or an execute wrapper is installed, Django's cursor is used after all.

The SQL here is what SQLite and PostgreSQL both speak (RETURNING and ON CONFLICT included).
Table and column names come from the models (`table`, `column_list`), never typed twice;
values always travel as parameters; datetimes go through the backend's own adapter (`at`).
A new row is written from plain values (`insert_into`); a value a field must prepare (an
address, PostgreSQL's inet) goes through `prepared`.

    from poortwachter.system import sql
    n = sql.value(f"SELECT value FROM {sql.table(Counter)} WHERE key = %s", [key])
    user = sql.instance(User, f"SELECT {sql.column_list(User)} FROM {sql.table(User)} "
                              f"WHERE id = %s", [pk])
"""

import json
from contextlib import contextmanager
from datetime import datetime
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db import transaction as django_transaction
from django.db.models import signals
from django.db.models.base import ModelState


@cache
def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def column_list(model, prefix: str = "") -> str:
    """Every concrete column of `model`, in field order (what `instance` expects), each
    optionally prefixed by a table alias: "u.id, u.organisation_id, ..."."""
    quote = connection.ops.quote_name
    return ", ".join(f"{prefix}{quote(f.column)}" for f in model._meta.concrete_fields)


def at(value: datetime | None):
    """A datetime as the database wants it as a parameter."""
    return None if value is None else connections[DEFAULT_DB_ALIAS].ops.adapt_datetimefield_value(value)


def as_list(value) -> list:
    """A JSON column's list (SQLite gives text back, PostgreSQL a list)."""
    return json.loads(value) if isinstance(value, str) else list(value or [])


def _run(statement: str, params, take):
    """Run `statement` and give `take(cursor)`: the fast way on SQLite (above), else Django's."""
    db = connections[DEFAULT_DB_ALIAS]  # `connection` is only a proxy to it
    if db.vendor == "sqlite" and not db.queries_logged and not db.execute_wrappers:
        if db.connection is None:  # what ensure_connection checks first, without its async guard
            db.ensure_connection()
        if db.needs_rollback:
            db.validate_no_broken_transaction()  # raises
        with db.wrap_database_errors:
            cursor = db.connection.execute(_qmark(statement), params)
            try:
                return take(cursor)
            finally:
                cursor.close()
    with db.cursor() as cursor:
        cursor.execute(statement, params)
        return take(cursor)


@cache
def _qmark(statement: str) -> str:
    """The statement with SQLite's placeholders (what Django's SQLite cursor does each time)."""
    from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

    return FORMAT_QMARK_REGEX.sub("?", statement).replace("%%", "%")


def _all(cursor):
    return cursor.fetchall()


def _first(cursor):
    return cursor.fetchone()


def _count(cursor):
    return cursor.rowcount


def rows(statement: str, params=()) -> list[tuple]:
    return _run(statement, params, _all)


def row(statement: str, params=()) -> tuple | None:
    """The first row, or None."""
    return _run(statement, params, _first)


def value(statement: str, params=()):
    """The first column of the first row, or None."""
    found = _run(statement, params, _first)
    return None if found is None else found[0]


def changed(statement: str, params=()) -> int:
    """Run a write; the number of rows it changed."""
    return _run(statement, params, _count)


@contextmanager
def transaction():
    """One write transaction around this module's statements: all of them or none (the
    block raised). On SQLite, outside any atomic block, it is a plain BEGIN IMMEDIATE and
    COMMIT in the writers' queue (system/sqlite): Django's Atomic costs about 60 µs of
    bookkeeping around them on a small machine, a twentieth of a token exchange. Only
    statements of this module may run inside; an ORM atomic block in it is refused.
    Anywhere else (PostgreSQL, inside atomic, queries being captured) it is Django's atomic()."""
    db = connections[DEFAULT_DB_ALIAS]
    if (not hasattr(db, "begin_plain") or db.in_atomic_block or not db.get_autocommit()
            or db.queries_logged or db.execute_wrappers):
        with django_transaction.atomic():
            yield
        return
    db.begin_plain()
    try:
        yield
    except BaseException:
        db.end_plain(commit=False)
        raise
    db.end_plain(commit=True)


@cache
def insert_into(model, columns: tuple[str, ...], tail: str = "") -> str:
    """`INSERT INTO <model's table> (columns) VALUES (%s, ...)`, then `tail` (RETURNING id,
    ON CONFLICT ...): for a hot-path row written from plain values, no model instance."""
    quote = connection.ops.quote_name
    return (f"INSERT INTO {table(model)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))}){' ' + tail if tail else ''}")


def prepared(model, field_name: str, value):
    """`value` as the model's field would write it (an address becomes PostgreSQL's inet)."""
    return model._meta.get_field(field_name).get_db_prep_save(value, connection)


def instance(model, statement: str, params=(), *, offset: int = 0):
    """The first row as a model instance (as the ORM would have built it), or None.
    The statement selects `column_list(model)` starting at column `offset`."""
    found = _run(statement, params, _first)
    return None if found is None else from_row(model, found, offset)


def from_row(model, row, offset: int = 0):
    """A model instance from `row[offset:]` holding `column_list(model)`; None when its
    first column (the primary key) is NULL, as a LEFT JOIN gives for no match. Built as
    Django unpickles one (its attributes set, no __init__): half the cost of Model.from_db,
    for models nothing listens to as they are made (pre_init/post_init)."""
    values = list(row[offset:offset + len(model._meta.concrete_fields)])
    if values[0] is None:
        return None
    for i, expression, converters in _converters(model):
        for converter in converters:
            values[i] = converter(values[i], expression, connection)
    # Nothing in this project listens, and asking each signal costs more than the check.
    if (signals.pre_init.receivers or signals.post_init.receivers) and (
            signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model)):
        return model.from_db(connection.alias, _attnames(model), values)
    return _built(model, zip(_attnames(model), values), connection.alias)


def copy_of(instance):
    """A copy of a model instance whose field values are immutable (text, numbers, dates):
    what a per-process cache hands each request, so what one request changes stays with it.
    copy.copy goes through Django's pickling protocol and costs several times more."""
    return _built(type(instance), instance.__dict__.items(), instance._state.db)


def built(model, attributes: dict):
    """An instance of `model` as saved in the default database, with these attributes (its
    column values by attname), for a row just written with plain SQL."""
    return _built(model, attributes.items(), DEFAULT_DB_ALIAS)


def _built(model, attributes, db: str):
    """An instance of `model` with these attributes, as saved in `db`, made without
    __init__ (the way Django unpickles one); a fresh _state of its own."""
    made = model.__new__(model)
    made.__dict__.update(attributes)
    made._state = ModelState()
    made._state.adding, made._state.db = False, db
    return made


@cache
def _attnames(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _converters(model) -> list:
    """What turns each column into its Python value (dates on SQLite, JSON...), worked out
    once per connection and model."""
    real = connections[DEFAULT_DB_ALIAS]  # `connection` is only a proxy to it
    held = real.__dict__.setdefault("_poortwachter_converters", {})
    found = held.get(model)
    if found is None:
        found = []
        for i, field in enumerate(model._meta.concrete_fields):
            expression = field.get_col(model._meta.db_table)
            converters = real.ops.get_db_converters(expression) + expression.get_db_converters(real)
            if converters:
                found.append((i, expression, converters))
        held[model] = found
    return found
