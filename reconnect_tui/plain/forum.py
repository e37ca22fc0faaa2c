"""The peer forum: forums, their threads and posts, under a pseudonym.

Through the session's ``forums`` services (``sync/forum.py``); what others posted is cleaned
by ``text_safety`` when it arrives and again when it is said (``io.plain_text``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from .. import formats
from ..errors import ReconnectError
from ..i18n import N_, _, ngettext
from .context import Context
from .forms import ask_text
from .io import Back
from .relay import relay_url, sync


def run(ctx: Context) -> None:
    console = ctx.console
    forums = ctx.session.forums
    console.say(_("Peer support among service users: not treatment, and not for emergencies."))
    sync(ctx, quiet=True)
    while True:
        found = forums.views.forums()
        labels = [_forum_label(f) for f in found]
        console.say_list(ngettext("{n} forum.", "{n} forums.", len(found)).format(n=len(found)),
                         labels)
        actions = ([(_("Open a forum"), partial(_open, ctx, found))] if found else []) + [
            (_("Join a forum with a code"), lambda: join(ctx)),
            (_("Start a forum (you moderate it)"), lambda: create(ctx)),
        ]
        try:
            choice = console.choose(_("Peer forum"), [label for label, _a in actions])
        except Back:
            return
        try:
            actions[choice][1]()
        except Back:
            continue
        except ReconnectError as error:
            console.say(_("That did not work: {reason}").format(reason=str(error)))


def _forum_label(forum: Any) -> str:
    label = _("{name}, you are {pseudonym}").format(name=forum.name, pseudonym=forum.pseudonym)
    if forum.unread:
        label = ngettext("{label}, {n} unread", "{label}, {n} unread", forum.unread).format(
            label=label, n=forum.unread)
    return label


def _open(ctx: Context, found: list[Any]) -> None:
    index = ctx.console.pick(ngettext("{n} forum.", "{n} forums.", len(found))
                             .format(n=len(found)), [_forum_label(f) for f in found])
    if index is not None:
        forum_menu(ctx, found[index].id)


def create(ctx: Context) -> None:
    name = ask_text(ctx.console, _("The forum's name:"))
    pseudonym = ask_text(ctx.console, _("Your pseudonym in it (never your name):"))
    summary = ctx.session.forums.membership.create(name, pseudonym)
    ctx.console.say(_("Forum {name} started; you moderate it as {pseudonym}.").format(
        name=summary.name, pseudonym=summary.pseudonym))


def join(ctx: Context) -> None:
    from ..sync.client import RelayClient
    from ..sync.dyads import relay_for

    code = ask_text(ctx.console, _("The code the moderator gave you:"))
    pseudonym = ask_text(ctx.console, _("Your pseudonym in it (never your name):"))
    with relay_for(ctx.session.vault, relay_url(ctx)) as port:
        assert isinstance(port, RelayClient)  # a ForumRelay: it has with_key
        summary = ctx.session.forums.membership.join(code, pseudonym, port)
    sync(ctx, quiet=True)
    ctx.console.say(_("Joining {name} as {pseudonym}.").format(name=summary.name,
                                                              pseudonym=summary.pseudonym))


def invite(ctx: Context, forum_id: str) -> None:
    from ..sync.client import RelayClient
    from ..sync.dyads import relay_for

    with relay_for(ctx.session.vault, relay_url(ctx)) as port:
        assert isinstance(port, RelayClient)
        code = ctx.session.forums.membership.invite(forum_id, port)
    ctx.console.say(_("Invitation code: {code}").format(code=code))
    ctx.console.say(_("Give this code to the person joining. It works once, within 24 hours;"
                      " they are in after you have synced."))


PINNED_LABELS = {"rules": N_("Pinned: the forum's rules"), "cafe": N_("Pinned: café dates")}
"""The pinned marks, as the full app's forum screens say them (``screens/forum_common.py``)."""


def thread_line(thread: Any) -> str:
    """A thread in the list: pinned ones say so first (they head the forum)."""
    line = ngettext("{text}, {n} reply", "{text}, {n} replies", len(thread.replies)).format(
        text=thread.first.text or _("hidden by the moderator"), n=len(thread.replies))
    if thread.first.pinned in PINNED_LABELS:
        line = _("{pinned}. {line}").format(pinned=_(PINNED_LABELS[thread.first.pinned]),
                                            line=line)
    return line


def post_line(post: Any) -> str:
    text = post.text if post.text else _("hidden by the moderator")
    return _("{when}, {author} wrote: {text}").format(
        when=formats.format_moment(post.posted_at), author=post.author, text=text)


def forum_menu(ctx: Context, forum_id: str) -> None:
    console = ctx.console
    views = ctx.session.forums.views
    while True:
        summary = views.summary(forum_id)
        threads = views.threads(forum_id)
        console.say_list(ngettext("{n} thread.", "{n} threads.", len(threads))
                         .format(n=len(threads)),
                         [thread_line(t) for t in threads])
        actions: list[tuple[str, Callable[[], None]]] = []
        if threads:
            actions.append((_("Read a thread"), partial(read_thread, ctx, forum_id, threads)))
        if not summary.removed:
            actions.append((_("Start a thread"), lambda: post(ctx, forum_id, None)))
        if summary.moderator:
            if threads:
                actions.append((_("Pin or unpin a thread"), partial(pin, ctx, forum_id, threads)))
            actions.append((_("Invite someone"), partial(invite, ctx, forum_id)))
            actions.append((_("Reports"), partial(reports, ctx, forum_id)))
            actions.append((_("Remove a member"), partial(remove_member, ctx, forum_id)))
        actions.append((_("Members"), partial(members, ctx, forum_id)))
        choice = console.choose(summary.name, [label for label, _a in actions])
        try:
            actions[choice][1]()
        except Back:
            continue
        except ReconnectError as error:
            console.say(_("That did not work: {reason}").format(reason=str(error)))


