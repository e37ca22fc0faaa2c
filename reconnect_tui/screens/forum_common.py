"""What every forum screen shares: the two notice lines, the service, rows as text.

The forum is peer support among service users, never treatment and never for emergencies;
every forum screen says so in a line under the emergency notice. Posts are what people
wrote, so they are always shown as ``rich.text.Text`` (never read as markup).
"""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Header, Static

from ..errors import ReconnectError
from ..i18n import _, ngettext
from ..store import Toolbox
from ..sync.forum import ForumMember, ForumPost, ForumReport, Forums, ForumSummary, ForumThread
from ..widgets.footer import CompactFooter
from ..widgets.notice import NotForEmergencies
from .base import ModuleScreen
from .events import SyncRequested
from .messages import time_text

Shown = TypeVar("Shown")
"""What a forum screen reads and shows."""

PINNED_LABELS = {"rules": "Pinned: the forum's rules", "cafe": "Pinned: café dates"}
"""English source texts of the pinned marks; show through ``_()``."""

HIDDEN_FOR_OTHERS = "Hidden by the moderator."
UNVERIFIED_POST = ("A post that could not be verified: it was changed on the way or not sent"
                   " by a member. It is not shown.")


class PeerSupportNotice(Static):
    """One line: what the forum is, and what it is not."""

    DEFAULT_CLASSES = "notice peer-support"

    def __init__(self, **kwargs) -> None:
        super().__init__(
            _("Peer support among service users: not treatment, and not for emergencies."),
            **kwargs,
        )


def forum_notices() -> ComposeResult:
    """The emergency line and the peer-support line, on every forum screen (the vault's
    country, for the emergency numbers, arrives with the screen's first read)."""
    yield NotForEmergencies(None)
    yield PeerSupportNotice()


def first_line(text: str, width: int = 60) -> str:
    """A post's first line, cut to ``width`` characters with an ellipsis."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def pinned_label(kind: str) -> str:
    return _(PINNED_LABELS[kind]) if kind in PINNED_LABELS else ""


def forum_row(summary: ForumSummary, now: datetime) -> Text:
    """A forum in the list: name and unread, then my pseudonym, role, members, last activity."""
    row = Text()
    row.append(summary.name, style="bold")
    if summary.unread:
        row.append("  ● " + ngettext("{n} new", "{n} new", summary.unread).format(
            n=summary.unread), style="bold")
    details = [_("you are {name}").format(name=summary.pseudonym)]
    if summary.moderator:
        details.append(_("you moderate it"))
    details.append(ngettext("{n} member", "{n} members", summary.members).format(
        n=summary.members))
    if summary.last_activity is not None:
        details.append(_("last post {when}").format(when=time_text(summary.last_activity, now)))
    row.append("\n" + " · ".join(details), style="dim")
    if summary.removed:
        row.append("\n" + _("You were removed: you can read what was there, not post."),
                   style="italic")
    return row


def post_heading(post: ForumPost, now: datetime) -> Text:
    """Author, time, and the marks a post can carry."""
    heading = Text()
    heading.append(post.author, style="bold")
    if post.own:
        heading.append(" " + _("(you)"), style="bold")
    heading.append(f" · {time_text(post.posted_at, now)}", style="dim")
    if post.unread:
        heading.append("  ● " + _("new"), style="bold")
    if post.pinned:
        heading.append("  " + pinned_label(post.pinned), style="bold")
    return heading


def hidden_text(post: ForumPost, moderator: bool) -> Text:
    """A hidden post: for others one line; its author (and the moderator) also see why."""
    if post.own:
        text = Text()
        text.append("⚠ " + _("The moderator hid this post from everyone. Why: "), style="bold")
        text.append(post.hidden_reason or _("no reason given"))
        text.append("\n" + _("Only you and the moderator still see it:"), style="italic")
    elif moderator and post.text:
        text = Text()
        text.append(_("Hidden from everyone. Your reason: "), style="bold")
        text.append(post.hidden_reason or _("no reason given"))
    else:
        return Text(_(HIDDEN_FOR_OTHERS), style="italic")
    text.append("\n")
    text.append(post.text, style="dim")
    return text


def unverified_text(post: ForumPost, now: datetime) -> Text:
    """An envelope that failed verification: a warning and when it arrived, nothing else."""
    text = Text("⚠ " + _(UNVERIFIED_POST), style="italic")
    text.append("\n" + _("arrived {when}").format(when=time_text(post.posted_at, now)),
                style="dim")
    return text


def post_text(post: ForumPost, now: datetime, *, moderator: bool) -> Text:
    """A post as it appears in its thread."""
    if post.unverified:
        return unverified_text(post, now)
    text = post_heading(post, now)
    text.append("\n")
    if post.hidden:
        text.append_text(hidden_text(post, moderator))
    else:
        text.append(post.text)
    return text


def thread_row(thread: ForumThread, now: datetime) -> Text:
    """A thread in a forum: pinned ones in full, others as their first line and the counts."""
    first = thread.first
    if first.unverified:
        return unverified_text(first, now)
    if first.pinned:
        row = Text()
        row.append(pinned_label(first.pinned), style="bold")
        row.append(f"  {first.author} · {time_text(first.posted_at, now)}", style="dim")
        row.append("\n")
        row.append(Text(_(HIDDEN_FOR_OTHERS), style="italic") if first.hidden and not first.text
                   else Text(first.text))
        return row
    if first.hidden and not first.text:
        title = Text(_(HIDDEN_FOR_OTHERS), style="italic")
    else:
        title = Text(first_line(first.text), style="bold" if thread.unread else "")
        if first.hidden:
            title.append("  " + _("(hidden)"), style="italic")
    row = Text()
    if thread.unread and not thread.muted:
        row.append("● ", style="bold")
    row.append_text(title)
    details = [first.author,
               ngettext("{n} reply", "{n} replies", len(thread.replies)).format(
                   n=len(thread.replies)),
               _("last {when}").format(when=time_text(thread.last_activity, now))]
    if thread.unread:
        details.append(ngettext("{n} new", "{n} new", thread.unread).format(n=thread.unread))
    if thread.muted:
        details.append(_("muted"))
    row.append("\n" + " · ".join(details), style="dim")
    if thread.muted:
        row.stylize("dim")
    return row


def member_row(member: ForumMember, now: datetime) -> Text:
    row = Text()
    row.append(member.pseudonym, style="bold")
    if member.moderator:
        row.append("  " + _("moderator"), style="italic")
    row.append("  · " + _("joined {when}").format(when=time_text(member.joined_at, now)),
               style="dim")
    return row


def report_row(report: ForumReport, now: datetime, *, hidden: bool = False) -> Text:
    """A report: who, when, why, the post's first line, and whether the post is hidden now."""
    row = Text()
    row.append(_("From {name}").format(name=report.reporter), style="bold")
    row.append(f" · {time_text(report.reported_at, now)}", style="dim")
    row.append("\n" + _("Why: "), style="bold")
    row.append(report.reason)
    row.append("\n" + _("Post: "), style="bold")
    row.append(first_line(report.post_text, 64) or _("(no text)"), style="italic")
    if hidden:
        row.append("\n" + _("The post is hidden now."), style="dim")
    return row


