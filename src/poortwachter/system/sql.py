"""Plain SQL for the hot paths: the statements a password sign-in, a signed-in page and the
token endpoint run on every request. Why not the ORM there: building a query costs Django
0.3-0.6 ms on a small machine, more than the statement itself, and those requests are
little else (see bench/). Everything else uses the ORM.

The SQL here is what SQLite and PostgreSQL both speak (RETURNING and ON CONFLICT included).
Table and column names come from the models (`table`, `column_list`), never typed twice;
values always travel as parameters; datetimes go through the backend's own adapter (`at`).
A new row is written from a model instance (`insert`), so each field prepares its own value.

    from poortwachter.system import sql
    n = sql.value(f"SELECT value FROM {sql.table(Counter)} WHERE key = %s", [key])
    user = sql.instance(User, f"SELECT {sql.column_list(User)} FROM {sql.table(User)} "
                              f"WHERE id = %s", [pk])
"""

import json
from datetime import datetime
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections


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
    return None if value is None else connection.ops.adapt_datetimefield_value(value)


def as_list(value) -> list:
    """A JSON column's list (SQLite gives text back, PostgreSQL a list)."""
    return json.loads(value) if isinstance(value, str) else list(value or [])


def rows(statement: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def value(statement: str, params=()):
    """The first column of the first row, or None."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
        return None if row is None else row[0]


def changed(statement: str, params=()) -> int:
    """Run a write; the number of rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def insert(instance) -> None:
    """Write `instance` as a new row, as `save(force_insert=True)` would, and give it its
    primary key. A duplicate key raises IntegrityError as the ORM's would. No pre_save or
    post_save signal is sent: only for models nothing listens to (audit events, sessions)."""
    statement, fields, auto = _insert(type(instance))
    instance._prepare_related_fields_for_save(operation_name="save")  # refuses unsaved relations, as save() does
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        if auto is not None:
            setattr(instance, auto.attname, cursor.fetchone()[0])
    instance._state.adding, instance._state.db = False, connection.alias


@cache
def _insert(model) -> tuple[str, list, object]:
    quote, auto = connection.ops.quote_name, model._meta.auto_field
    fields = [f for f in model._meta.concrete_fields if f is not auto]
    statement = (f"INSERT INTO {table(model)} ({', '.join(quote(f.column) for f in fields)}) "
                 f"VALUES ({', '.join(['%s'] * len(fields))})")
    if auto is not None:
        statement += f" RETURNING {quote(auto.column)}"
    return statement, fields, auto


def instance(model, statement: str, params=(), *, offset: int = 0):
    """The first row as a model instance (as the ORM would have built it), or None.
    The statement selects `column_list(model)` starting at column `offset`."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    return None if row is None else from_row(model, row, offset)


def from_row(model, row, offset: int = 0):
    """A model instance from `row[offset:]` holding `column_list(model)`; None when its
    first column (the primary key) is NULL, as a LEFT JOIN gives for no match."""
    values = list(row[offset:offset + len(model._meta.concrete_fields)])
    if values[0] is None:
        return None
    for i, expression, converters in _converters(model):
        for converter in converters:
            values[i] = converter(values[i], expression, connection)
    return model.from_db(connection.alias, _attnames(model), values)


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
