"""Logging helpers. Bad input from outside is logged as a warning at most: ERROR is kept
for what an operator must act on."""

import logging


class AsWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
