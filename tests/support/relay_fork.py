"""Relay processes forked from a warm parent instead of started cold.

A relay started with ``python -m reconnect_tui.relay serve`` spends most of its start importing
(Python, Typer, Starlette, uvicorn, PyNaCl, our relay): about half a second of CPU, several
hundred times a suite. ``multiprocessing``'s forkserver imports all of that once per pytest
worker and forks each relay from it: the child is still a process of its own (its own port,
database, signals, exit code, SIGKILL), it runs the same ``reconnect-relay serve`` command line,
and it starts in a few milliseconds. ``tests/relay_server.py`` uses it unless told to exec the
command cold (a test of the command's own start).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess

# What a relay imports before it answers; loaded once in the forkserver.
PRELOAD = [
    "reconnect_tui.relay.cli",
    "reconnect_tui.relay.serve",
    "reconnect_tui.relay.app",
    "reconnect_tui.relay.addresses",
    "reconnect_tui.relay.backends",
    "reconnect_tui.relay.sqlite_storage",
    "typer._adapters",  # Typer parses the arguments through pydantic, imported on first parse
    "typer._click.decorators",
    "pydantic.plugin._loader",
    "uvicorn",
    "uvicorn.main",
    "uvicorn.loops.uvloop",
    "uvicorn.protocols.http.httptools_impl",
    "uvicorn.protocols.http.h11_impl",
    "uvicorn.protocols.websockets.websockets_sansio_impl",
    "uvicorn.lifespan.on",
    "anyio.lowlevel",
    "anyio._core._sockets",
    "anyio._core._streams",
    "encodings.idna",
    "tests.support.relay_fork",
    "pytest",  # `python -m pytest` is the main module each child re-imports (multiprocessing)
]

_context: ForkServerContext | None = None


def context() -> ForkServerContext:
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def serve(argv: list[str], environment: dict[str, str], log_path: str, cwd: str) -> None:
    """The child: the test's environment, stdout and stderr into the log, then the command."""
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115 - fd 1 lives on
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115 - fd 2 lives on
    os.environ.clear()
    os.environ.update(environment)
    os.chdir(cwd)
    from reconnect_tui.relay.cli import app

    app(args=argv, prog_name="reconnect-relay")


def start(argv: list[str], log_path: str) -> BaseProcess:
    process = context().Process(target=serve, args=(argv, dict(os.environ), log_path,
                                                    os.getcwd()), daemon=True)
    process.start()
    return process
