"""Talking to the relay from plain mode: one sync, and pairing (invite or join)."""

from __future__ import annotations

from ..errors import RelayError
from ..i18n import _, ngettext
from ..model import Role
from .context import Context
from .forms import ask_text


def relay_url(ctx: Context) -> str:
    """The relay kept in the vault (or RECONNECT_RELAY, or the settings' default)."""
    from ..sync.service import resolve_relay_url

    return resolve_relay_url(ctx.session.vault, None, ctx.session.settings.relay_url)


def sync(ctx: Context, *, quiet: bool = False) -> bool:
    """Send what waits and fetch what is new; says what happened. False when offline."""
    try:
        url = relay_url(ctx)
    except RelayError as error:
        if not quiet:
            ctx.console.say(str(error))
        return False
    if not quiet:
        ctx.console.say(_("Syncing…"))
    report = ctx.session.sync.sync(url)
    if report.offline:
        ctx.console.say(_("Offline: what you wrote waits in your vault and is sent at the next"
                          " sync."))
        return False
    if not quiet:
        ctx.console.say(ngettext("Synced: {n} new.", "Synced: {n} new.", report.received)
                        .format(n=report.received))
    return True


def pair(ctx: Context) -> None:
    """A provider makes an invitation code; a service user enters the one they were given."""
    from ..sync.dyads import relay_for

    console = ctx.console
    try:
        url = relay_url(ctx)
    except RelayError as error:
        console.say(str(error))
        return
    dyads = ctx.session.dyads
    if ctx.role is Role.PROVIDER:
        with relay_for(ctx.session.vault, url) as port:
            code = dyads.create_invitation(port)
        console.say(_("Invitation code: {code}").format(code=code))
        console.say(_("Read this code out or show it in the consultation. It works once, within"
                      " 24 hours. Pairing completes when you both have synced."))
        return
    code = ask_text(console, _("The code your provider gave you:"))
    with relay_for(ctx.session.vault, url) as port:
        partner = dyads.join(code, port)
    console.say(_("Joined {name}. Safety number: {number}").format(
        name=partner.name, number=partner.safety_number))
    sync(ctx, quiet=True)
