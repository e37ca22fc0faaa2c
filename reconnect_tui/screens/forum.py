"""The peer-support forum: my forums, a forum's threads, and a thread with its replies.

A forum is a group of service users, started and moderated by a service user with lived
experience; others join with an invitation code under a pseudonym chosen for that forum.
Provider vaults do not join (the module is not offered to them). Everything goes through
``sync.forum.Forums``: posting only queues encrypted envelopes, so it works offline and a sync
(Ctrl+R, or the one started after posting) delivers them; after every sync the open screen
reads again. Moderation keys are in ``forum_moderation.py`` (``PostScreen``, the base of the
forum and thread screens); dialogs in ``forum_dialogs.py``. Neither imports this module.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from ..errors import ReconnectError
from ..i18n import N_, _, ngettext
from ..model import Role
from ..store import Toolbox
from ..sync.forum import ForumPost, ForumSummary, ForumThread
from ..sync.forum_membership import check_name
from ..widgets.composer import Composer
from ..widgets.footer import CompactFooter
from ..widgets.form import Field, FormError, FormScreen
from .base import ModuleScreen
from .forum_common import (
    ForumScreenBase,
    first_line,
    forum_notices,
    forum_row,
    post_text,
    thread_row,
)
from .forum_dialogs import ForumInviteScreen, ForumJoinScreen, create_form
from .forum_moderation import PostScreen

PROVIDER_TEXT = (
    "Peer forums are for service users; provider vaults do not join them. Service users you"
    " work with may meet in one, under pseudonyms, with a peer consultant as moderator."
)


@dataclass(frozen=True, slots=True)
class ForumsShown:
    provider: bool
    summaries: list[ForumSummary]


@dataclass(frozen=True, slots=True)
class ForumShown:
    """A forum screen's or a thread screen's read: the forum and its threads."""

    summary: ForumSummary
    threads: list[ForumThread]


class ForumsScreen(ForumScreenBase[ForumsShown]):
    """The Forum module: the forums I am in, most recent activity first."""

    AUTO_FOCUS = "#forum-list"
    TITLE_TEXT = N_("Peer forum")
    EMPTY_TEXT = N_(
        "A forum is a place where service users support each other: threads and replies,"
        " under a pseudonym you choose, never your name. It is started and moderated by a"
        " service user with lived experience, who gives out invitation codes (for example at"
        " a ReConnect café). Press j to join with a code, or n to start a forum yourself."
    )
    BINDINGS = [
        Binding("o", "open", N_("Open"), show=False,
                tooltip=N_("Open the forum (Enter works too)")),
        Binding("j", "join", N_("Join"),
                tooltip=N_("Join a forum: enter an invitation code and choose a pseudonym")),
        Binding("n", "create", N_("New forum"), tooltip=N_("Start a forum and moderate it")),
        Binding("i", "invite", N_("Invite"), show=False,
                tooltip=N_("Moderator: a code for someone to join this forum")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.summaries: list[ForumSummary] = []
        self.provider: bool | None = None
        """A provider's vault (no forums for it); None until the first read."""
        self._select: str | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="forums-body"):
            yield Static(
                _("Others in a forum see only your pseudonym there, never your name."),
                classes="who-can-see",
            )
            yield self.sync_line()
            yield self.empty_state(id="forums-empty")
            yield OptionList(id="forum-list")
            yield Static(_("Enter opens a forum · i invites someone to a forum you moderate"),
                         id="forums-keys", classes="forum-keys")

    def on_screen_resume(self) -> None:
        self.reload()

    def read(self, toolbox: Toolbox) -> ForumsShown:
        if toolbox.profile.get().role is Role.PROVIDER:
            return ForumsShown(True, [])
        return ForumsShown(False, self.forums.views.forums())

    def show(self, shown: ForumsShown) -> None:
        current = self.current
        wanted = self._select or (current.id if current is not None else None)
        self._select = None
        self.provider = shown.provider
        self.summaries = shown.summaries
        if shown.provider:
            self.query_one("#forums-empty", Static).update(_(PROVIDER_TEXT))
        forums = self.query_one("#forum-list", OptionList)
        forums.clear_options()
        forums.add_options(
            Option(forum_row(summary, self.now()), id=summary.id) for summary in self.summaries
        )
        ids = [s.id for s in self.summaries]
        if wanted in ids:
            forums.highlighted = ids.index(wanted)
        elif ids:
            forums.highlighted = 0
        forums.display = bool(ids)
        self.focus_if_none(forums)
        self.query_one("#forums-empty").display = not ids
        self.query_one("#forums-keys").display = any(
            s.moderator and not s.removed for s in self.summaries)
        self.refresh_bindings()

    @property
    def current(self) -> ForumSummary | None:
        index = self.query_one("#forum-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.summaries):
            return None
        return self.summaries[index]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("join", "create"):
            return self.provider is False
        if action == "open":
            return bool(self.summaries)
        if action == "invite":
            current = self.current
            return current is not None and current.moderator and not current.removed
        return True

    @on(OptionList.OptionHighlighted, "#forum-list")
    def _highlighted(self) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#forum-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.app.push_screen(ForumScreen(event.option.id or ""))

    def action_open(self) -> None:
        if self.current is not None:
            self.app.push_screen(ForumScreen(self.current.id))

    def action_create(self) -> None:
        def create(values: dict[str, Any]) -> None:
            """Start it while the form is open: a refused name or pseudonym (one's own name)
            is said beside its field, and nothing typed is lost."""
            membership = self.forums.membership
            try:
                check_name(values["name"])
            except ReconnectError as error:
                raise FormError("name", str(error)) from None
            try:
                membership.check_pseudonym(values["pseudonym"])
            except ReconnectError as error:
                raise FormError("pseudonym", str(error)) from None
            self._select = membership.create(values["name"], values["pseudonym"]).id

        def created(values: dict[str, str] | None) -> None:
            if values is not None:
                self.notify(_("Forum started. Press i on it to invite the first members."))
                self.reload()

        self.app.push_screen(create_form(create), created)

    def action_join(self) -> None:
        def joined(summary: ForumSummary | None) -> None:
            if summary is not None:
                self.app.push_screen(ForumScreen(summary.id))

        self.app.push_screen(ForumJoinScreen(), joined)

    def action_invite(self) -> None:
        if self.current is not None:
            self.app.push_screen(ForumInviteScreen(self.current.id))


class ForumScreen(PostScreen[ForumShown]):
    """One forum: pinned rules and café dates at the top, then threads by latest activity."""

    AUTO_FOCUS = "#threads"
    BINDINGS = [
        Binding("o", "open", N_("Open"), show=False,
                tooltip=N_("Open the thread (Enter works too)")),
        Binding("n", "new_thread", N_("New thread"), tooltip=N_("Start a new thread")),
        Binding("m", "mute", N_("Mute"), tooltip=N_("Mute or unmute the thread")),
        Binding("r", "report", N_("Report"), show=False,
                tooltip=N_("Tell the moderator about this thread's first post")),
        *PostScreen.POST_BINDINGS,
        *PostScreen.FORUM_BINDINGS,
    ]

    def reopen(self) -> Callable[[], ModuleScreen] | None:
        return functools.partial(ForumScreen, self.forum_id)

    def __init__(self, forum_id: str) -> None:
        super().__init__(forum_id)
        self.threads: list[ForumThread] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="forum-body"):
            yield Static("", id="forum-line")
            yield self.sync_line()
            yield self.empty_state(id="threads-empty")
            yield OptionList(id="threads")
            yield Static("", id="forum-keys", classes="forum-keys")

    def on_screen_resume(self) -> None:
        self.reload()

    def read(self, toolbox: Toolbox) -> ForumShown:
        views = self.forums.views
        return ForumShown(views.forum_named(self.forum_id), views.threads(self.forum_id))

    def show(self, shown: ForumShown) -> None:
        self.summary = summary = shown.summary
        current = self.current_thread
        self.threads = shown.threads
        self.sub_title = summary.name
        self.query_one("#forum-line", Static).update(self._forum_line(summary))
        threads = self.query_one("#threads", OptionList)
        threads.clear_options()
        now = self.now()
        items: list[Option | None] = []
        pinned = sum(1 for t in self.threads if t.first.pinned)  # they come first
        for index, thread in enumerate(self.threads):
            if pinned and index == pinned:
                items.append(None)  # a line under the pinned posts
            items.append(Option(thread_row(thread, now), id=thread.first.id))
        threads.add_options(items)
        ids = [t.first.id for t in self.threads]
        if current is not None and current.first.id in ids:
            threads.highlighted = ids.index(current.first.id)
        elif ids:
            threads.highlighted = 0
        threads.display = bool(ids)
        self.focus_if_none(threads)
        empty = self.query_one("#threads-empty", Static)
        empty.display = not ids
        empty.update(self._empty_text(summary))
        keys = self.query_one("#forum-keys", Static)
        if summary.removed:
            keys.update(_("Enter opens a thread"))
        elif summary.moderator:
            keys.update(_("Enter opens a thread · moderator: h hide · p pin as rules · c pin café"
                          " dates · u unpin · a reports · w members · i invite"))
        else:
            keys.update(_("Enter opens a thread · r reports its first post to the moderator"))
        self.refresh_bindings()

    def _empty_text(self, summary: ForumSummary) -> str:
        text = _("No threads yet. Press n to start one: a question, something that helped you,"
                 " or just hello.")
        if summary.moderator:
            return text + " " + _("Pin a welcome post with the forum's rules (p) first.")
        return text + " " + _(
            "If you have just joined: the posts arrive once the moderator has synced and let"
            " you in, and you sync again (Ctrl+R).")

    def _forum_line(self, summary: ForumSummary) -> str:
        members = ngettext("{n} member", "{n} members", summary.members).format(n=summary.members)
        line = _("You are {name} here · {members}").format(name=summary.pseudonym,
                                                           members=members)
        if summary.moderator:
            line += " · " + _("you moderate this forum")
        if summary.removed:
            line = _("You were removed from this forum: you can read what was there, not post.")
        return line

    @property
    def current_thread(self) -> ForumThread | None:
        index = self.query_one("#threads", OptionList).highlighted
        if index is None or not 0 <= index < len(self.threads):
            return None
        return self.threads[index]

    def current_post(self) -> ForumPost | None:
        thread = self.current_thread
        return thread.first if thread is not None else None

    def open_post(self, post: ForumPost) -> None:
        self.app.push_screen(ThreadScreen(self.forum_id, post.thread, select=post.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open", "mute"):  # with no thread, the key says so
            return True
        if action == "new_thread":
            return self.summary is None or not self.summary.removed
        return self.check_post_action(action, parameters)

    @on(OptionList.OptionHighlighted, "#threads")
    def _highlighted(self) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#threads")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.app.push_screen(ThreadScreen(self.forum_id, event.option.id or ""))

    def _thread_or_say(self) -> ForumThread | None:
        thread = self.current_thread
        if thread is None:
            self.notify(_("No thread here yet: n starts one."), severity="information")
        return thread

    def action_open(self) -> None:
        thread = self._thread_or_say()
        if thread is not None:
            self.app.push_screen(ThreadScreen(self.forum_id, thread.first.id))

    def action_new_thread(self) -> None:
        fields = [Field("text", _("What do you want to say?"), "multiline", required=True)]
        intro = _(
            "Everyone in the forum reads it under your pseudonym. The first line is the"
            " thread's title in the list. Ctrl+S posts."
        )

        posted: list[ForumPost] = []

        def post(values: dict[str, Any]) -> None:  # refused: the form stays open, as typed
            posted.append(self.forums.posting.post(self.forum_id, values["text"]))

        def written(values: dict[str, str] | None) -> None:
            if values is None or not posted:
                return
            self.reload()
            self.deliver()
            self.app.push_screen(ThreadScreen(self.forum_id, posted[0].thread))

        self.app.push_screen(
            FormScreen(_("New thread"), fields, intro=intro, save_label=_("Post"),
                       draft=self.toolbox.drafts.slot("forum-new-thread", self.forum_id),
                       check=post),
            written)

    def action_mute(self) -> None:
        thread = self._thread_or_say()
        if thread is None:
            return
        try:
            self.forums.views.set_muted(self.forum_id, thread.first.id, not thread.muted)
        except ReconnectError as error:
            self.failed(error)
            return
        if thread.muted:
            self.notify(_("Thread unmuted: its new replies count as unread again."))
        else:
            self.notify(_("Thread muted: its new replies no longer count as unread."))
        self.reload()


class ThreadScreen(PostScreen[ForumShown]):
    """A thread: its first post, the replies oldest first, and the composer for a reply.

    With the posts focused, letters act on the highlighted post; in the composer they type
    (Tab moves between the two, Ctrl+S posts the reply)."""

    AUTO_FOCUS = "#posts"
    BINDINGS = [
        Binding("ctrl+s", "send", N_("Post reply"), tooltip=N_("Post what you wrote below")),
        Binding("escape", "leave", N_("Back"), show=False,
                tooltip=N_("From the reply box to the posts; from the posts, back")),
        Binding("w", "write", N_("Reply"), tooltip=N_("Write a reply in the box below")),
        Binding("m", "mute", N_("Mute"), tooltip=N_("Mute or unmute this thread")),
        PostScreen.REPORT_BINDING,
        *PostScreen.POST_BINDINGS,
    ]

    def reopen(self) -> Callable[[], ModuleScreen] | None:
        return functools.partial(ThreadScreen, self.forum_id, self.thread_id)

    def __init__(self, forum_id: str, thread_id: str, *, select: str | None = None) -> None:
        super().__init__(forum_id)
        self.thread_id = thread_id
        self.select = select
        self.thread: ForumThread | None = None
        self.posts: list[ForumPost] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield from forum_notices()
        yield Static("", id="thread-line")
        yield self.sync_line()
        yield OptionList(id="posts")
        yield Static("", id="thread-keys", classes="forum-keys")
        draft = self.toolbox.drafts.slot("forum-reply", f"{self.forum_id}/{self.thread_id}")
        yield Composer(_("the others"), draft=draft, id="composer")
        yield CompactFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self.reload(mark_read=True)

    def on_screen_resume(self) -> None:
        self.reload(mark_read=True)

    def refresh_after_sync(self) -> None:
        if self.is_mounted:  # else on_mount reads (see ForumScreenBase)
            self.reload(mark_read=True)

    def reload(self, *, mark_read: bool = False, select: str | None = None) -> None:
        """Read again (in the loading thread); ``mark_read`` first marks the thread read (a
        write, so here and not in the read), ``select`` highlights that post."""
        if mark_read:
            try:
                self.forums.views.mark_read(self.forum_id, self.thread_id)
            except ReconnectError as error:
                self.failed(error)
                return
        self.select = select or self.select
        self.request_load()

    def read(self, toolbox: Toolbox) -> ForumShown:
        views = self.forums.views
        return ForumShown(views.forum_named(self.forum_id), views.threads(self.forum_id))

    def show(self, shown: ForumShown) -> None:
        self.summary = summary = shown.summary
        self.thread = next((t for t in shown.threads if t.first.id == self.thread_id), None)
        self.sub_title = summary.name
        line = self.query_one("#thread-line", Static)
        composer = self.query_one(Composer)
        if self.thread is None:
            self.posts = []
            line.update(_("This thread is no longer here."))
        else:
            self.posts = [self.thread.first, *self.thread.replies]
            line.update(self._thread_line(self.thread, summary))
        posts = self.query_one("#posts", OptionList)
        current = self.current_post()
        wanted = self.select or (current.id if current else None)
        self.select = None
        posts.clear_options()
        now = self.now()
        items: list[Option | None] = []
        for post in self.posts:
            items += [None] if items else []  # a line between posts
            items.append(Option(post_text(post, now, moderator=summary.moderator), id=post.id))
        posts.add_options(items)
        ids = [p.id for p in self.posts]
        if wanted in ids:
            posts.highlighted = posts.get_option_index(wanted)
        elif ids:
            posts.highlighted = posts.get_option_index(ids[-1])
        composer.display = not summary.removed and self.thread is not None
        keys = self.query_one("#thread-keys", Static)
        keys.display = composer.display
        if summary.moderator:
            keys.update(_("h hide · p pin as rules · c pin café dates · u unpin · Tab: reply"))
        else:
            keys.update(_("r reports a post to the moderator · Tab: your reply"))
        self.refresh_bindings()

    def _thread_line(self, thread: ForumThread, summary: ForumSummary) -> str:
        title = first_line(thread.first.text, 40) if thread.first.text else _("Hidden thread")
        replies = ngettext("{n} reply", "{n} replies", len(thread.replies)).format(
            n=len(thread.replies))
        line = f"{title} · {replies}"
        if thread.muted:
            line += " · " + _("muted (m to unmute)")
        if summary.removed:
            line += " · " + _("you were removed: reading only")
        return line

    def current_post(self) -> ForumPost | None:
        posts = self.query_one("#posts", OptionList)
        index = posts.highlighted
        if index is None:
            return None
        option_id = posts.get_option_at_index(index).id
        return next((p for p in self.posts if p.id == option_id), None)

    def open_post(self, post: ForumPost) -> None:
        self.app.push_screen(ThreadScreen(self.forum_id, post.thread, select=post.id))

    @property
    def writing(self) -> bool:
        """The reply box (its text or its Send button) has the focus."""
        focused = self.focused
        return focused is not None and self.query_one(Composer) in focused.ancestors_with_self

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send":
            return self.writing
        if self.writing and action in ("write", "mute", *PostScreen.ACTIONS):
            return False  # letters type into the reply while it has the focus
        if action == "write":
            return self.query_one(Composer).display
        return self.check_post_action(action, parameters)

    @on(OptionList.OptionHighlighted, "#posts")
    def _highlighted(self) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#posts")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_write()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_write(self) -> None:
        if self.query_one(Composer).display:
            self.query_one(Composer).focus_text()

    async def action_leave(self) -> None:
        """Escape in the reply box keeps the draft and goes back to the posts."""
        if self.writing:
            self.query_one("#posts", OptionList).focus()
        else:
            await self.app.run_action("back")

    def action_send(self) -> None:
        self.query_one(Composer).submit()

    @on(Composer.Submitted)
    def _submitted(self, event: Composer.Submitted) -> None:
        event.stop()
        try:
            post = self.forums.posting.post(self.forum_id, event.text, thread=self.thread_id)
        except ReconnectError as error:
            self.failed(error, _("Not posted"))
            return
        event.composer.clear()
        self.reload(select=post.id)
        self.deliver()

    def action_mute(self) -> None:
        if self.thread is None:
            return
        try:
            self.forums.views.set_muted(self.forum_id, self.thread_id, not self.thread.muted)
        except ReconnectError as error:
            self.failed(error)
            return
        self.notify(_("Thread unmuted.") if self.thread.muted else _("Thread muted."))
        self.reload()
