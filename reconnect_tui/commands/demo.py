"""``reconnect demo``: both sides of ReConnect in one command (``reconnect_tui/demo/``)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_, _, current_language
from .common import handles_errors, print_json, status, usage_error


class DemoRole(StrEnum):
    USER = "user"
    PROVIDER = "provider"


@handles_errors
def demo(
    as_role: Annotated[
        DemoRole,
        typer.Option("--as", help=N_("Whose side to open: user (the default) or provider.")),
    ] = DemoRole.USER,
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help=N_("Keep the demo vaults in DIR (default: a folder of yours"
                                      " in the temporary directory, reused next time)."),
                     file_okay=False),
    ] = None,
    setup_only: Annotated[
        bool,
        typer.Option("--setup-only", help=N_("Make the vaults and stop; do not open the app.")),
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option("--json", help=N_("With --setup-only: print the vaults, passphrase and"
                                       " relay as JSON.")),
    ] = False,
) -> None:
    from ..demo import build
    from ..demo.loopback import LoopbackRelay

    if as_json and not setup_only:
        raise usage_error(_("--json goes with --setup-only (the app is not JSON)."))
    folder = directory or build.default_directory()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    build.clear_unfinished(folder)
    say = (lambda _step: None) if as_json else status
    with LoopbackRelay(build.relay_db(folder)) as relay:
        vaults = build.prepare(folder, relay.url, language=current_language(),
                               today=date.today(), progress=say)
        if as_json:
            print_json({"user_vault": str(vaults.user_vault),
                        "provider_vault": str(vaults.provider_vault),
                        "passphrase": vaults.passphrase, "relay": vaults.relay_url})
        else:
            status(_("Demo vaults in {folder}. The passphrase of both is: {passphrase}").format(
                folder=folder, passphrase=vaults.passphrase))
        if setup_only:
            return
        from ..app import run_app  # Textual is imported only when the app opens

        path = vaults.provider_vault if as_role is DemoRole.PROVIDER else vaults.user_vault
        hint = _("Demo vault: the passphrase is {passphrase}").format(
            passphrase=vaults.passphrase)
        code = run_app(path, current_language(), unlock_hint=hint)
    if code:
        raise typer.Exit(code)
