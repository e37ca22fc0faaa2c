"""Helpers for the module commands' tests: the command line on a real vault, and its JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from reconnect_tui.cli import app
from tests.support.vaults import PASSPHRASE

runner = CliRunner()


def run(vault: Path, *args: str, env: dict[str, str] | None = None):
    """``reconnect ARGS --vault VAULT`` with the test passphrase in the environment."""
    return runner.invoke(app, [*args, "--vault", str(vault)],
                         env={"RECONNECT_PASSPHRASE": PASSPHRASE, **(env or {})})


def ok(vault: Path, *args: str) -> Any:
    """Run with ``--json``, assert exit 0 and return the parsed JSON of stdout."""
    result = run(vault, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def exported(vault: Path) -> dict[str, Any]:
    """What `reconnect export all` writes (to standard output)."""
    result = run(vault, "export", "all")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
