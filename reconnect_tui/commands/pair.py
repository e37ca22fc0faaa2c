"""`reconnect pair`: invite (provider), join (service user), list partners, verify a partner."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import N_, _
from ..model import Role
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

app = typer.Typer(
    help=N_("Pair with a provider or a service user, and check safety numbers."),
    no_args_is_help=True,
)

def partner_json(partner) -> dict[str, object]:
    return {
        "id": partner.id,
        "name": partner.name,
        "role": partner.role.value,
        "status": partner.status,
        "safety_number": partner.safety_number,
        "verified": partner.verified,
        "key_changed": partner.key_changed,
        "read_receipts": partner.read_receipts,
        "resetting": partner.resetting,
        "devices": list(partner.devices),
    }


@app.command(
    "invite",
    help=N_("Make a one-time invitation code for a service user (provider vaults only)."),
)
@handles_errors
def invite(
    ctx: typer.Context,
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.dyads import Dyads, relay_for
    from ..sync.service import resolve_relay_url

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        url = resolve_relay_url(opened, relay)
        with relay_for(opened, url) as port:
            code = Dyads(opened).create_invitation(port)
    if as_json:
        print_json({"code": code})
        return
    echo(code)
    status(_(
        "Read this code out or show it in the consultation. The service user enters it in the"
        " app, or runs: reconnect pair join {code}\nIt works once, within 24 hours. Pairing"
        " completes when you both have synced (reconnect sync); then compare the safety"
        " number face to face (reconnect pair list)."
    ).format(code=code))


@app.command(
    "join",
    help=N_("Pair with the provider who gave you CODE (service-user vaults only)."),
)
@handles_errors
def join(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=N_("The code your provider gave you."))],
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.dyads import Dyads, relay_for
    from ..sync.service import resolve_relay_url
    from ..sync.sync_service import sync_and_process

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        url = resolve_relay_url(opened, relay)
        with relay_for(opened, url) as port:
            partner = Dyads(opened).join(code, port)
        report = sync_and_process(opened, url)
        partner = Dyads(opened).partner_named(partner.name)
    if as_json:
        print_json(partner_json(partner))
    else:
        echo(_("Joined {name}. Safety number: {number}").format(
            name=partner.name, number=partner.safety_number))
    if partner.status == "pending":
        status(_("Pairing completes when {name} has synced; then sync again.").format(
            name=partner.name))
    if report.offline:
        status(_("Your answer is waiting in your vault and is sent at the next sync."))


@app.command("list", help=N_("Show each partner, their safety number and whether you verified it."))
@handles_errors
def list_partners(
    ctx: typer.Context,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.dyads import Dyads

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        partners = Dyads(opened).partners()
    if as_json:
        print_json([partner_json(p) for p in partners])
        return
    if not partners:
        echo(_("No partners yet."))
        return
    for p in partners:
        marks = [_("verified") if p.verified else _("not verified")]
        if p.status == "pending":
            marks.append(_("pending"))
        if p.key_changed:
            marks.append(_("KEY CHANGED: compare the safety number again"))
        if p.resetting:
            marks.append(_("setting up the connection again after a restore from a backup"))
        if p.devices:
            marks.append(_("also on: {devices}").format(devices=", ".join(p.devices)))
        role = _("provider") if p.role == Role.PROVIDER else _("service user")
        echo(f"{p.name} ({role}) — {', '.join(marks)}")
        echo(f"  {p.safety_number}")


@app.command("verify", help=N_("Mark NAME's safety number as compared face to face."))
@handles_errors
def verify(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=N_("The partner's name, as they named themselves."))],
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.dyads import Dyads

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        dyads = Dyads(opened)
        partner = dyads.verify(dyads.partner_named(name).id)
    if as_json:
        print_json(partner_json(partner))
    else:
        echo(_("{name} is verified ({number}).").format(
            name=partner.name, number=partner.safety_number))
