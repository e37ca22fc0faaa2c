"""The `reconnect` command: opens the app, or runs one of the subcommands.

Slow imports (Textual, httpx, fpdf2, uvicorn) happen inside the commands that need them, so
`reconnect --help` and scripted commands start quickly.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .commands import (
    agreement,
    background,
    crisis_export,
    demo,
    device,
    fhir_export,
    forum,
    message,
    pair,
    share,
)
from .commands import checkin as checkin_commands
from .commands import crisis_plan as crisis_plan_commands
from .commands import diary as diary_commands
from .commands import domain as domain_commands
from .commands import exercise as exercise_commands
from .commands import goal as goal_commands
from .commands import medication as medication_commands
from .commands import network as network_commands
from .commands import remind as remind_commands
from .commands import sync as sync_commands
from .commands import vault as vault_commands
from .commands.common import State, VaultOption, handles_errors, vault_path
from .commands.localized import LocalizedGroup
from .hygiene import disable_core_dumps
from .i18n import N_, SUPPORTED_LANGUAGES, _, resolve_language, set_language, supported_language
from .relay import cli as relay_cli

app = typer.Typer(
    name="reconnect",
    cls=LocalizedGroup,  # help texts and Typer's own words in the person's language
    help=N_(
        "ReConnect: your recovery toolbox in an encrypted vault on this machine, and a safe"
        " line to your provider. Run without a command to open the app.\n\n"
        "ReConnect is not for emergencies. In an emergency call 113 (Norway) or 112."
    ),
    invoke_without_command=True,
    no_args_is_help=False,
    pretty_exceptions_show_locals=False,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"reconnect {__version__}")
        raise typer.Exit()


def _check_language(value: str | None) -> str | None:
    if value is not None and supported_language(value) is None:
        raise typer.BadParameter(
            _("'{value}' is not a language ReConnect has. Choose one of: {choices}.").format(
                value=value, choices=", ".join(SUPPORTED_LANGUAGES)
            )
        )
    return value


def _settings_language() -> str:
    from .settings import load_settings

    return load_settings().language


@app.callback()
@handles_errors
def root(
    ctx: typer.Context,
    vault: VaultOption = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=N_("Show the version.")),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            callback=_check_language,
            help=N_(
                "Language: en or nb (Norwegian bokmål). Default: RECONNECT_LANGUAGE, then the"
                " settings file, then the system locale, then English."
            ),
            show_default=False,
        ),
    ] = None,
    plain: Annotated[
        bool,
        typer.Option(
            "--plain",
            help=N_(
                "Plain mode for screen readers and braille: a line-by-line conversation with"
                " numbered menus instead of the full-screen app (also RECONNECT_PLAIN=1, the"
                " plain setting, or TERM=dumb)."
            ),
        ),
    ] = False,
) -> None:
    """Open the app when no command is given."""
    state = State()
    state.vault = vault
    ctx.obj = state
    language = set_language(resolve_language(lang, _settings_language()))
    if ctx.invoked_subcommand is None:
        from .plain import wanted

        if wanted(plain):
            open_plain(vault_path(ctx, None), language)
        else:
            open_app(vault_path(ctx, None), language)


def open_plain(path: Path, language: str | None = None) -> None:
    from .plain import run_plain  # no Textual: plain mode never draws a screen

    code = run_plain(path, language)
    if code:
        raise typer.Exit(code)


def open_app(path: Path, language: str | None = None) -> None:
    from .app import run_app  # Textual is imported only when the app opens

    code = run_app(path, language)
    if code:
        raise typer.Exit(code)


app.command(
    "init",
    help=N_("Create a new encrypted vault and print its recovery code (once)."),
)(vault_commands.init)
app.command(
    "recover",
    help=N_(
        "Set a new passphrase with the recovery code you were given at `init`.\n\nScripts "
        "give the code in RECONNECT_RECOVERY_CODE (or as the first line of standard "
        "input with --passphrase-stdin, the new passphrase on the second)."
    ),
)(vault_commands.recover)
app.command(
    "backup",
    help=N_(
        "Write an encrypted copy of the vault to FILE (it opens with today's "
        "passphrase)."
    ),
)(vault_commands.backup)
app.command(
    "restore",
    help=N_(
        "Restore a backup (asks for the passphrase the vault had when the backup was "
        "made)."
    ),
)(vault_commands.restore_command)
app.command("import", help=N_("Read an export file into the vault."))(vault_commands.import_command)

passphrase_app = typer.Typer(help=N_("Change the vault's passphrase."), no_args_is_help=True)
passphrase_app.command(
    "change",
    help=N_("Change the passphrase (the old one first). The database is not rewritten."),
)(vault_commands.change_passphrase)
app.add_typer(passphrase_app, name="passphrase")

export_app = typer.Typer(
    help=N_("Write your data out: the crisis plan (PDF, Markdown, text), everything (JSON), or"
           " chosen parts for a health record (FHIR)."),
    no_args_is_help=True,
)
export_app.command(
    "all",
    help=N_(
        "Write the vault's whole content as JSON (your data, to take along or to seed a "
        "vault)."
    ),
)(vault_commands.export_all)
app.add_typer(export_app, name="export")


export_app.command(
    "crisis-plan",
    help=N_("Write your crisis plan as PDF, Markdown or plain text."),
)(crisis_export.crisis_plan)
export_app.command(
    "fhir",
    help=N_("Write the modules you choose as a FHIR R4 document for a health record."),
)(fhir_export.export_fhir)
share.shared_app.command(
    "export",
    help=N_(
        "Write what NAME shares with you as a FHIR document (their client may be told "
        "you read it, as with `shared show`)."
    ),
)(fhir_export.shared_export)
app.command(
    "sync",
    help=N_(
        "Send what is waiting and receive what is new. Exit 1 when the relay cannot be "
        "reached."
    ),
)(sync_commands.sync)
app.command(
    "demo",
    help=N_(
        "See both sides of ReConnect: two demo vaults (a service user with a few months of "
        "content, and her provider), paired through a relay on this computer, then the app "
        "as the service user (--as provider for the other side)."
    ),
)(demo.demo)
app.add_typer(relay_cli.app, name="relay")
app.add_typer(background.app, name="background")
app.add_typer(remind_commands.app, name="remind")
app.add_typer(pair.app, name="pair")
app.add_typer(device.app, name="device")
app.add_typer(message.app, name="message")
app.add_typer(forum.app, name="forum")
app.add_typer(agreement.app, name="agreement")
app.add_typer(share.share_app, name="share")
app.add_typer(share.shared_app, name="shared")
app.add_typer(goal_commands.app, name="goal")
app.add_typer(domain_commands.app, name="domain")
app.add_typer(domain_commands.what_matters_app, name="what-matters")
app.add_typer(network_commands.app, name="network")
app.add_typer(crisis_plan_commands.app, name="crisis-plan")
app.add_typer(medication_commands.app, name="medication")
app.add_typer(diary_commands.diary_app, name="diary")
app.add_typer(diary_commands.registration_app, name="registration")
app.add_typer(exercise_commands.app, name="exercise")
app.add_typer(checkin_commands.checkin_app, name="checkin")
app.add_typer(checkin_commands.feedback_app, name="feedback")
app.command(
    "search",
    help=N_("Search everything you wrote (goals, diary, crisis plan …) for QUERY."),
    epilog=N_('Example: reconnect search "walk" --json'),
)(handles_errors(exercise_commands.search))


def main() -> None:
    """Console entry point: no traceback ever reaches the person at the keyboard."""
    from . import crash

    disable_core_dumps()
    crash.install_quiet_hooks()
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # the last line of defence: a report, one line, no traceback
        sys.exit(crash.handle(exc))


if __name__ == "__main__":
    main()
