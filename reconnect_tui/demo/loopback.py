"""A relay on 127.0.0.1 in a background thread, for as long as a ``with`` block runs.

The demo needs a relay that nobody has to start: this is the same relay app as ``reconnect
relay serve`` over SQLite, served by uvicorn on a free loopback port. It is stopped (and its
storage closed) when the block ends, however it ends.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from ..errors import ReconnectError
from ..i18n import _

if TYPE_CHECKING:
    import uvicorn

START_TIMEOUT_SECONDS = 20.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LoopbackRelay:
    """``with LoopbackRelay(db_path) as relay: … relay.url …``"""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.port = _free_port()
        self._thread: threading.Thread | None = None
        self._server: uvicorn.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LoopbackRelay:
        import uvicorn

        from ..relay.app import create_app
        from ..relay.backends import open_storage

        app = create_app(open_storage(self.db_path))
        # uvicorn installs no signal handlers outside the main thread (server.py), so Ctrl+C
        # still reaches the command and the ``with`` block stops the relay.
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="critical",
                                access_log=False, lifespan="on")
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(target=server.run, name="demo-relay", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise ReconnectError(_("The demo's relay on this computer did not start."))
            time.sleep(0.02)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        server = self._server
        if server is not None:
            server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None
