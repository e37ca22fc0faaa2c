"""A real relay in a subprocess on 127.0.0.1, for tests in any folder.

    from tests.relay_server import RelayProcess
    with RelayProcess(tmp_path) as relay:        # free port, temp db, waits for /health
        client = RelayClient(relay.url, key)
        relay.kill(); relay.start()              # SIGKILL and come back on the same port

Its stdout+stderr go to ``relay.log_path`` (``relay.logs()`` reads them).
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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RelayProcess:
    """One relay subprocess; ``extra_args`` go to ``serve`` (e.g. ``["--rate-limit", "5"]``)."""

    def __init__(self, workdir: Path, *, extra_args: list[str] | tuple[str, ...] = (),
                 port: int | None = None, db: Path | str | None = None) -> None:
        """``db``: what ``--db`` takes, a file (default ``workdir/relay.db``) or an address."""
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.db = db or self.workdir / "relay.db"
        self.log_path = self.workdir / "relay.log"
        self.extra_args = list(extra_args)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def tls(self) -> bool:
        return "--certfile" in self.extra_args

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "reconnect_tui.relay", "serve", "--host", "127.0.0.1",
                "--port", str(self.port), "--db", str(self.db), *self.extra_args]

    def start(self, timeout: float = 20.0) -> RelayProcess:
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError("relay already running")
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child, closed below
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        try:
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                            env=env)
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"relay exited with {self.process.returncode}:\n{self.logs()}")
            try:
                if httpx.get(self.url + "/health", timeout=1.0, verify=False).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
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
