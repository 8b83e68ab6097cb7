"""Logging helpers. Bad input from outside is logged as a warning at most: ERROR is kept
for what an operator must act on."""

import logging
import sys


class AsWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class StandardError(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when a record comes, not to the stream that was
    there when logging was configured: test runners swap and close it, and a handler bound
    to a closed stream filled CI logs with "I/O operation on closed file"."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass  # always the current sys.stderr
