"""Helpers for linked-device tests: the command line with the test passphrase, against a real
relay and real vaults."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from reconnect_tui.cli import app
from tests.support.vaults import PASSPHRASE

runner = CliRunner()


def run(*args: str, passphrase: str = PASSPHRASE):
    return runner.invoke(app, list(args), env={"RECONNECT_PASSPHRASE": passphrase})


def invite(vault: Path, relay_url: str, name: str = "Laptop") -> str:
    result = run("device", "invite", "--json", "--name", name, "--vault", str(vault),
                 "--relay", relay_url)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["code"]


def join(code: str, vault: Path, relay_url: str, name: str = "Work PC", wait: int = 0):
    return run("device", "join", code, "--name", name, "--vault", str(vault), "--relay",
               relay_url, "--wait", str(wait), "--json")


def sync(vault: Path) -> None:
    result = run("sync", "--vault", str(vault))
    assert result.exit_code == 0, result.output


def devices(vault: Path) -> list[dict]:
    result = run("device", "list", "--json", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def link(laptop: Path, work: Path, relay_url: str, name: str = "Work PC") -> None:
    """Link ``work`` (a new vault) to ``laptop`` through the relay, both sides synced."""
    code = invite(laptop, relay_url)
    assert join(code, work, relay_url, name).exit_code == 0
    sync(laptop)
    result = join(code, work, relay_url, name)
    assert result.exit_code == 0 and json.loads(result.stdout)["linked"], result.output
