"""`poortwachter serve` as a real process (gunicorn, SQLite in a temporary data directory),
for tests that need several worker processes and real HTTP."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

POORTWACHTER = str(Path(sys.executable).parent / "poortwachter")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POORTWACHTER_")}
    env.update(POORTWACHTER_ACCESS_LOG="/dev/null", **extra)
    return env


@contextlib.contextmanager
def running_server(data_dir, **extra_env):
    """Yields (base_url, banner); stops the whole process group afterwards."""
    port = free_port()
    env = clean_env(**extra_env)
    proc = subprocess.Popen([POORTWACHTER, "--data-dir", str(data_dir), "serve", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        banner, deadline = "", time.time() + 60
        while time.time() < deadline:
            line = proc.stdout.readline()
            banner += line
            if "Booting worker" in line or not line:
                break
        for _ in range(200):
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=2):
                    break
            except OSError:
                time.sleep(0.05)
        yield base, banner
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def csrf_pair(base: str, path: str) -> tuple[str, str]:
    """(cookie header, form token) from a GET of a form page."""
    with urllib.request.urlopen(base + path, timeout=10) as response:
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
    return cookie, token
