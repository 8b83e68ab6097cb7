"""Django's SQLite backend with three changes: write transactions queue for each other in the
kernel instead of in SQLite's busy handler, a UTC datetime becomes a parameter and back
without a detour (`Operations`), and a plain transaction for system/sql's statements
(`begin_plain`).

SQLite lets one writer in at a time. A second one gets SQLITE_BUSY and its busy handler
sleeps 1 ms, then 2, then 5, while the first holds the lock for a tenth of that: on the
token endpoint (bench/oidc.py), with two worker processes, nearly every request slept once,
and the cores stood idle a fifth of the time. Here each transaction (every `atomic` block
opens one with BEGIN IMMEDIATE) first takes an exclusive flock on a file beside the database
and gives it back at COMMIT or ROLLBACK: a waiting process is woken the moment the other is
done. Single statements outside a transaction do not queue; they are short, and SQLite's own
lock still protects everything. An in-memory database (the test suite) has no file to lock.

Checkpoints (copying the write-ahead log back into the database, two fsyncs) run in a thread
of each process (`Checkpointer`), not in the request whose commit crossed SQLite's
threshold: that request would hold the queue for tens of milliseconds while the others wait.
SQLite's own automatic checkpoint stays as the safety net (settings: every 10 000 pages)."""

import fcntl
import os
import sqlite3
import threading
import time
from datetime import UTC, datetime

from django.db.backends.sqlite3 import base, operations
from django.db.transaction import TransactionManagementError

CHECKPOINT_EVERY_SECONDS = 0.5
CHECKPOINT_FROM_BYTES = 4 * 1024 * 1024  # about 1 000 pages of log


class Checkpointer:
    """One daemon thread per process and database file: every half second, when the log has
    grown past 4 MB, a PASSIVE checkpoint (it never waits for, or blocks, a writer)."""

    _started: dict[tuple[int, str], "Checkpointer"] = {}
    _lock = threading.Lock()

    def __init__(self, path: str):
        self.path, self.runs = path, 0
        thread = threading.Thread(target=self._loop, name="sqlite-checkpoint", daemon=True)
        thread.start()

    @classmethod
    def ensure(cls, path: str) -> "Checkpointer":
        key = (os.getpid(), path)  # a forked worker starts its own
        with cls._lock:
            found = cls._started.get(key)
            if found is None:
                found = cls._started[key] = cls(path)
            return found

    def _loop(self) -> None:
        connection = None
        while True:
            time.sleep(CHECKPOINT_EVERY_SECONDS)
            try:
                if os.path.getsize(self.path + "-wal") < CHECKPOINT_FROM_BYTES:
                    continue
                if connection is None:
                    connection = sqlite3.connect(self.path, timeout=1, isolation_level=None)
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                self.runs += 1
            except (OSError, sqlite3.Error):
                continue  # no log yet, or busy: the next turn tries again


class Operations(operations.DatabaseOperations):
    def adapt_datetimefield_value(self, value):
        # Every time the service makes is UTC (clock.now), and so is the connection's time
        # zone: the text Django would write, without its checks and conversion (a token
        # request turns five times into parameters). Anything else goes Django's way.
        if value is not None and value.tzinfo is UTC and self.connection.timezone is UTC:
            return str(value.replace(tzinfo=None))
        return super().adapt_datetimefield_value(value)

    def convert_datetimefield_value(self, value, expression, connection):
        # And back: what was written above is ISO 8601 in UTC. A column declared datetime
        # arrives already parsed by the driver, naive; an expression's arrives as text, which
        # `fromisoformat` reads in C. Django's way makes the same aware datetime after a
        # detour through settings (a signed-in page reads five with its user); it takes
        # anything else.
        if self.connection.timezone is UTC:
            if type(value) is datetime:
                return value.replace(tzinfo=UTC) if value.tzinfo is None else value
            if type(value) is str:
                try:
                    parsed = datetime.fromisoformat(value)
                except ValueError:
                    return super().convert_datetimefield_value(value, expression, connection)
                return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
        return super().convert_datetimefield_value(value, expression, connection)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = Operations
    _writer_fd = None  # this connection's own open lock file (flock is per open file)
    _writing = False

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self._lock_path() is not None:
            Checkpointer.ensure(str(self.settings_dict["NAME"]))
        return connection

    def _lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        return None if self.is_in_memory_db() or name.startswith("file:") else name + "-writer.lock"

    def _take_writer_lock(self) -> None:
        if self._writer_fd is None:
            path = self._lock_path()
            if path is None:
                return
            self._writer_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(self._writer_fd, fcntl.LOCK_EX)
        self._writing = True

    def _give_writer_lock(self) -> None:
        if self._writing:
            self._writing = False
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)

    # A plain transaction (system/sql.transaction): BEGIN and COMMIT on the driver's
    # connection, in the same writers' queue, without Django's Atomic bookkeeping around
    # them. Django does not know it is open, so nothing in it may open an atomic block.
    plain_transaction_open = False

    def begin_plain(self) -> None:
        self.ensure_connection()
        self._take_writer_lock()
        try:
            with self.wrap_database_errors:
                self.connection.execute(f"BEGIN {self.transaction_mode or ''}")
        except BaseException:
            self._give_writer_lock()
            raise
        self.plain_transaction_open = True

    def end_plain(self, commit: bool) -> None:
        """COMMIT (or ROLLBACK); a COMMIT that fails is rolled back, then raised."""
        try:
            with self.wrap_database_errors:
                if not commit:
                    self.connection.execute("ROLLBACK")
                    return
                try:
                    self.connection.execute("COMMIT")
                except sqlite3.Error:
                    if self.connection.in_transaction:
                        self.connection.execute("ROLLBACK")
                    raise
        finally:
            self.plain_transaction_open = False
            self._give_writer_lock()

    def _start_transaction_under_autocommit(self):
        if self.plain_transaction_open:
            raise TransactionManagementError("an atomic block inside sql.transaction(): use one or the other")
        self._take_writer_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._give_writer_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._give_writer_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._give_writer_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._give_writer_lock()
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None
