"""`reconnect background install|remove|status` (issue 18), writing into a temp
XDG_CONFIG_HOME. systemctl is kept off PATH: the unit is written and the person is told how to
start it, and what to run instead (exit 1)."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconnect_tui import background
from reconnect_tui.cli import app
from tests.support.vaults import PASSPHRASE

runner = CliRunner()


@pytest.fixture
def no_manager(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    if not sys.platform.startswith("linux"):
        pytest.skip("the systemd unit is Linux's")
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return Path(os.environ["XDG_CONFIG_HOME"])


def test_install_writes_the_unit_and_the_passphrase_file_then_remove_deletes_both(
        vault_path: Path, no_manager: Path) -> None:
    installed = runner.invoke(app, ["--vault", str(vault_path), "background", "install"],
                              env={"RECONNECT_PASSPHRASE": PASSPHRASE})
    assert installed.exit_code == 1, installed.output
    assert "systemctl is not available here" in installed.stderr
    assert "systemctl --user enable --now reconnect-companion.service" in installed.stderr
    assert "sync --watch" in installed.stderr  # the command to run instead
    unit = no_manager / "systemd" / "user" / "reconnect-companion.service"
    text = unit.read_text()
    assert PASSPHRASE not in text
    assert (f"ExecStart={sys.executable} -m reconnect_tui.cli --vault {vault_path.resolve()} "
            "sync --watch --stay-unlocked --passphrase-stdin") in text
    assert "Restart=on-failure" in text and "WantedBy=default.target" in text
    secret = background.passphrase_file()
    assert f"StandardInput=file:{secret}" in text
    assert secret.read_text() == PASSPHRASE + "\n"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600

    shown = runner.invoke(app, ["background", "status"])
    assert "Installed" in shown.stdout and "cannot be asked here" in shown.stdout

    removed = runner.invoke(app, ["background", "remove"])
    assert removed.exit_code == 0 and "Companion removed." in removed.stdout
    assert not unit.exists() and not secret.exists()
    gone = runner.invoke(app, ["background", "status"])
    assert gone.exit_code == 1 and "Not installed." in gone.stdout
    again = runner.invoke(app, ["background", "remove"])
    assert again.exit_code == 0 and "No companion was installed." in again.stdout


def test_a_wrong_passphrase_writes_nothing(vault_path: Path, no_manager: Path) -> None:
    refused = runner.invoke(app, ["--vault", str(vault_path), "background", "install"],
                            env={"RECONNECT_PASSPHRASE": "not the passphrase"})
    assert refused.exit_code == 1
    assert not (no_manager / "systemd").exists()
    assert not background.passphrase_file().exists()


def test_the_unit_quotes_a_vault_path_with_spaces(tmp_path: Path) -> None:
    unit = background.systemd_unit(tmp_path / "my vault.db", tmp_path / "secret")
    assert f'"{tmp_path / "my vault.db"}"' in unit


def test_the_launchd_agent_runs_the_watch_at_login(tmp_path: Path) -> None:
    plist = background.launchd_plist(tmp_path / "vault.db", tmp_path / "secret")
    assert f"<string>{sys.executable}</string>" in plist
    assert "<string>reconnect_tui.cli</string>" in plist and "<string>--watch</string>" in plist
    assert f"<key>StandardInPath</key>\n    <string>{tmp_path / 'secret'}</string>" in plist
    assert "<key>RunAtLoad</key>" in plist and "<key>SuccessfulExit</key>" in plist


def test_remind_set_list_and_off(vault_path: Path) -> None:
    env = {"RECONNECT_PASSPHRASE": PASSPHRASE}
    base = ["--vault", str(vault_path), "remind"]
    tracked = runner.invoke(app, ["--vault", str(vault_path), "registration", "track", "Søvn"],
                            env=env)
    assert tracked.exit_code == 0, tracked.output
    chosen = runner.invoke(app, [*base, "set", "registration", "Søvn", "08:30"], env=env)
    assert chosen.exit_code == 0, chosen.output
    assert "every day at 08:30" in chosen.stdout
    listed = runner.invoke(app, [*base, "list", "--json"], env=env)
    assert [(r["kind"], r["at"]) for r in json.loads(listed.stdout)] == [
        ("registration", "08:30")]
    bad = runner.invoke(app, [*base, "set", "registration", "Søvn", "8.30"], env=env)
    assert bad.exit_code == 2
    off = runner.invoke(app, [*base, "off", "registration", "Søvn"], env=env)
    assert off.exit_code == 0
    assert runner.invoke(app, [*base, "list", "--json"], env=env).stdout.strip() == "[]"
