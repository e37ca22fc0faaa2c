"""Run the relay under uvicorn: check everything that can fail before serving, so a bad port,
certificate or database gives one clear message instead of a traceback."""

from __future__ import annotations

import logging
import socket
import ssl
import sys
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from reconnect_tui.errors import ReconnectError
from reconnect_tui.relay.backends import describe, open_storage
from reconnect_tui.relay.config import RelayConfig


class RelayStartError(ReconnectError):
    """The relay cannot start; the message says why in one line."""


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("reconnect-relay")) / "relay.db"


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    db: Path | str = field(default_factory=default_db_path)
    """An SQLite file, or a PostgreSQL address (``relay/backends.py``)."""
    certfile: Path | None = None
    keyfile: Path | None = None
    config: RelayConfig = field(default_factory=RelayConfig)
    log_level: str = "info"


def check_tls(certfile: Path, keyfile: Path) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(certfile, keyfile)
    except (OSError, ssl.SSLError) as error:
        reason = error.strerror or getattr(error, "reason", None) or type(error).__name__
        raise RelayStartError(
            f"Cannot read the TLS certificate {certfile} or key {keyfile}: {reason}."
        ) from error


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket (SO_REUSEADDR, so a restarted relay gets its port back)."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        raise RelayStartError(f"Cannot listen on {host}: unknown address.") from error
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as error:
        sock.close()
        if error.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise RelayStartError(f"Port {port} on {host} is already in use.") from error
        raise RelayStartError(f"Cannot listen on {host}:{port}: {error.strerror}.") from error
    sock.set_inheritable(True)
    return sock


def configure_logging(level: str) -> None:
    logging.basicConfig(stream=sys.stderr, level=level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def serve(options: ServeOptions) -> None:
    """Serve until interrupted (SIGINT/SIGTERM stop gracefully)."""
    import uvicorn  # deferred: only `relay serve` needs it

    from reconnect_tui.relay.app import create_app

    if (options.certfile is None) != (options.keyfile is None):
        raise RelayStartError("Give both --certfile and --keyfile, or neither.")
    if options.certfile is not None and options.keyfile is not None:
        check_tls(options.certfile, options.keyfile)
    storage = open_storage(options.db)
    try:
        sock = bind_socket(options.host, options.port)
    except RelayStartError:
        storage.close()
        raise
    configure_logging(options.log_level)
    app = create_app(storage, options.config)
    config = uvicorn.Config(
        app,
        ssl_certfile=str(options.certfile) if options.certfile else None,
        ssl_keyfile=str(options.keyfile) if options.keyfile else None,
        access_log=False,  # our AccessLog middleware logs route templates, never raw paths
        log_config=None,
        log_level=options.log_level,
        server_header=False,
        lifespan="on",
        ws_max_size=64 * 1024,  # the largest message a client sends is its subscription
        ws_per_message_deflate=False,  # memory per push subscriber; events are a few bytes
        timeout_graceful_shutdown=5,  # push channels are told to go (1012), then closed
    )
    scheme = "https" if options.certfile else "http"
    logging.getLogger("reconnect.relay").info(
        "relay listening on %s://%s:%d (database %s)", scheme, options.host, options.port,
        describe(options.db))
    uvicorn.Server(config).run(sockets=[sock])
