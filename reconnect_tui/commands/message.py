"""`reconnect message`: send to a partner and list conversations, for scripts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import N_, _
from .common import (
    JsonOption,
    PassphraseStdinOption,
    RelayOption,
    VaultOption,
    echo,
    handles_errors,
    local_time,
    print_json,
    status,
)
from .vault import open_vault

if TYPE_CHECKING:
    from ..store import Vault
    from ..sync.dyads import ChatMessage, Dyads

STATUS_TEXTS = {
    "queued": N_("queued"),
    "delivered": N_("delivered"),
    "read": N_("read"),
    "unread": N_("unread"),
    "unverified": N_("unverified"),
}
"""What a message's status is called in text output (``--json`` keeps the status itself)."""

app = typer.Typer(help=N_("Send and read messages in your dyads."), no_args_is_help=True)


def message_json(message) -> dict[str, object]:
    return {
        "id": message.id,
        "partner_id": message.partner_id,
        "from": message.sender,
        "outgoing": message.outgoing,
        "text": message.text,
        "sent_at": message.sent_at.isoformat(),
        "status": message.status,
        "reply_to": message.reply_to,
        "about": None
        if message.about is None
        else {
            "module": message.about.module,
            "item_id": message.about.item_id,
            "title": message.about.title,
        },
    }


@app.command(
    "send",
    help=N_(
        "Send TEXT to a partner: kept in your vault first, then delivered (or at the next"
        " sync)."
    ),
)
@handles_errors
def send(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help=N_("The message."))],
    to: Annotated[str, typer.Option("--to", help=N_("The partner's name."))],
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..errors import RelayError
    from ..sync.dyads import Dyads
    from ..sync.service import resolve_relay_url
    from ..sync.sync_service import sync_and_process

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        dyads = Dyads(opened)
        message = dyads.send(dyads.partner_named(to).id, text)
        try:
            url = resolve_relay_url(opened, relay)
        except RelayError as error:
            url = ""
            status(str(error))
        if url:
            sync_and_process(opened, url)
        message = next(m for m in dyads.conversation(message.partner_id) if m.id == message.id)
    if as_json:
        print_json(message_json(message))
    elif message.status == "queued":
        status(_("Queued: it is sent at the next sync."))
    else:
        status(_("Sent to {name}.").format(name=to))


@app.command(
    "list",
    help=N_(
        "List messages, oldest first (what the last sync brought; run `reconnect sync` "
        "first). What it shows is marked read, and read receipts go to partners who have "
        "them on (unless --no-mark-read)."
    ),
)
@handles_errors
def list_messages(
    ctx: typer.Context,
    with_: Annotated[
        str | None, typer.Option("--with", help=N_("Only the conversation with this partner."))
    ] = None,
    no_mark_read: Annotated[
        bool, typer.Option("--no-mark-read", help=N_("Leave unread messages unread."))
    ] = False,
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.dyads import Dyads

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        dyads = Dyads(opened)
        if with_ is not None:
            messages = dyads.conversation(dyads.partner_named(with_).id)
        else:
            messages = dyads.all_messages()
        if not no_mark_read:
            _mark_read(opened, dyads, messages, relay)
    if as_json:
        print_json([message_json(m) for m in messages])
        return
    for m in messages:
        text = (
            m.text
            if m.status != "unverified"
            else _("[a message that could not be verified: not shown]")
        )
        about = (f" [{m.about.title or _('an item whose title is not shared')}]" if m.about
                 else "")
        state = _(STATUS_TEXTS[m.status]) if m.status in STATUS_TEXTS else m.status
        echo(f"{local_time(m.sent_at)} {m.sender} ({state}){about}: {text}")


def _mark_read(opened: Vault, dyads: Dyads, messages: list[ChatMessage],
               relay: str | None) -> None:
    """Mark the conversations shown read; a sync delivers the read receipts that queued (to
    partners who have them on). An unreachable relay keeps them for the next sync."""
    from ..errors import RelayError
    from ..sync.service import resolve_relay_url
    from ..sync.sync_service import sync_and_process

    unread = {m.partner_id for m in messages if m.status == "unread"}
    if not unread:
        return
    for partner_id in sorted(unread):
        dyads.mark_read(partner_id)
    receipts = {p.id for p in dyads.partners() if p.read_receipts and p.status == "paired"}
    if not unread & receipts:
        return
    try:
        report = sync_and_process(opened, resolve_relay_url(opened, relay))
    except RelayError:
        report = None
    if report is None or report.offline:
        status(_("Read receipts are sent at the next sync."))


@app.command(
    "history",
    help=N_(
        "Show the conversations and forums an import file brought: readable history, not"
        " connected (pair again to talk)."
    ),
)
@handles_errors
def history(
    ctx: typer.Context,
    with_: Annotated[
        str | None, typer.Option("--with", help=N_("Only the conversation with this partner."))
    ] = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..store.repositories.imported_history import ImportedHistoryRepository

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        entries = ImportedHistoryRepository(opened).entries()
    if with_ is not None:
        entries = [e for e in entries if e.kind == "dyad" and e.name == with_]
    if as_json:
        print_json([{"kind": e.kind, "name": e.name,
                     "imported_at": e.imported_at.isoformat() if e.imported_at else None,
                     **e.data} for e in entries])
        return
    if not entries:
        status(_("No imported conversations or forums."))
        return
    for entry in entries:
        if entry.kind == "dyad":
            partner = entry.name
            echo(_("Conversation with {name} (imported, read only)").format(name=partner))
            for m in entry.data.get("messages", []):
                who = _("you") if m.get("outgoing") else partner
                echo(f"  {_history_time(m.get('sent_at'))} {who}: {m.get('text', '')}")
        else:
            echo(_("Forum {name}, where you were {pseudonym} (imported, read only)").format(
                name=entry.name, pseudonym=entry.data.get("pseudonym", "")))
            for post in entry.data.get("posts", []):
                echo(f"  {_history_time(post.get('posted_at'))} {post.get('author', '')}:"
                     f" {post.get('text', '')}")


def _history_time(text: object) -> str:
    try:
        when = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    return local_time(when if when.tzinfo else when.replace(tzinfo=UTC))