class ForumScreenBase(ModuleScreen[Shown | ReconnectError], Generic[Shown]):
    """A forum screen: the header, both notices, the body, the footer keys.

    Reads and writes go through :class:`Forums` (``sync/forum.py``); a failure becomes a
    notification with the service's plain-language message. Reading follows the screens' one
    loading pattern (``screens/base.py``): ``read`` runs in the loading thread, ``show`` on the
    UI thread with what it read; ``reload`` asks for both again.
    """

    DEFAULT_CSS = """
    ForumScreenBase #forum-list, ForumScreenBase #threads, ForumScreenBase #posts,
    ForumScreenBase #reports, ForumScreenBase #members {
        height: 1fr;
        border: round $primary 40%;
    }
    ForumScreenBase #forum-line, ForumScreenBase #thread-line {
        padding: 0 1;
        text-style: bold;
    }
    ForumScreenBase .forum-keys {
        padding: 0 1;
        color: $text-muted;
    }
    /* 60x20: the footer names the keys (the line is shown or not by the screen, so it
       takes no room here); a long empty state scrolls instead of pushing the rest off. */
    ForumScreenBase.-short .forum-keys { height: 0; }
    ForumScreenBase.-short .empty-state { height: 1fr; max-height: 100%; overflow-y: auto; }
    """

    @property
    def forums(self) -> Forums:
        return self.session.forums

    def compose(self) -> ComposeResult:
        self.fit_size()
        yield Header()
        yield from forum_notices()
        yield from self.compose_body()
        yield CompactFooter()

    def now(self) -> datetime:
        return self.session.now()

    def read(self, toolbox: Toolbox) -> Shown:
        """What the screen shows, read in the loading thread (read only)."""
        raise NotImplementedError

    def show(self, shown: Shown) -> None:
        """Show what ``read`` read (UI thread)."""

    def load_data(self, toolbox: Toolbox) -> Shown | ReconnectError:
        try:
            return self.read(toolbox)
        except ReconnectError as error:  # shown as a notification, on the UI thread
            return error

    def show_data(self, data: Shown | ReconnectError) -> None:
        if isinstance(data, ReconnectError):
            self.failed(data)
        else:
            self.show(data)

    def reload(self) -> None:
        """Read the forum again (in the loading thread) and show it."""
        self.request_load()

    def focus_if_none(self, widget: Widget) -> None:
        """The screen's list, once it has rows, gets the focus if nothing has it: a list that
        was hidden while empty could not take it when the screen opened (``AUTO_FOCUS``)."""
        if self.focused is None and widget.display:
            widget.focus()

    def refresh_after_sync(self) -> None:
        """Show what the sync brought. A sync can end while this screen is still being built
        (pushed, not composed yet): then there is nothing to fill, and on_mount reads."""
        if self.is_mounted:
            self.reload()

    def failed(self, error: ReconnectError, title: str = "") -> None:
        self.notify(str(error), severity="error", title=title or _("Not done"))

    def deliver(self) -> None:
        """Sync now (or right after the one running), if a relay is known, so what was queued
        goes out; when the relay is down the sync line says what is waiting."""
        self.app.post_message(SyncRequested(quiet=True))

    def sync_line(self) -> Static:
        """The app's sync status ("Offline — N waiting" …), kept current."""
        line = Static("", id="forum-sync", classes="help")
        line.display = False
        return line

    def on_mount(self) -> None:
        super().on_mount()
        if self.query("#forum-sync"):
            self.watch(self.app, "sync_status", self._show_sync_status)

    def _show_sync_status(self, text: str) -> None:
        line = self.query_one("#forum-sync", Static)
        line.update(text)
        line.display = bool(text)
