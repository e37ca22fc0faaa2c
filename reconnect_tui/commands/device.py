"""`reconnect device`: link another device to your vault, list and remove devices
(docs/devices.md)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer

from ..errors import ReconnectError, RelayError
from ..i18n import N_, _
from ..qr_text import qr_lines
from ..text_safety import clean_label, name_problem
from .common import (
    JsonOption,
    PassphraseSource,
    PassphraseStdinOption,
    RelayOption,
    VaultOption,
    echo,
    handles_errors,
    print_json,
    status,
    stdout_is_terminal,
    vault_path,
)
from .vault import open_vault

app = typer.Typer(
    help=N_("Link another computer to your vault, as a messaging app links a desktop; list and"
            " remove linked devices."),
    no_args_is_help=True,
)

WAIT_SECONDS = 120
POLL_SECONDS = 2.0


def device_json(device) -> dict[str, object]:
    return {"name": device.name, "this_device": device.this_device,
            "linked_at": device.linked_at.isoformat(), "status": device.status}


def _device_name(name: str) -> str:
    from ..sync.device_keys import valid_device_name

    name = name.strip()
    problem = name_problem(name) if name else _("The name cannot be empty.")
    if problem:
        raise typer.BadParameter(problem, param_hint="--name")
    if not valid_device_name(name):
        raise typer.BadParameter(_("A device name is at most 60 characters."),
                                 param_hint="--name")
    return name


@app.command(
    "invite",
    help=N_("Show a one-time code (and a QR code) to link another device to this vault. On the"
            " other computer: reconnect device join CODE --name NAME."),
    epilog=N_("Example: reconnect device invite --name Laptop"),
)
@handles_errors
def invite(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(
        "--name", help=N_("This device's name, the first time (default: the computer's"
                          " name)."))] = None,
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.devices import Devices
    from ..sync.dyads import relay_for
    from ..sync.service import resolve_relay_url

    own = _device_name(name) if name is not None else None
    with open_vault(ctx, vault, passphrase_stdin) as opened:
        url = resolve_relay_url(opened, relay)
        with relay_for(opened, url) as port:
            code = Devices(opened).create_invitation(port, own)
    if as_json:
        print_json({"code": code})
        return
    echo(code)
    if stdout_is_terminal():
        echo("")
        for line in qr_lines(code):
            echo(line)
        echo("")
    status(_(
        "On the other computer run: reconnect device join {code} --name NAME --relay {relay}"
        "\nThe code works once, within an hour. Then sync here (reconnect sync; the app does"
        " it by itself): this vault checks the new device and sends it your toolbox."
    ).format(code=code, relay=clean_label(url)))


def _relay_before_vault(relay: str | None) -> str:
    from ..settings import load_settings
    from ..sync.client import check_relay_url

    given = relay or os.environ.get("RECONNECT_RELAY") or load_settings().relay_url
    if not given:
        raise RelayError(_("No relay address yet. Give one with --relay URL or"
                           " RECONNECT_RELAY; it is then kept in your vault."))
    return check_relay_url(given)


@app.command(
    "join",
    help=N_("Make a vault on this computer that belongs to the same person as the device that"
            " showed CODE (reconnect device invite there)."),
    epilog=N_('Example: reconnect device join ABCD-EFGH-JKMN --name "Work PC"'),
)
@handles_errors
def join(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=N_("The code your other device shows."))],
    name: Annotated[str, typer.Option("--name", help=N_("This device's name, as your other"
                                                        " devices list it."))],
    wait: Annotated[int, typer.Option(
        "--wait", min=0, help=N_("Seconds to wait for your other device to answer (0: do not"
                                 " wait; the next sync finishes the link)."))] = WAIT_SECONDS,
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..store import Vault
    from ..sync import devices as device_service
    from ..sync.device_keys import link_code_keys

    name = _device_name(name)
    link_code_keys(code)  # a mistyped code is said before anything else happens
    path = vault_path(ctx, vault)
    device_service.finish_interrupted_move(path)
    source = PassphraseSource(passphrase_stdin)
    recovery_code = None
    if Vault.exists(path):  # a join cut short: carry on with the vault it made
        Vault._header_for(path)
        passphrase = source.read(_("Passphrase"))
        with Vault.unlock(path, passphrase) as opened:
            service = device_service.Devices(opened)
            done = service.is_linked() and not service.joining()
            if not done and not service.joining():
                raise ReconnectError(_(
                    "A vault already exists at {path}. Give another place with --vault PATH."
                ).format(path=path))
        if done:  # a join run again after it linked: nothing to do
            if as_json:
                print_json({"vault": str(path), "name": name, "linked": True,
                            "recovery_code": None, "offline": False})
            else:
                echo(_("This vault is linked already; see: reconnect device list"))
            return
    else:
        url = _relay_before_vault(relay)
        device_service.check_place(path)  # before the code is used up
        passphrase = source.read_new(_("Choose a passphrase for this device's vault"),
                                     "RECONNECT_PASSPHRASE")
        bundle, keys = device_service.take_bundle(code, url)
        status(_("Creating the vault (this takes a moment)…"))
        recovery_code = device_service.create_joined_vault(path, passphrase, bundle, keys, name,
                                                           url)
        if not as_json:
            echo(_("Vault created at {path}").format(path=path))
            echo(_("Your recovery code for this device's vault (shown only this once):"))
            echo(f"    {recovery_code}")
    linked, offline = _wait_for_welcome(path, passphrase, relay, wait)
    if as_json:
        print_json({"vault": str(path), "name": name, "linked": linked,
                    "recovery_code": recovery_code, "offline": offline})
    elif linked:
        echo(_("Linked. This device is {name}; see your devices with: reconnect device list"
               ).format(name=name))
    if not linked:
        status(_("Not linked yet: your other device has not answered. Sync there (reconnect"
                 " sync), then here (reconnect sync, or this command again)."))
        if offline:
            status(_("The relay could not be reached; what waits is sent at the next sync."))


def _wait_for_welcome(path: Path, passphrase: str, relay: str | None,
                      wait: int) -> tuple[bool, bool]:
    """Sync until the first device's welcome is in, or ``wait`` seconds passed: (linked,
    offline)."""
    from ..store import Vault
    from ..sync.devices import Devices
    from ..sync.service import resolve_relay_url
    from ..sync.sync_service import sync_and_process

    deadline = time.monotonic() + wait
    with Vault.unlock(path, passphrase) as opened:
        url = resolve_relay_url(opened, relay)
        while True:
            report = sync_and_process(opened, url)
            if not Devices(opened).joining():
                return True, False
            if report.offline or time.monotonic() >= deadline:
                return False, report.offline
            time.sleep(POLL_SECONDS)


@app.command(
    "list",
    help=N_("Show the devices linked to your vault: name, this device, when it was linked."),
    epilog=N_("Example: reconnect device list --json"),
)
@handles_errors
def list_devices(
    ctx: typer.Context,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.devices import Devices
    from .common import local_time

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        devices = Devices(opened).devices()
    if as_json:
        print_json([device_json(d) for d in devices])
        return
    if not devices:
        echo(_("No linked devices. Link one with: reconnect device invite"))
        return
    for device in devices:
        marks = [_("linked {time}").format(time=local_time(device.linked_at))]
        if device.this_device:
            marks.insert(0, _("this device"))
        if device.status == "joining":
            marks = [_("waiting for its answer")]
        shown = device.name or _("(your other device)")
        echo(f"{shown} — {', '.join(marks)}")


@app.command(
    "remove",
    help=N_("Remove the device NAME: your other devices stop sending it anything, and its keys"
            " are retired."),
    epilog=N_('Example: reconnect device remove "Work PC"'),
)
@handles_errors
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=N_("The device's name, as device list shows it."))],
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.devices import Devices

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        removed = Devices(opened).remove(name)
    if as_json:
        print_json(device_json(removed))
        return
    echo(_("Removed {name}. Sync (reconnect sync) to tell your other devices.").format(
        name=removed.name))
