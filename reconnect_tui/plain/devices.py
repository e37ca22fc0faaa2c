"""Devices in plain mode: the person's linked devices, linking one more, removing one.

Through ``sync/devices.py`` (the session's ``devices`` service), as the app's Devices screen
(``screens/devices.py``) and ``reconnect device …`` do. The code is said as text only (a QR
code drawn in block characters means nothing to a screen reader)."""

from __future__ import annotations

from ..errors import ReconnectError
from ..formats import clock, format_moment
from ..i18n import _, ngettext
from ..text_safety import clean_label
from .context import Context
from .io import Back
from .relay import relay_url, sync


def _label(device: object) -> str:
    name = clean_label(getattr(device, "name", "")) or _("(your other device)")
    when = format_moment(getattr(device, "linked_at"))  # noqa: B009 - DeviceView
    if getattr(device, "this_device", False):
        return _("{name} (this device), linked {when}").format(name=name, when=when)
    if getattr(device, "status", "") == "joining":
        return _("{name}, waiting for the first device").format(name=name)
    return _("{name}, linked {when}").format(name=name, when=when)


def run(ctx: Context) -> None:
    console = ctx.console
    service = ctx.session.devices
    sync(ctx, quiet=True)
    while True:
        devices = service.devices()
        if len(devices) <= 1:
            console.say(_("Only this device so far. Linking another computer gives it a vault"
                          " that belongs to you as well: you type a one-time code there, and"
                          " your toolbox goes to it, end-to-end encrypted through the relay."))
        else:
            console.say_list(ngettext("{n} device.", "{n} devices.", len(devices))
                             .format(n=len(devices)), [_label(d) for d in devices])
        others = [d for d in devices if not d.this_device]
        actions = [_("Link a new device")] + ([_("Remove a device")] if others else [])
        try:
            choice = console.choose(_("Devices"), actions)
        except Back:
            return
        try:
            if choice == 0:
                link(ctx)
            else:
                remove(ctx, others)
        except Back:
            continue


def link(ctx: Context) -> None:
    console = ctx.console
    try:
        url = relay_url(ctx)
        console.say(_("Making a one-time code at the relay…"))
        code = ctx.session.devices.invite(url)
    except ReconnectError as error:
        console.say(_("No code was made: {reason}").format(reason=error))
        return
    console.say(_("One-time code: {code}").format(code=code.code))
    console.say(_("On the other computer run: reconnect device join {code} --name NAME --relay"
                  " {relay}. It works once, until {time}. Then sync here (choose Devices"
                  " again, or sync from Home): this vault checks the new device and sends it"
                  " your toolbox.").format(code=code.code, relay=clean_label(url),
                                           time=clock(code.expires_at.astimezone())))


def remove(ctx: Context, others: list) -> None:  # type: ignore[type-arg]
    console = ctx.console
    index = console.pick(ngettext("Remove which device? {n} other device.",
                                  "Remove which device? {n} other devices.", len(others))
                         .format(n=len(others)), [_label(d) for d in others])
    if index is None:
        return
    device = others[index]
    name = clean_label(device.name)
    if not console.confirm(_("Remove {name}? It gets nothing written after this, and it can"
                             " no longer read new messages.").format(name=name)):
        return
    try:
        ctx.session.devices.remove(device.name)
    except ReconnectError as error:
        console.say(str(error))
        return
    console.say(_("Removed {name}.").format(name=name))
    sync(ctx, quiet=True)
