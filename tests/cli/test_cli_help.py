"""Help and shell completion of the command line: an example under each module command, no
Typer type markers (``<str>``, ``<bool>``), and completion scripts for bash, zsh and fish that
work through the localized root group."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from reconnect_tui.cli import app

runner = CliRunner()

MODULES = ("goal", "domain", "what-matters", "network", "crisis-plan", "medication",
           "diary", "registration", "exercise", "search", "checkin", "feedback")
"""The module commands of issue 19 (each has an example in its help)."""


def command_paths() -> list[list[str]]:
    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        paths.append(path)
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def help_of(*path: str, lang: str = "en") -> str:
    result = runner.invoke(app, ["--lang", lang, *path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "reconnect")
def test_help_shows_no_type_markers(path: list[str]) -> None:
    shown = help_of(*path)
    for marker in ("<str>", "<bool>", "<path>", "<int>", "<float>"):
        assert marker not in shown, shown


def test_choices_and_metavars_stay() -> None:
    assert "user|provider" in help_of("init")
    shown = help_of("goal", "add")
    assert "DATE" in shown and "TITLE" in shown


def module_commands() -> list[list[str]]:
    """The commands (not groups) of the modules, as the words that name them."""
    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        subs = getattr(command, "commands", None) or {}
        if not subs:
            paths.append(path)
        for name, sub in subs.items():
            walk(sub, [*path, name])

    root = typer.main.get_command(app)
    for name in MODULES:
        walk(root.commands[name], [name])  # type: ignore[attr-defined]  # a Typer group
    return paths


@pytest.mark.parametrize("path", module_commands(), ids=" ".join)
def test_every_module_command_has_an_example(path: list[str]) -> None:
    assert f"Example: reconnect {' '.join(path)}" in help_of(*path)
    assert f"Eksempel: reconnect {' '.join(path)}" in help_of(*path, lang="nb")


@pytest.fixture
def no_shell_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer then takes the shell as the option's value instead of guessing it."""
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")


@pytest.mark.parametrize(("shell", "marker"), [
    ("bash", "complete -o default -F"), ("zsh", "compdef"),
    ("fish", "complete --command reconnect")])
def test_completion_scripts(no_shell_detection: None, shell: str, marker: str) -> None:
    result = runner.invoke(app, ["--show-completion", shell], prog_name="reconnect")
    assert result.exit_code == 0, result.output
    assert marker in result.stdout and "_RECONNECT_COMPLETE" in result.stdout


def test_root_help_offers_completion() -> None:
    assert "--install-completion" in help_of() and "--show-completion" in help_of()
    assert "fullføring" in help_of(lang="nb")


def _complete(shell: str, words: str, tmp_path: Path, **env: str) -> str:
    """What the shell's completion function gets from `reconnect` for ``words``."""
    script = tmp_path / "reconnect"
    script.write_text("from reconnect_tui.cli import main\nmain()\n", encoding="utf-8")
    environment = {**os.environ, "_RECONNECT_COMPLETE": f"complete_{shell}", **env}
    if shell == "bash":
        environment |= {"COMP_WORDS": words, "COMP_CWORD": str(len(words.split(" ")) - 1)}
    else:
        environment |= {"_TYPER_COMPLETE_ARGS": words}
        if shell == "fish":
            environment["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    done = subprocess.run([sys.executable, str(script)], env=environment, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_names_the_module_commands(shell: str, tmp_path: Path) -> None:
    words = _complete(shell, "reconnect go", tmp_path)
    assert "goal" in words
    below = _complete(shell, "reconnect goal activity ", tmp_path)
    assert "add" in below and "list" in below


def test_completion_describes_in_the_persons_language(tmp_path: Path) -> None:
    words = _complete("zsh", "reconnect goal ", tmp_path, RECONNECT_LANGUAGE="nb")
    assert "Legg til et mål" in words


def test_install_completion_writes_the_script(tmp_path: Path) -> None:
    script = tmp_path / "reconnect"
    script.write_text("from reconnect_tui.cli import main\nmain()\n", encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run(
        [sys.executable, str(script), "--install-completion", "bash"],
        env={**os.environ, "HOME": str(home), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "_RECONNECT_COMPLETE" in (home / ".bash_completions" / "reconnect.sh").read_text()
