"""The headless core never imports Textual (STYLE.md, Harlequin's habit)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS_MODULES = [
    "reconnect_tui.model",
    "reconnect_tui.errors",
    "reconnect_tui.store",
    "reconnect_tui.sync",
    "reconnect_tui.export",
    "reconnect_tui.relay",
    "reconnect_tui.wire",
    "reconnect_tui.library",
    "reconnect_tui.crash",
    "reconnect_tui.hangup",
    "reconnect_tui.plain",  # plain mode: a front end for screen readers, no terminal control
]


@pytest.mark.parametrize("module", HEADLESS_MODULES)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({module!r})\n"
        "for info in pkgutil.walk_packages(getattr(pkg, '__path__', []), pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
