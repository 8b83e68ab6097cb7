"""Django's SQLite backend with one change: write transactions queue for each other in the
kernel instead of in SQLite's busy handler.

SQLite lets one writer in at a time. A second one gets SQLITE_BUSY and its busy handler
sleeps 1 ms, then 2, then 5, while the first holds the lock for a tenth of that: on the
token endpoint (bench/oidc.py), with two worker processes, nearly every request slept once,
and the cores stood idle a fifth of the time. Here each transaction (every `atomic` block
opens one with BEGIN IMMEDIATE) first takes an exclusive flock on a file beside the database
and gives it back at COMMIT or ROLLBACK: a waiting process is woken the moment the other is
done. Single statements outside a transaction do not queue; they are short, and SQLite's own
lock still protects everything. An in-memory database (the test suite) has no file to lock."""

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_fd = None  # this connection's own open lock file (flock is per open file)
    _writing = False

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

    def _start_transaction_under_autocommit(self):
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
