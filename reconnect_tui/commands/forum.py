"""`reconnect forum`: peer-support forums for scripts (create, invite, join, post, list …).

`forum list --json` prints a list of posts in thread order (each thread's first post, then its
replies): {"id", "thread", "author", "text", "time", "hidden", "hidden_reason", "pinned",
"own", "unread"}. Commands that only read do not talk to the relay: run `reconnect sync`
first. `forum post`, `hide`, `pin`, `report` and `remove` queue in the vault, then try one sync.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import N_, _, ngettext
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

app = typer.Typer(
    help=N_("Peer-support forums among service users, under a pseudonym."),
    no_args_is_help=True,
)

ForumArgument = Annotated[str, typer.Argument(help=N_("The forum's name (or id)."))]


def post_json(post) -> dict[str, object]:
    return {
        "id": post.id,
        "thread": post.thread,
        "author": post.author,
        "text": post.text,
        "time": post.posted_at.isoformat(),
        "hidden": post.hidden,
        "hidden_reason": post.hidden_reason,
        "pinned": post.pinned,
        "own": post.own,
        "unread": post.unread,
        "unverified": post.unverified,
    }


def summary_json(summary) -> dict[str, object]:
    return {
        "id": summary.id,
        "name": summary.name,
        "pseudonym": summary.pseudonym,
        "moderator": summary.moderator,
        "members": summary.members,
        "unread": summary.unread,
        "last_activity": summary.last_activity.isoformat() if summary.last_activity else None,
        "removed": summary.removed,
    }


def _sync_after(opened, relay: str | None) -> bool:
    """One sync after queueing, as `message send` does; False when it stays queued."""
    from ..errors import RelayError
    from ..sync.service import resolve_relay_url
    from ..sync.sync_service import sync_and_process

    try:
        url = resolve_relay_url(opened, relay)
    except RelayError as error:
        status(str(error))
        return False
    report = sync_and_process(opened, url)
    if report.offline:
        status(_("Queued: it is sent at the next sync. {reason}").format(reason=report.error))
    return not report.offline


@app.command("create", help=N_("Start a forum that you moderate (service-user vaults only)."))
@handles_errors
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=N_("The forum's name (members see it)."))],
    as_: Annotated[
        str, typer.Option("--as", help=N_("Your pseudonym in this forum (never your name)."))
    ] = "Moderator",
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.forum import Forums

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        summary = Forums(opened).membership.create(name, as_)
    if as_json:
        print_json(summary_json(summary))
        return
    echo(_("Created {name}; you are its moderator, as {pseudonym}.").format(
        name=summary.name, pseudonym=summary.pseudonym))
    status(_("Invite members with: reconnect forum invite \"{name}\"").format(name=summary.name))


@app.command(
    "invite",
    help=N_(
        "Make a one-time code for someone to join FORUM (moderator only). --json: "
        "{\"code\": …}."
    ),
)
@handles_errors
def invite(
    ctx: typer.Context,
    forum: ForumArgument,
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.client import RelayClient
    from ..sync.dyads import relay_for
    from ..sync.forum import Forums
    from ..sync.service import resolve_relay_url

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        forums = Forums(opened)
        forum_id = forums.views.forum_named(forum).id
        url = resolve_relay_url(opened, relay)
        with relay_for(opened, url) as port:
            assert isinstance(port, RelayClient)  # a ForumRelay: it has with_key
            code = forums.membership.invite(forum_id, port)
    if as_json:
        print_json({"code": code})
        return
    echo(code)
    status(_(
        "Give this code to the person joining. They run: reconnect forum join {code} --as"
        " PSEUDONYM\nIt works once, within 24 hours; they are in after you have synced."
    ).format(code=code))


@app.command(
    "join",
    help=N_("Join a forum with CODE under a pseudonym (service-user vaults only)."),
)
@handles_errors
def join(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=N_("The code the moderator gave you."))],
    as_: Annotated[
        str, typer.Option("--as", help=N_("Your pseudonym in this forum (never your name)."))
    ],
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.client import RelayClient
    from ..sync.dyads import relay_for
    from ..sync.forum import Forums
    from ..sync.service import resolve_relay_url
    from ..sync.sync_service import sync_and_process

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        forums = Forums(opened)
        url = resolve_relay_url(opened, relay)
        with relay_for(opened, url) as port:
            assert isinstance(port, RelayClient)  # a ForumRelay: it has with_key
            summary = forums.membership.join(code, as_, port)
        report = sync_and_process(opened, url)
        summary = forums.views.summary(summary.id)
    if as_json:
        print_json(summary_json(summary))
    else:
        echo(_("Joining {name} as {pseudonym}.").format(
            name=summary.name, pseudonym=summary.pseudonym))
    status(_("You are in when the moderator has synced; then sync again (reconnect sync)."))
    if report.offline:
        status(_("Your answer is waiting in your vault and is sent at the next sync."))


@app.command(
    "post",
    help=N_("Post TEXT in FORUM (a new thread, or a reply with --thread ID), then sync once."),
)
@handles_errors
def post(
    ctx: typer.Context,
    forum: ForumArgument,
    text: Annotated[str, typer.Argument(help=N_("The post."))],
    thread: Annotated[
        str | None, typer.Option("--thread", help=N_("Reply in the thread of this post id."))
    ] = None,
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.forum import Forums

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        forums = Forums(opened)
        forum_id = forums.views.forum_named(forum).id
        made = forums.posting.post(forum_id, text, thread=thread)
        sent = _sync_after(opened, relay)
    if as_json:
        print_json(post_json(made))
    elif sent:
        status(_("Posted."))


@app.command(
    "list",
    help=N_(
        "FORUM's posts in thread order (pinned threads first, then the most recent "
        "activity).\n\n--json prints a list: each post with id, thread, author, text, time,"
        " hidden, hidden_reason, pinned, own, unread, unverified (an envelope that failed"
        " verification: no author, no text). Run `reconnect sync` first for what is new."
    ),
)
@handles_errors
def list_posts(
    ctx: typer.Context,
    forum: ForumArgument,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.forum import Forums

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        forums = Forums(opened)
        posts = forums.views.posts(forums.views.forum_named(forum).id)
    if as_json:
        print_json([post_json(p) for p in posts])
        return
    if not posts:
        echo(_("No posts yet."))
    for p in posts:
        if p.unverified:
            echo(f"{local_time(p.posted_at)} "
                 + _("[a post that could not be verified: not shown]"))
            continue
        indent = "" if p.id == p.thread else "    "
        marks = f" [{p.pinned}]" if p.pinned else ""
        text = p.text if not p.hidden or p.text else _("[hidden by the moderator]")
        if p.hidden and p.hidden_reason:
            marks += " " + _("[hidden: {reason}]").format(reason=p.hidden_reason)
        echo(f"{indent}{local_time(p.posted_at)} {p.author}{marks} ({p.id}): {text}")


@app.command("members", help=N_("FORUM's members, by pseudonym."))
@handles_errors
def members(
    ctx: typer.Context,
    forum: ForumArgument,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.forum import Forums

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        forums = Forums(opened)
        found = forums.views.members(forums.views.forum_named(forum).id)
    if as_json:
        print_json([{"pseudonym": m.pseudonym, "moderator": m.moderator,
                     "joined_at": m.joined_at.isoformat()} for m in found])
        return
    for m in found:
        echo(m.pseudonym + (" " + _("(moderator)") if m.moderator else ""))


@app.command(
    "remove",
    help=N_(
        "Remove a member from FORUM (moderator only): they cannot read what is posted "
        "after."
    ),
)
@handles_errors
def remove(
    ctx: typer.Context,
    forum: ForumArgument,
    pseudonym: Annotated[str, typer.Argument(help=N_("The member's pseudonym."))],
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
) -> None:
    from ..sync.forum import Forums

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        forums = Forums(opened)
        forums.membership.remove(forums.views.forum_named(forum).id, pseudonym)
        _sync_after(opened, relay)
    status(_("Removed {pseudonym}.").format(pseudonym=pseudonym))


@app.command(
    "hide",
    help=N_("Hide a post for everyone (moderator only); its author sees the reason."),
)
@handles_errors
def hide(
    ctx: typer.Context,
    forum: ForumArgument,
    post_id: Annotated[str, typer.Argument(help=N_("The post's id (forum list shows it)."))],
    reason: Annotated[str, typer.Option("--reason", help=N_("Why (the author sees it)."))],
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
) -> None:
    from ..sync.forum import Forums

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        forums = Forums(opened)
        forums.posting.hide(forums.views.forum_named(forum).id, post_id, reason)
        _sync_after(opened, relay)
    status(_("Hidden."))


@app.command("pin", help=N_("Pin a post as the forum's rules or as café dates (moderator only)."))
@handles_errors
def pin(
    ctx: typer.Context,
    forum: ForumArgument,
    post_id: Annotated[str, typer.Argument(help=N_("The post's id (forum list shows it)."))],
    kind: Annotated[
        str, typer.Option("--as", help=N_('"rules" (the welcome post), "cafe", or "" to unpin.'))
    ] = "rules",
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
) -> None:
    from ..sync.forum import Forums

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        forums = Forums(opened)
        forums.posting.pin(forums.views.forum_named(forum).id, post_id, kind)
        _sync_after(opened, relay)
    status(_("Pinned.") if kind else _("Unpinned."))


@app.command("report", help=N_("Report a post to the moderator, privately."))
@handles_errors
def report(
    ctx: typer.Context,
    forum: ForumArgument,
    post_id: Annotated[str, typer.Argument(help=N_("The post's id (forum list shows it)."))],
    reason: Annotated[str, typer.Option("--reason", help=N_("What is wrong with it."))] = "",
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
) -> None:
    from ..sync.forum import Forums

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        forums = Forums(opened)
        forums.posting.report(forums.views.forum_named(forum).id, post_id, reason)
        _sync_after(opened, relay)
    status(_("Reported to the moderator."))


@app.command(
    "reports",
    help=N_("The reports members sent about posts in FORUM (moderator only), newest first."),
)
@handles_errors
def reports(
    ctx: typer.Context,
    forum: ForumArgument,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.forum import Forums

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        forums = Forums(opened)
        found = forums.views.reports(forums.views.forum_named(forum).id)
    if as_json:
        print_json([{"id": r.id, "post_id": r.post_id, "reporter": r.reporter,
                     "reason": r.reason, "time": r.reported_at.isoformat(),
                     "post_text": r.post_text} for r in found])
        return
    if not found:
        echo(_("No reports."))
    for r in found:
        echo(f"{local_time(r.reported_at)} {r.reporter} ({r.post_id}): {r.reason}")


@app.command("forums", help=N_("The forums you are in, most recent activity first."))
@handles_errors
def list_forums(
    ctx: typer.Context,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.forum import Forums

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        found = Forums(opened).views.forums()
    if as_json:
        print_json([summary_json(s) for s in found])
        return
    if not found:
        echo(_("You are in no forum yet."))
    for s in found:
        role = _("moderator") if s.moderator else _("member")
        members = ngettext("{n} member", "{n} members", s.members).format(n=s.members)
        unread = ngettext("{n} unread", "{n} unread", s.unread).format(n=s.unread)
        line = _("{forum} — {pseudonym} ({role}), {members}, {unread}").format(
            forum=s.name, pseudonym=s.pseudonym, role=role, members=members, unread=unread)
        echo(line + (" " + _("(removed)") if s.removed else ""))
