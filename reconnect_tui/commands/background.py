"""`reconnect background install|remove|status`: the background companion (``background.py``)
that runs `reconnect sync --watch` from login, for messages, notifications and reminders while
the app is closed."""

from __future__ import annotations

import contextlib
import shlex

import typer

from ..i18n import N_, _
from .common import (
    PassphraseSource,
    PassphraseStdinOption,
    VaultOption,
    echo,
    fail,
    handles_errors,
    status,
    vault_path,
)

app = typer.Typer(
    help=N_("A background companion that syncs, notifies and reminds from login, while the app "
            "is closed."),
    no_args_is_help=True,
)


def _instead(command: list[str]) -> str:
    return _("Run this instead, in a terminal you keep open after logging in:\n  {command}"
             ).format(command=shlex.join(command[:-1]))  # without --passphrase-stdin: it asks


@app.command("install", help=N_(
    "Install the companion for this vault: a user service (systemd on Linux, launchd on macOS) "
    "that starts at login. It asks for the passphrase once and keeps it in a file only you can "
    "read, because a service has nobody to ask; the vault stays unlocked while it runs."))
@handles_errors
def install(ctx: typer.Context, vault: VaultOption = None,
            passphrase_stdin: PassphraseStdinOption = False) -> None:
    from .. import background
    from ..store import Vault

    path = vault_path(ctx, vault).resolve()
    where = background.platform()
    if where.kind == "none":
        raise fail(_("This system has no service manager ReConnect knows (systemd or launchd)."
                     ) + "\n" + _instead(background.watch_command(path)))
    Vault._header_for(path)  # a missing vault is said before asking for anything
    passphrase = PassphraseSource(passphrase_stdin).read(_("Passphrase"))
    Vault.unlock(path, passphrase).close()  # only a passphrase that opens it is kept
    secret = background.write_secret(passphrase)
    written = background.write_service(where, path)
    echo(_("Companion written to {file}.").format(file=written))
    status(_("The passphrase is kept in {file}, readable only by you: whoever can read your "
             "files (or their backups) can open the vault. `reconnect background remove` "
             "deletes it.").format(file=secret))
    if where.manager is None:
        manager = "systemctl" if where.kind == "systemd" else "launchctl"
        raise fail(_("{manager} is not available here, so the companion was not started. Where "
                     "it is, start it with:\n  {command}").format(
                         manager=manager, command=" && ".join(
                             shlex.join(c) for c in background.manager_commands(where, "start")))
                   + "\n" + _instead(background.watch_command(path)))
    if not background.run_manager(where, "start"):
        raise fail(_("The service manager did not start the companion; try:\n  {command}").format(
            command=" && ".join(shlex.join(c)
                                for c in background.manager_commands(where, "start"))))
    echo(_("The companion runs now and at every login."))


@app.command("remove", help=N_("Stop the companion, and delete its service file and the "
                               "passphrase file."))
@handles_errors
def remove() -> None:
    from .. import background

    where = background.platform()
    removed = False
    if where.service_file is not None and where.service_file.exists():
        background.run_manager(where, "stop")
        where.service_file.unlink()
        removed = True
    with contextlib.suppress(FileNotFoundError):
        background.passphrase_file().unlink()
        removed = True
    echo(_("Companion removed.") if removed else _("No companion was installed."))


@app.command("status", help=N_("Whether the companion is installed and running."))
@handles_errors
def status_command() -> None:
    from .. import background

    where = background.platform()
    if where.service_file is None:
        raise fail(_("This system has no service manager ReConnect knows (systemd or launchd)."))
    if not where.service_file.exists():
        echo(_("Not installed."))
        raise typer.Exit(1)
    echo(_("Installed: {file}.").format(file=where.service_file))
    running = background.running(where)
    if running is None:
        echo(_("Whether it runs cannot be asked here (no service manager)."))
    elif running:
        echo(_("Running."))
    else:
        echo(_("Not running."))
        raise typer.Exit(1)
