"""The `reconnect` command line: vault commands, conventions, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconnect_tui.cli import app
from reconnect_tui.store import Toolbox, Vault
from tests.support.vaults import PASSPHRASE, Template

runner = CliRunner()


def run(*args: str, passphrase: str | None = PASSPHRASE, stdin: str | None = None, **env: str):
    environment = dict(env)
    if passphrase is not None:
        environment["RECONNECT_PASSPHRASE"] = passphrase
    return runner.invoke(app, list(args), env=environment, input=stdin)


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.startswith("reconnect ")


def test_help_mentions_emergencies() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "not for emergencies" in result.stdout


def test_init_prints_recovery_code_once_and_json(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    result = run("init", "--name", "Kari", "--vault", str(path), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["name"] == "Kari" and data["role"] == "user" and data["vault"] == str(path)
    assert len(data["recovery_code"].replace("-", "")) == 25
    again = run("init", "--name", "Kari", "--vault", str(path))
    assert again.exit_code == 1 and "already exists" in again.stderr


@pytest.mark.real_kdf
def test_init_as_provider_with_vault_before_subcommand(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    result = run("--vault", str(path), "init", "--role", "provider", "--name", "Dr Lind")
    assert result.exit_code == 0, result.output
    assert "recovery code" in result.stdout
    with Vault.unlock(path, PASSPHRASE) as vault:
        assert vault.profile().role.value == "provider"


def test_init_without_name_or_passphrase_never_waits(tmp_path: Path) -> None:
    result = run("init", "--vault", str(tmp_path / "x.db"))
    assert result.exit_code == 2 and "--name" in result.output
    result = run("init", "--name", "K", "--vault", str(tmp_path / "x.db"), passphrase=None)
    assert result.exit_code == 1 and "RECONNECT_PASSPHRASE" in result.stderr
    short = run("init", "--name", "K", "--vault", str(tmp_path / "x.db"), passphrase="short")
    assert short.exit_code == 1 and "at least 8" in short.stderr
    assert not (tmp_path / "x.db").exists()


def test_passphrase_stdin(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    made = run(
        "init",
        "--name",
        "K",
        "--vault",
        str(path),
        "--passphrase-stdin",
        passphrase=None,
        stdin="from stdin 123\n",
    )
    assert made.exit_code == 0, made.output
    with Vault.unlock(path, "from stdin 123"):
        pass


@pytest.mark.real_kdf
def test_wrong_passphrase_exit_1_and_clear_message(vault_path: Path) -> None:
    result = run("export", "all", "--vault", str(vault_path), passphrase="nope nope nope")
    assert result.exit_code == 1
    assert "Wrong passphrase" in result.stderr and "Traceback" not in result.output


def test_missing_and_damaged_vault(tmp_path: Path) -> None:
    result = run("backup", str(tmp_path / "b"), "--vault", str(tmp_path / "none.db"))
    assert result.exit_code == 1 and "reconnect init" in result.stderr
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(os.urandom(8192))
    result = run("export", "all", "--vault", str(bogus))
    assert result.exit_code == 1
    assert str(bogus) in result.stderr and "reconnect restore" in result.stderr


def test_passphrase_change_and_recover(vault_path: Path, user_template: Template) -> None:
    result = run(
        "passphrase",
        "change",
        "--vault",
        str(vault_path),
        RECONNECT_NEW_PASSPHRASE="second passphrase",
    )
    assert result.exit_code == 0, result.output
    assert run("export", "all", "--vault", str(vault_path)).exit_code == 1
    result = run(
        "recover",
        "--vault",
        str(vault_path),
        passphrase=None,
        RECONNECT_RECOVERY_CODE=user_template.recovery_code,
        RECONNECT_NEW_PASSPHRASE="third passphrase",
    )
    assert result.exit_code == 0, result.output
    with Vault.unlock(vault_path, "third passphrase"):
        pass
    bad = run(
        "recover",
        "--vault",
        str(vault_path),
        passphrase=None,
        RECONNECT_RECOVERY_CODE="AAAAA-AAAAA-AAAAA-AAAAA-AAAAA",
        RECONNECT_NEW_PASSPHRASE="fourth passphrase",
    )
    assert bad.exit_code == 1 and "recovery code does not open" in bad.stderr


def test_backup_restore(vault_path: Path, user_template: Template, tmp_path: Path) -> None:
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        Toolbox(vault).what_matters.set("the sea")
    backup = tmp_path / "backup.reconnect"
    assert run("backup", str(backup), "--vault", str(vault_path)).exit_code == 0
    target = tmp_path / "restored.db"
    result = run("restore", str(backup), "--vault", str(target))
    assert result.exit_code == 0, result.output
    with Vault.unlock(target, PASSPHRASE) as vault:
        assert Toolbox(vault).what_matters.get() == "the sea"
    assert run("restore", str(backup), "--vault", str(target)).exit_code == 1
    unwritable = run(
        "backup", str(tmp_path / "no" / "such" / "dir" / "b"), "--vault", str(vault_path)
    )
    assert unwritable.exit_code == 1 and "does not exist" in unwritable.stderr


def test_export_all_import_round_trip(
    vault_path: Path, user_template: Template, tmp_path: Path
) -> None:
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        Toolbox(vault).what_matters.set("Håp og hverdag")
    out = tmp_path / "all.json"
    result = run("export", "all", "-o", str(out), "--vault", str(vault_path))
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["what_matters"] == "Håp og hverdag"
    stdout = run("export", "all", "--vault", str(vault_path))
    assert json.loads(stdout.stdout) == json.loads(out.read_text())
    other = tmp_path / "other.db"
    assert run("init", "--name", "Kari", "--vault", str(other)).exit_code == 0
    assert run("import", str(out), "--vault", str(other)).exit_code == 0
    again = run("export", "all", "--vault", str(other))
    assert again.stdout == out.read_text()
    refused = run("import", str(out), "--vault", str(other))
    assert refused.exit_code == 1 and "--replace" in refused.stderr
    assert run("import", str(out), "--replace", "--vault", str(other)).exit_code == 0
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{nope")
    bad = run("import", str(garbage), "--vault", str(other))
    assert bad.exit_code == 1 and "not valid JSON" in bad.stderr


@pytest.mark.parametrize("args", [["--no-such-flag"], ["init", "--role", "doctor"], ["frobnicate"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_console_script_never_shows_a_traceback(tmp_path: Path) -> None:
    """The real entry point, in a subprocess with no terminal: clean message, exit 1."""
    env = {**os.environ, "RECONNECT_PASSPHRASE": "whatever 123"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "reconnect_tui.cli",
            "export",
            "all",
            "--vault",
            str(tmp_path / "missing.db"),
        ],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "reconnect init" in result.stderr


def test_launcher_opens_the_app_only_for_app_arguments() -> None:
    from reconnect_tui.launcher import _app_only_vault

    assert _app_only_vault([]) == (True, None)
    assert _app_only_vault(["--vault", "/x/v.db"]) == (True, "/x/v.db")
    assert _app_only_vault(["--vault=/x/v.db"]) == (True, "/x/v.db")
    for args in (["init"], ["--vault", "v.db", "init"], ["--help"], ["--vault"], ["--version"]):
        assert _app_only_vault(args)[0] is False


def test_launcher_hands_commands_to_the_cli(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from reconnect_tui.launcher import main; "
            "sys.argv = ['reconnect', '--version']; main()",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stdout.startswith("reconnect ")
