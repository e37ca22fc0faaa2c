"""Vault commands: init, passphrase change, recover, backup, restore, export all, import.

The vault modules are imported inside each command, so `reconnect` (opening the app) does not
load them before its first screen is painted.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import ReconnectError
from ..i18n import N_, _
from ..model import Profile, Role
from ..text_safety import name_problem

if TYPE_CHECKING:
    from ..store import Vault

from .common import (
    JsonOption,
    PassphraseSource,
    PassphraseStdinOption,
    VaultOption,
    echo,
    handles_errors,
    print_json,
    status,
    stdin_is_terminal,
    vault_path,
)


def open_vault(ctx: typer.Context, vault: Path | None, passphrase_stdin: bool) -> Vault:
    """Unlock the vault a command names, with the passphrase from env, stdin or a prompt."""
    from ..store import Vault

    path = vault_path(ctx, vault)
    Vault._header_for(path)  # a missing or damaged vault is said before asking for anything
    passphrase = PassphraseSource(passphrase_stdin).read(_("Passphrase"))
    if stdin_is_terminal():
        status(_("Unlocking…"))
    return Vault.unlock(path, passphrase)


@handles_errors
def init(
    ctx: typer.Context,
    role: Annotated[Role, typer.Option(help=N_("Who this vault belongs to."))] = Role.USER,
    name: Annotated[
        str | None,
        typer.Option(help=N_("Your name, as partners will see it (asked when not given).")),
    ] = None,
    locale: Annotated[
        str, typer.Option(help=N_("Country for emergency numbers: NO, GB or EU."))
    ] = "NO",
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..store import Vault
    from ..store.vault import refuse_folder

    path = vault_path(ctx, vault)
    refuse_folder(path)
    if Vault.exists(path) and path.is_file() and path.stat().st_size == 0:
        raise ReconnectError(
            _(
                "There is an empty file (0 bytes) at {path}, perhaps what is left of a vault."
                " ReConnect does not overwrite it: restore a backup over it with"
                " `reconnect restore BACKUP_FILE --replace`, or move it away first."
            ).format(path=path)
        )
    if Vault.exists(path):
        raise ReconnectError(_("A vault already exists at {path}.").format(path=path))
    if name is None:
        if not stdin_is_terminal():
            raise typer.BadParameter(
                _("--name is needed when standard input is not a terminal."), param_hint="--name"
            )
        name = typer.prompt(_("Your name"))
    name = name.strip()
    if not name:
        raise typer.BadParameter(_("The name cannot be empty."), param_hint="--name")
    problem = name_problem(name)
    if problem:
        raise typer.BadParameter(problem, param_hint="--name")
    passphrase = PassphraseSource(passphrase_stdin).read_new(
        _("Choose a passphrase"), "RECONNECT_PASSPHRASE"
    )
    status(_("Creating the vault (this takes a moment)…"))
    created, code = Vault.create(path, passphrase, Profile(name=name, role=role, locale=locale))
    created.close()
    if as_json:
        print_json({"vault": str(path), "role": role.value, "name": name, "recovery_code": code})
        return
    echo(_("Vault created at {path}").format(path=path))
    echo("")
    echo(_("Your recovery code (shown only this once):"))
    echo("")
    echo(f"    {code}")
    echo("")
    echo(
        _(
            "Write it down and keep it somewhere safe, away from this computer. If you forget"
            " your passphrase, `reconnect recover` lets you set a new one with this code."
        )
    )


@handles_errors
def change_passphrase(
    ctx: typer.Context,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
) -> None:
    source = PassphraseSource(passphrase_stdin)
    with open_vault(ctx, vault, passphrase_stdin) as opened:
        new = source.read_new(_("New passphrase"), "RECONNECT_NEW_PASSPHRASE")
        opened.change_passphrase(new)
    echo(_("Passphrase changed."))


@handles_errors
def recover(
    ctx: typer.Context,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
) -> None:
    from ..store import Vault

    path = vault_path(ctx, vault)
    Vault._header_for(path)
    source = PassphraseSource(passphrase_stdin)
    code = source.read(_("Recovery code"), env="RECONNECT_RECOVERY_CODE")
    with Vault.unlock_with_recovery_code(path, code) as opened:
        new = source.read_new(_("New passphrase"), "RECONNECT_NEW_PASSPHRASE")
        opened.change_passphrase(new)
    echo(_("A new passphrase is set. Your recovery code stays the same."))


@handles_errors
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=N_("Where to write the backup."))],
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
) -> None:
    with open_vault(ctx, vault, passphrase_stdin) as opened:
        opened.backup(file)
    echo(_("Backup written to {file}. It is encrypted like the vault.").format(file=file))


@handles_errors
def restore_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=N_("A backup made with `reconnect backup`."))],
    replace: Annotated[
        bool, typer.Option("--replace", help=N_("Restore over an existing vault (kept beside it)."))
    ] = False,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
) -> None:
    from ..store import restore

    path = vault_path(ctx, vault)
    passphrase = PassphraseSource(passphrase_stdin).read(_("Passphrase of the backup"))
    kept = restore(file, path, passphrase, replace=replace)
    echo(_("Restored {file} to {path}.").format(file=file, path=path))
    if kept is not None:
        echo(_("The vault that was there is kept at {kept}.").format(kept=kept))


@handles_errors
def export_all(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output",
                     help=N_("Write to FILE, or - for standard output (the default).")),
    ] = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
) -> None:
    from ..export import write_export  # the same atomic writer as every export
    from ..store import portable

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        data = portable.export_all(opened)
    text = portable.dumps(data)
    unreadable = portable.import_problems(data, len(text.encode("utf-8")))
    if output is None or str(output) == "-":
        echo(text, nl=False)
        status(_("The export went to standard output. It is not encrypted."))
    else:
        write_export(text.encode("utf-8"), output)
        status(_("Exported to {file}. It is not encrypted: keep it as carefully as a printed"
                 " diary, and delete it when you no longer need it.").format(file=output))
    if unreadable:  # written anyway: it is the person's data; they are told what import refuses
        status(unreadable)


@handles_errors
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=N_("A file written by `reconnect export all`."))],
    replace: Annotated[
        bool,
        typer.Option("--replace", help=N_("Replace each module the file holds (others stay).")),
    ] = False,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
) -> None:
    from ..store import portable

    data = portable.read(file)  # checked whole (size, JSON, schema) before the vault opens
    with open_vault(ctx, vault, passphrase_stdin) as opened:
        modules = portable.import_all(opened, data, replace=replace)
    echo(_("Imported: {modules}.").format(modules=", ".join(modules) or _("nothing")))
