"""`reconnect sync`: deliver what is waiting and fetch what is new, from the command line."""

from __future__ import annotations

import typer

from ..i18n import _
from .common import (
    JsonOption,
    PassphraseStdinOption,
    RelayOption,
    VaultOption,
    echo,
    handles_errors,
    print_json,
    status,
)
from .vault import open_vault


@handles_errors
def sync(
    ctx: typer.Context,
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.service import resolve_relay_url
    from ..sync.sync_service import sync_and_process

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        url = resolve_relay_url(opened, relay)
        report = sync_and_process(opened, url, force=True)
    if as_json:
        print_json(
            {
                "relay": url,
                "sent": report.sent,
                "received": report.received,
                "waiting": report.waiting,
                "offline": report.offline,
                "error": report.error,
                "dropped": report.dropped,
                "problems": list(dict.fromkeys(report.problems)),
            }
        )
    else:
        (status if report.offline else echo)(report.summary())
        for problem in dict.fromkeys(report.problems):  # e.g. the relay is full
            status(problem)
    if report.offline:
        if not as_json:
            status(_("Nothing was lost: what is waiting stays in your vault until the next sync."))
        raise typer.Exit(1)
