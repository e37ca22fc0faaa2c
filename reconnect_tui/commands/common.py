"""What every command shares: the --vault option, passphrases, errors and exit codes.

Conventions (DESIGN.md section 8): ``--vault`` on every command, before or after its own
arguments; ``--json`` prints pure JSON on stdout; exit 0 success, 1 a failure the message
explains, 2 a usage error; never a traceback; nothing waits for input when stdin is not a
terminal.

Every line a command prints goes through :func:`echo` (or :func:`status`, :func:`fail`,
:func:`print_json`), which passes it through ``text_safety``: what a partner wrote, or what
an old vault holds, never reaches the terminal as escape sequences (docs/text-safety.md).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from ..errors import ReconnectError
from ..formats import format_moment
from ..i18n import N_, _, ngettext
from ..settings import resolve_vault_path
from ..text_safety import clean_deep, clean_text

P = ParamSpec("P")
R = TypeVar("R")

MIN_PASSPHRASE_LENGTH = 8

VaultOption = Annotated[
    Path | None,
    typer.Option(
        "--vault",
        help=N_("The vault file (default: RECONNECT_VAULT, or vault.db in your user data folder)."),
        show_default=False,
    ),
]
PassphraseStdinOption = Annotated[
    bool,
    typer.Option(
        "--passphrase-stdin",
        help=N_(
            "Read the passphrase from the first line of standard input "
            "(or set RECONNECT_PASSPHRASE)."
        ),
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help=N_("Print JSON on stdout and nothing else."))
]
RelayOption = Annotated[
    str | None,
    typer.Option("--relay", help=N_("Relay address (https, or http on this computer); kept.")),
]


class State:
    """Values given before the subcommand (``reconnect --vault X init``)."""

    vault: Path | None = None


def vault_path(ctx: typer.Context, vault: Path | None) -> Path:
    """The subcommand's own --vault wins over the root's; then RECONNECT_VAULT, then default."""
    root = ctx.find_root().obj
    fallback = root.vault if isinstance(root, State) else None
    return resolve_vault_path(vault or fallback)


def echo(message: str = "", *, err: bool = False, nl: bool = True) -> None:
    """The one place a command prints text: escape sequences, controls other than newline and
    tab, and bidi overrides are taken out first."""
    typer.echo(clean_text(message), err=err, nl=nl)


def fail(message: str, code: int = 1) -> typer.Exit:
    echo(_("Error: {message}").format(message=message), err=True)
    return typer.Exit(code)


def usage_error(message: str) -> typer.BadParameter:
    return typer.BadParameter(message)


def status(message: str) -> None:
    """Progress and status go to stderr, so stdout stays clean for --json and pipes."""
    echo(message, err=True)


def print_json(data: Any) -> None:
    """Pure JSON on stdout; every string in it cleaned like text (json.dumps would write C1
    controls and bidi overrides raw, and keep ESC as data a later tool may print)."""
    typer.echo(json.dumps(clean_deep(data), ensure_ascii=False, indent=2))


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn our errors into one clear line on stderr and exit code 1 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ReconnectError as exc:
            raise fail(str(exc)) from None
        except KeyboardInterrupt:
            echo("", err=True)
            raise typer.Exit(130) from None

    return wrapper


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


class PassphraseSource:
    """Where passphrases come from: RECONNECT_PASSPHRASE, stdin lines, or a hidden prompt."""

    def __init__(self, from_stdin: bool) -> None:
        self.from_stdin = from_stdin

    def read(self, prompt: str, env: str = "RECONNECT_PASSPHRASE", confirm: bool = False) -> str:
        value = os.environ.get(env)
        if value is not None:
            return value
        if self.from_stdin:
            line = sys.stdin.readline()
            if not line:
                raise ReconnectError(_("Standard input ended before a passphrase was read."))
            return line.rstrip("\r\n")
        if stdin_is_terminal():
            # The confirmation is named here: Typer's own Click copy writes it in English.
            again = _("Repeat for confirmation") if confirm else False
            return typer.prompt(prompt, hide_input=True, confirmation_prompt=again)
        raise ReconnectError(
            _(
                "No passphrase given. Set {env} or use --passphrase-stdin"
                " (standard input is not a terminal, so ReConnect does not ask)."
            ).format(env=env)
        )

    def read_new(self, prompt: str, env: str) -> str:
        passphrase = self.read(prompt, env=env, confirm=True)
        check_new_passphrase(passphrase)
        return passphrase


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ReconnectError(
            ngettext(
                "A passphrase needs at least {n} character; a few words are easiest to remember.",
                "A passphrase needs at least {n} characters; a few words are easiest to remember.",
                MIN_PASSPHRASE_LENGTH,
            ).format(n=MIN_PASSPHRASE_LENGTH)
        )


def local_time(when: datetime) -> str:
    """A time for people to read: this computer's time zone, in the person's language
    (``i18n.format_moment``); JSON output keeps UTC ISO 8601."""
    return format_moment(when)
