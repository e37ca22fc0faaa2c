"""Plain mode: ReConnect as a line-by-line conversation, for screen readers and braille.

The same product as the Textual app over the same headless core (``session.py``, the
repositories, the services in ``sync/``, ``parsing.py``, ``formats.py``, ``text_safety.py``),
told as numbered menus and one question per line, read where the cursor is. Nothing here
imports Textual, draws a box, colours a word or writes an escape byte (``io.py``).

Chosen by ``reconnect --plain``, ``RECONNECT_PLAIN=1``, ``plain = true`` in settings.toml, or
a terminal that says it can do nothing else (``TERM=dumb``): :func:`wanted`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def wanted(flag: bool, environ: Mapping[str, str] | None = None,
           setting: bool | None = None) -> bool:
    """Whether to open plain mode: the flag, RECONNECT_PLAIN, the setting, or TERM=dumb."""
    env = os.environ if environ is None else environ
    if flag:
        return True
    value = env.get("RECONNECT_PLAIN")
    if value is not None and value.strip():
        return value.strip().casefold() in TRUE_WORDS
    if env.get("TERM", "") == "dumb":
        return True
    if setting is None:
        from ..settings import load_settings

        setting = load_settings().plain
    return bool(setting)


def run_plain(path: Path, language: str | None = None, *, stdin: TextIO | None = None,
              stdout: TextIO | None = None) -> int:
    """Run plain mode on the vault at ``path`` until Quit or the end of input; the exit code."""
    from .main import run

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    try:
        interactive = stdin.isatty()
    except (AttributeError, ValueError):
        interactive = False
    return run(path, language, stdin, stdout, interactive=interactive)
