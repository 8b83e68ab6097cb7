"""Write transactions on SQLite queue for each other in the kernel (system/sqlite/base.py): a
second writer waits for the first instead of failing or sleeping in SQLite's busy handler.
Two connections to one database file, with SQLite's own busy wait switched off, so that only
the queue can keep the second writer from "database is locked"."""

import threading

import pytest
from django.db import connection

from poortwachter.system.sqlite.base import DatabaseWrapper


@pytest.fixture
def database(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():  # its own database file, not the test database
        yield from _database(tmp_path)


def _database(tmp_path):
    path = tmp_path / "writers.sqlite3"
    opened = []

    def open_one(n):
        settings = {**connection.settings_dict, "NAME": str(path), "ENGINE": "poortwachter.system.sqlite",
                    "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=0;",
                                "transaction_mode": "IMMEDIATE"}}
        wrapper = DatabaseWrapper(settings, alias=f"writers-{n}")
        if threading.current_thread() is threading.main_thread():
            opened.append(wrapper)  # the others are closed by their own thread
        return wrapper

    first = open_one(1)
    first.ensure_connection()
    first.connection.execute("CREATE TABLE IF NOT EXISTS t (who TEXT)")
    yield open_one
    for wrapper in opened:
        wrapper.close()


def _begin(wrapper):
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _end(wrapper, commit=True):
    wrapper.commit() if commit else wrapper.rollback()
    wrapper.set_autocommit(True)


def _write_in_thread(open_one, who, outcome):
    def run():
        second = open_one(who)
        try:
            _begin(second)
            second.connection.execute("INSERT INTO t VALUES (?)", [who])
            _end(second)
            outcome.append("written")
        except Exception as error:
            outcome.append(f"{type(error).__name__}: {error}")
        finally:
            second.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.parametrize("first_commits", [True, False])
def test_a_second_writer_waits_for_the_first_and_then_writes(database, first_commits):
    first = database(1)
    _begin(first)
    first.connection.execute("INSERT INTO t VALUES ('first')")
    outcome = []
    thread = _write_in_thread(database, "second", outcome)
    thread.join(0.3)
    assert thread.is_alive() and outcome == []  # queued, not refused with "database is locked"
    _end(first, commit=first_commits)
    thread.join(10)
    assert outcome == ["written"]
    rows = sorted(r[0] for r in first.connection.execute("SELECT who FROM t").fetchall())
    assert rows == (["first", "second"] if first_commits else ["second"])


def test_many_writers_from_many_connections_all_land(database):
    outcome = []
    threads = [_write_in_thread(database, f"w{i}", outcome) for i in range(12)]
    for thread in threads:
        thread.join(20)
    assert outcome == ["written"] * 12
    count = database(99)
    count.ensure_connection()
    assert count.connection.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 12


def test_closing_a_connection_in_a_transaction_lets_the_others_write(database):
    first = database(1)
    _begin(first)
    first.connection.execute("INSERT INTO t VALUES ('lost')")
    first.close()
    outcome = []
    _write_in_thread(database, "after", outcome).join(10)
    assert outcome == ["written"]


def test_the_log_is_folded_back_into_the_database_by_a_thread_not_by_a_request(tmp_path, monkeypatch):
    """With SQLite's own automatic checkpoint off, only the process's checkpoint thread can
    copy the write-ahead log back; it does so once the log passes its threshold."""
    import sqlite3
    import time

    from poortwachter.system.sqlite import base

    monkeypatch.setattr(base, "CHECKPOINT_FROM_BYTES", 64 * 1024)
    monkeypatch.setattr(base, "CHECKPOINT_EVERY_SECONDS", 0.05)
    path = str(tmp_path / "log.sqlite3")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE t (x BLOB)")
    for _ in range(64):
        db.execute("INSERT INTO t VALUES (randomblob(4000))")
    import os

    assert os.path.getsize(path) < 64 * 4000  # all of it still only in the log
    checkpointer = base.Checkpointer.ensure(path)
    deadline = time.monotonic() + 20
    while checkpointer.runs == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert checkpointer.runs > 0
    assert os.path.getsize(path) > 64 * 4000  # copied into the database file by the thread
    reader = sqlite3.connect(path)
    assert reader.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 64
