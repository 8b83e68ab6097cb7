"""gunicorn server hooks for `serve`: the e-mail outbox worker runs as a process of its own
beside the web workers, started and stopped with the gunicorn master."""

import subprocess
import sys

_worker: subprocess.Popen | None = None


def on_starting(server):
    global _worker
    _worker = subprocess.Popen([sys.executable, "-m", "poortwachter.cli", "worker"])


def on_exit(server):
    if _worker is not None and _worker.poll() is None:
        _worker.terminate()
        try:
            _worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _worker.kill()
