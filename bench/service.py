"""Starts `poortwachter serve` as a real process (its own process group, a fresh data
directory, a free port on 127.0.0.1) and stops the whole group again."""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TICKS = os.sysconf("SC_CLK_TCK")  # the unit of /proc/<pid>/stat's CPU times


@dataclass
class Service:
    host: str
    port: int
    pid: int
    data_dir: Path

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def worker_count(self) -> int:
        """gunicorn's worker processes: the master's children that run gunicorn (serve execs
        gunicorn; other children, such as a mail worker, are not counted)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        try:
            pids = children.read_text().split()
        except OSError:
            return 0
        return sum(1 for pid in pids if b"gunicorn" in _cmdline(pid))

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server has used so far: the gunicorn master, its live
        gunicorn workers, and the workers it has already reaped (the master's cutime and
        cstime). Other children of the master, such as the mail worker, are not counted. The
        difference between two readings is what the server spent in between."""
        master = _cpu_ticks(str(self.pid), reaped=True)
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        except OSError:
            children = []
        workers = sum(_cpu_ticks(pid) for pid in children if b"gunicorn" in _cmdline(pid))
        return (master + workers) / TICKS


def _cpu_ticks(pid: str, reaped: bool = False) -> int:
    """utime + stime of a process (and cutime + cstime: its reaped children), in clock ticks;
    0 when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "; comm may hold spaces
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return utime + stime + (cutime + cstime if reaped else 0)


def _cmdline(pid: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def executable() -> str:
    beside = Path(sys.executable).parent / "poortwachter"
    return str(beside if beside.exists() else REPO / ".venv" / "bin" / "poortwachter")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def environment(data_dir: Path, workers: int | None = None, threads: int | None = None) -> dict:
    # Inherited POORTWACHTER_* settings (a database URL, say) would measure another setup.
    env = {k: v for k, v in os.environ.items() if not k.startswith("POORTWACHTER_")}
    env.update(POORTWACHTER_DATA_DIR=str(data_dir), POORTWACHTER_ACCESS_LOG="/dev/null",
               POORTWACHTER_LOG_LEVEL="WARNING")
    if workers:
        env["POORTWACHTER_WORKERS"] = str(workers)
    if threads:
        env["POORTWACHTER_THREADS"] = str(threads)
    return env


def _healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection(HOST, port, timeout=2)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


def _wait_until_healthy(process: subprocess.Popen, port: int, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"poortwachter serve stopped early:\n{log.read_text()[-2000:]}")
        if _healthy(port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"poortwachter serve not healthy within {timeout:.0f} s:\n{log.read_text()[-2000:]}")


def _stop(process: subprocess.Popen) -> None:
    """SIGINT is gunicorn's quick shutdown; the whole group gets it, workers included."""
    try:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def running(workers: int | None = None, threads: int | None = None, data_dir: Path | None = None,
            startup_timeout: float = 60):
    """Yield a healthy Service; `None` leaves the server's own default in force. Without a
    `data_dir` the service gets a fresh one, removed afterwards."""
    own = data_dir is None
    data_dir = Path(tempfile.mkdtemp(prefix="poortwachter-bench-")) if own else data_dir
    port, log = _free_port(), data_dir / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [executable(), "serve", "--host", HOST, "--port", str(port)],
            env=environment(data_dir, workers, threads), stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True, cwd=REPO,
        )
    try:
        _wait_until_healthy(process, port, log, startup_timeout)
        yield Service(HOST, port, process.pid, data_dir)
    finally:
        _stop(process)
        if own:
            shutil.rmtree(data_dir, ignore_errors=True)
