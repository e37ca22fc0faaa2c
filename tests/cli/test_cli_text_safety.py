"""What the CLI prints never holds ESC or a C1 control, whatever text a vault holds; and
`reconnect init --name` refuses control characters (docs/text-safety.md)."""

from __future__ import annotations

import ast
import contextlib
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from reconnect_tui.cli import app
from reconnect_tui.commands.common import echo, fail, print_json, status
from reconnect_tui.text_safety import is_terminal_safe
from tests.support.vaults import PASSPHRASE

runner = CliRunner()
COMMANDS = Path(__file__).parents[2] / "reconnect_tui" / "commands"


def run(*args: str):
    return runner.invoke(app, list(args), env={"RECONNECT_PASSPHRASE": PASSPHRASE})


@pytest.mark.parametrize("name", ["\x1b[31mRED\x1b[0mNabo Bjørn", "Kari\x07", "Kari\u202e",
                                  "Ka\nri", "\x1b]0;pwned\x07Kari", "Kari\x9b"])
def test_init_refuses_a_name_with_control_characters(tmp_path: Path, name: str) -> None:
    path = tmp_path / "vault.db"
    result = run("init", "--name", name, "--vault", str(path))
    assert result.exit_code == 2, result.output
    assert "control or invisible characters" in result.stderr and "U+" in result.stderr
    assert is_terminal_safe(result.output) and "\x07" not in result.output
    assert not path.exists()  # nothing was created


def test_init_keeps_names_in_any_script(tmp_path: Path) -> None:
    result = run("init", "--name", "Bjørn Ærø مرحبا", "--vault", str(tmp_path / "v.db"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["name"] == "Bjørn Ærø مرحبا"


def _printed(action) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        action()
    return out.getvalue() + err.getvalue()


@settings(max_examples=100, deadline=None)
@given(st.text(), st.dictionaries(st.text(), st.text() | st.lists(st.text()), max_size=4))
def test_every_way_a_command_prints_is_clean(text: str, data: dict) -> None:
    """The one place the CLI prints (commands/common.py), over arbitrary Unicode."""
    printed = _printed(lambda: (echo(text), echo(text, err=True), status(text),
                                fail(text), print_json({"text": text, "data": data})))
    assert is_terminal_safe(printed) and "\x07" not in printed
    json_part = printed[printed.index("{"):] if "{" in printed else ""
    assert "\\u001b" not in json_part.lower()


def test_commands_print_only_through_the_choke_point() -> None:
    """No command writes text to the terminal except through commands/common.py."""
    offenders = []
    for path in sorted(COMMANDS.glob("*.py")):
        if path.name == "common.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = ast.unparse(node.func)
            if func in ("print", "typer.echo", "click.echo", "typer.secho", "sys.stdout.write",
                        "sys.stderr.write", "rich.print") or func.endswith("console.print"):
                offenders.append(f"{path.name}:{node.lineno} {func}")
    assert offenders == []