def pin(ctx: Context, forum_id: str, threads: list[Any]) -> None:
    """Moderator: pin a thread's first post as the rules or the café dates, or unpin it (as
    the full app's p, c and u keys; a reply is never pinned)."""
    console = ctx.console
    index = console.pick(ngettext("{n} thread.", "{n} threads.", len(threads))
                         .format(n=len(threads)), [thread_line(t) for t in threads])
    if index is None:
        return
    first = threads[index].first
    kinds = [k for k in ("rules", "cafe", "") if k != first.pinned]
    labels = {"rules": _("Pin as the forum's rules"), "cafe": _("Pin as café dates"),
              "": _("Unpin")}
    kind = kinds[console.choose(_("Pin"), [labels[k] for k in kinds])]
    ctx.session.forums.posting.pin(forum_id, first.id, kind)
    sync(ctx, quiet=True)
    console.say(_(PINNED_LABELS[kind]) + "." if kind else _("Unpinned."))


def members(ctx: Context, forum_id: str) -> None:
    found = ctx.session.forums.views.members(forum_id)
    ctx.console.say_list(ngettext("{n} member.", "{n} members.", len(found)).format(n=len(found)),
                         [m.pseudonym for m in found])


def reports(ctx: Context, forum_id: str) -> None:
    found = ctx.session.forums.views.reports(forum_id)
    ctx.console.say_list(ngettext("{n} report.", "{n} reports.", len(found)).format(
        n=len(found)), [_("{when}, {reporter} reported: {text}. Reason: {reason}").format(
            when=formats.format_moment(r.reported_at), reporter=r.reporter,
            text=r.post_text, reason=r.reason) for r in found])


def remove_member(ctx: Context, forum_id: str) -> None:
    views = ctx.session.forums.views
    summary = views.summary(forum_id)
    others = [m for m in views.members(forum_id) if m.pseudonym != summary.pseudonym]
    index = ctx.console.pick(ngettext("{n} member.", "{n} members.", len(others)).format(
        n=len(others)), [m.pseudonym for m in others])
    if index is None:
        return
    pseudonym = others[index].pseudonym
    if ctx.console.confirm(_("Remove {pseudonym} from the forum?").format(pseudonym=pseudonym)):
        ctx.session.forums.membership.remove(forum_id, pseudonym)
        sync(ctx, quiet=True)
        ctx.console.say(_("Removed {pseudonym}.").format(pseudonym=pseudonym))


def post(ctx: Context, forum_id: str, thread: str | None) -> None:
    text = ask_text(ctx.console, _("Your post (one line; q cancels):"))
    ctx.session.forums.posting.post(forum_id, text, thread=thread)
    sync(ctx, quiet=True)
    ctx.console.say(_("Posted."))


def read_thread(ctx: Context, forum_id: str, threads: list[Any]) -> None:
    console = ctx.console
    index = console.pick(ngettext("{n} thread.", "{n} threads.", len(threads))
                         .format(n=len(threads)),
                         [t.first.text or _("hidden by the moderator") for t in threads])
    if index is None:
        return
    thread = threads[index]
    posts = [thread.first, *thread.replies]
    console.say_list(ngettext("{n} post.", "{n} posts.", len(posts)).format(n=len(posts)),
                     [post_line(p) for p in posts])
    ctx.session.forums.views.mark_read(forum_id, thread.first.id)
    summary = ctx.session.forums.views.summary(forum_id)
    actions: list[tuple[str, Callable[[], None]]] = []
    if not summary.removed:
        actions.append((_("Reply"), lambda: post(ctx, forum_id, thread.first.id)))
    actions.append((_("Report a post to the moderator"), lambda: _report(ctx, forum_id, posts)))
    if summary.moderator:
        actions.append((_("Hide a post"), lambda: _hide(ctx, forum_id, posts)))
    choice = console.choose(_("This thread"), [label for label, _a in actions])
    actions[choice][1]()


def _report(ctx: Context, forum_id: str, posts: list[Any]) -> None:
    index = ctx.console.pick(ngettext("{n} post.", "{n} posts.", len(posts))
                             .format(n=len(posts)), [post_line(p) for p in posts])
    if index is not None:
        reason = ask_text(ctx.console, _("Why:"))
        ctx.session.forums.posting.report(forum_id, posts[index].id, reason)
        sync(ctx, quiet=True)
        ctx.console.say(_("Reported."))


def _hide(ctx: Context, forum_id: str, posts: list[Any]) -> None:
    index = ctx.console.pick(ngettext("{n} post.", "{n} posts.", len(posts))
                             .format(n=len(posts)), [post_line(p) for p in posts])
    if index is not None:
        reason = ask_text(ctx.console, _("Why:"))
        ctx.session.forums.posting.hide(forum_id, posts[index].id, reason)
        sync(ctx, quiet=True)
        ctx.console.say(_("Hidden."))
