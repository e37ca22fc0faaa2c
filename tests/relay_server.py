"""A real relay in a subprocess on 127.0.0.1, for tests in any folder.

    from tests.relay_server import RelayProcess
    with RelayProcess(tmp_path) as relay:        # free port, temp db, waits for /health
        client = RelayClient(relay.url, key)
        relay.kill(); relay.start()              # SIGKILL and come back on the same port

Its stdout+stderr go to ``relay.log_path`` (``relay.logs()`` reads them). The process is forked
from a warm parent that has the relay imported already (``tests/support/relay_fork.py``);
``cold=True`` execs ``python -m reconnect_tui.relay serve`` instead, for a test of that start.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from tests.support import relay_fork


class _Forked:
    """A forked relay seen through the part of ``subprocess.Popen`` this module uses."""

    def __init__(self, argv: list[str], log_path: Path) -> None:
        self._process = relay_fork.start(argv, str(log_path))

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def send_signal(self, sig: int) -> None:
        if self._process.pid is not None and self._process.exitcode is None:
            os.kill(self._process.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int | None:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired("relay", timeout or 0)
        return self._process.exitcode


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RelayProcess:
    """One relay subprocess; ``extra_args`` go to ``serve`` (e.g. ``["--rate-limit", "5"]``)."""

    def __init__(self, workdir: Path, *, extra_args: list[str] | tuple[str, ...] = (),
                 port: int | None = None, db: Path | str | None = None,
                 cold: bool = False) -> None:
        """``db``: what ``--db`` takes, a file (default ``workdir/relay.db``) or an address;
        ``cold``: exec the command in a new interpreter rather than fork a warm one."""
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.db = db or self.workdir / "relay.db"
        self.log_path = self.workdir / "relay.log"
        self.extra_args = list(extra_args)
        self.cold = cold
        self.process: subprocess.Popen[bytes] | _Forked | None = None

    @property
    def tls(self) -> bool:
        return "--certfile" in self.extra_args

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def arguments(self) -> list[str]:
        return ["serve", "--host", "127.0.0.1", "--port", str(self.port), "--db", str(self.db),
                *self.extra_args]

    def command(self) -> list[str]:
        return [sys.executable, "-m", "reconnect_tui.relay", *self.arguments()]

    def start(self, timeout: float = 20.0) -> RelayProcess:
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError("relay already running")
        if self.cold:
            log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child, closed below
            env = {**os.environ, "PYTHONUNBUFFERED": "1"}
            try:
                self.process = subprocess.Popen(self.command(), stdout=log,
                                                stderr=subprocess.STDOUT, env=env)
            finally:
                log.close()
        else:
            self.process = _Forked(self.arguments(), self.log_path)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"relay exited with {self.process.returncode}:\n{self.logs()}")
            try:
                if httpx.get(self.url + "/health", timeout=1.0, verify=False).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.01)
        self.kill()
        raise RuntimeError(f"relay did not answer /health within {timeout}s:\n{self.logs()}")

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM (graceful), then SIGKILL if it lingers. Returns the exit code."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return self.kill()

    def kill(self) -> int | None:
        """SIGKILL: the crash case (nothing flushed, no shutdown)."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.kill()
        return self.process.wait(10)

    def restart(self, *, hard: bool = False) -> RelayProcess:
        self.kill() if hard else self.stop()
        return self.start()

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> RelayProcess:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
