"""Acting on a post (report; the moderator's hide and pin), the reports and the members.

``PostScreen`` is the typed base of the forum and thread screens (``forum.py``): they say which
post is meant (``current_post``) and how a post is opened (``open_post``), and the keys do the
rest. Hiding asks for a reason, which the post's author sees, then asks to confirm; removing a
member says plainly what removal means. Imports go one way: ``forum`` → ``forum_moderation`` →
``forum_dialogs`` → ``forum_common``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..errors import ReconnectError
from ..i18n import N_, _
from ..store import Toolbox
from ..sync.forum import ForumMember, ForumPost, ForumReport, ForumSummary
from ..widgets.form import Field, FormScreen
from ..widgets.notice import emergency_line
from .forum_common import ForumScreenBase, Shown, member_row, report_row
from .forum_dialogs import ForumInviteScreen

PostOpener = Callable[[ForumPost], None]
"""Shows a post in its thread (the thread screen lives in ``forum.py``, which imports this)."""


class PostScreen(ForumScreenBase[Shown]):
    """A forum screen whose keys act on the highlighted post. Subclasses set ``forum_id`` and
    ``summary`` and say which post is meant, how a post is opened and how to read again."""

    POST_BINDINGS = [
        Binding("h", "hide", N_("Hide"), show=False,
                tooltip=N_("Moderator: hide this post from everyone, with a reason")),
        Binding("p", "pin('rules')", N_("Pin as rules"), show=False,
                tooltip=N_("Moderator: pin this post as the forum's rules (welcome post)")),
        Binding("c", "pin('cafe')", N_("Pin café dates"), show=False,
                tooltip=N_("Moderator: pin this post as the dates of the ReConnect cafés")),
        Binding("u", "pin('')", N_("Unpin"), show=False, tooltip=N_("Moderator: unpin this post")),
    ]
    FORUM_BINDINGS = [
        Binding("a", "reports", N_("Reports"), show=False,
                tooltip=N_("Moderator: posts members reported to you")),
        Binding("w", "members", N_("Members"), show=False,
                tooltip=N_("Moderator: who is in the forum; remove a member")),
        Binding("i", "invite", N_("Invite"), show=False,
                tooltip=N_("Moderator: a code for someone to join this forum")),
    ]
    REPORT_BINDING = Binding("r", "report", N_("Report"),
                             tooltip=N_("Tell the moderator about this post"))
    ACTIONS = ("report", "hide", "pin", "reports", "members", "invite")
    MODERATOR_ACTIONS = ("hide", "pin", "reports", "members", "invite")

    def __init__(self, forum_id: str) -> None:
        super().__init__()
        self.forum_id = forum_id
        self.summary: ForumSummary | None = None

    def current_post(self) -> ForumPost | None:
        """The post the keys act on (none: the post keys stay off)."""
        return None

    def open_post(self, post: ForumPost) -> None:
        """Show ``post`` in its thread (from the reports)."""

    def check_post_action(self, action: str, parameters: tuple[object, ...] = ()) -> bool | None:
        """Members report others' posts; the moderator hides, and pins a thread's first post
        (a reply is never pinned: pinned posts head the forum)."""
        summary = self.summary
        if action not in self.ACTIONS:
            return True
        if summary is None or summary.removed:
            return False
        post = self.current_post()
        if action == "pin":
            if not summary.moderator or post is None or post.id != post.thread:
                return False
            kind = parameters[0] if parameters else ""
            return post.pinned != kind
        if action == "hide":
            return summary.moderator and post is not None and not post.hidden
        if action in self.MODERATOR_ACTIONS:
            return summary.moderator
        # report: on any post, so the key says why it cannot act on one's own or a hidden one
        return post is not None

    def _post_or_warn(self) -> ForumPost | None:
        post = self.current_post()
        if post is None:
            self.notify(_("Choose a post first."), severity="warning")
        return post

    def action_report(self) -> None:
        post = self._post_or_warn()
        if post is None:
            return
        reason = self._cannot_report(post)
        if reason:
            self.notify(reason, severity="information")
            return
        locale = self.toolbox.profile.get().locale
        intro = _(
            "Only the moderator sees your report, under your pseudonym; {author} is not told."
            " If someone may be in danger, do not wait for the moderator: call {numbers}."
        ).format(author=post.author, numbers=emergency_line(locale))
        fields = [Field("reason", _("What is wrong with this post?"), required=True)]

        def report(values: dict[str, Any]) -> None:  # refused: the form stays open, as typed
            self.forums.posting.report(self.forum_id, post.id, values["reason"])

        def given(values: dict[str, str] | None) -> None:
            if values is None:
                return
            self.notify(_("Reported. The moderator gets it with the next sync."))
            self.deliver()

        self.app.push_screen(
            FormScreen(_("Report a post"), fields, intro=intro, save_label=_("Report"),
                       draft=self.toolbox.drafts.slot("forum-report", post.id), check=report),
            given)

    def _cannot_report(self, post: ForumPost) -> str:
        """Why ``post`` cannot be reported, or ""."""
        if self.summary is not None and self.summary.moderator:
            return _("You moderate this forum: hide the post (h) instead of reporting it.")
        if post.own:
            return _("This is your own post: you cannot report it. You can reply to it.")
        if post.hidden:
            return _("The moderator has already hidden this post.")
        return ""

    def action_hide(self) -> None:
        post = self._post_or_warn()
        if post is None:
            return
        if post.hidden:
            self.notify(_("This post is already hidden."), severity="warning")
            return
        fields = [Field("reason", _("Why is it hidden?"), required=True,
                        help=_("Write it kindly: the author reads it."))]
        intro = _("The post is hidden for everyone; {author} sees that you hid it and why.").format(
            author=post.author)

        def given(values: dict[str, str] | None) -> None:
            if values is None:
                return
            reason = values["reason"]
            question = _(
                "Hide this post by {author} from everyone in the forum? They will see it was"
                " hidden, with your reason: \u201c{reason}\u201d"
            ).format(author=post.author, reason=reason)
            self.confirm(question, lambda: self._hide(post, reason), yes=_("Hide it"))

        self.app.push_screen(
            FormScreen(_("Hide a post"), fields, intro=intro, save_label=_("Hide…"),
                       draft=self.toolbox.drafts.slot("forum-hide", post.id)), given)

    def _hide(self, post: ForumPost, reason: str) -> None:
        try:
            self.forums.posting.hide(self.forum_id, post.id, reason)
        except ReconnectError as error:
            self.failed(error, _("Not hidden"))
            return
        self.notify(_("Hidden. Members see it with their next sync."))
        self.reload()
        self.deliver()

    def action_pin(self, kind: str) -> None:
        post = self._post_or_warn()
        if post is None:
            return
        if not kind and not post.pinned:
            self.notify(_("This post is not pinned."), severity="warning")
            return
        try:
            self.forums.posting.pin(self.forum_id, post.id, kind)
        except ReconnectError as error:
            self.failed(error, _("Not pinned"))
            return
        texts = {
            "rules": _("Pinned at the top as the forum's rules."),
            "cafe": _("Pinned at the top as the café dates."),
            "": _("Unpinned."),
        }
        self.notify(texts.get(kind, ""))
        self.reload()
        self.deliver()

    def action_reports(self) -> None:
        self.app.push_screen(ReportsScreen(self.forum_id, self.open_post))

    def action_members(self) -> None:
        self.app.push_screen(MembersScreen(self.forum_id))

    def action_invite(self) -> None:
        self.app.push_screen(ForumInviteScreen(self.forum_id))


@dataclass(frozen=True, slots=True)
class ReportsShown:
    forum_name: str
    reports: list[ForumReport]
    hidden: set[str]
    """Ids of the posts hidden now."""


@dataclass(frozen=True, slots=True)
class MembersShown:
    forum_name: str
    members: list[ForumMember]


class ReportsScreen(ForumScreenBase[ReportsShown]):
    """Moderator: what members reported, newest first; Enter opens the post in its thread."""

    AUTO_FOCUS = "#reports"
    TITLE_TEXT = N_("Reports")
    EMPTY_TEXT = N_(
        "No reports. Members can report a post with r; the report comes to you here,"
        " privately, with their reason."
    )
    BINDINGS = [Binding("o", "open", N_("Open the post"), tooltip=N_("Enter works too"))]

    def __init__(self, forum_id: str, open_post: PostOpener) -> None:
        super().__init__()
        self.forum_id = forum_id
        self.open_post = open_post
        self.reports: list[ForumReport] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="reports-body"):
            yield Static("", id="reports-title", classes="section-title")
            yield self.empty_state(id="reports-empty")
            yield OptionList(id="reports")

    def on_screen_resume(self) -> None:
        self.reload()

    def read(self, toolbox: Toolbox) -> ReportsShown:
        views = self.forums.views
        return ReportsShown(views.forum_named(self.forum_id).name, views.reports(self.forum_id),
                            {p.id for p in views.posts(self.forum_id) if p.hidden})

    def show(self, shown: ReportsShown) -> None:
        name, hidden = shown.forum_name, shown.hidden
        self.reports = shown.reports
        self.query_one("#reports-title", Static).update(
            _("Reports in {forum}").format(forum=name))
        reports = self.query_one("#reports", OptionList)
        reports.clear_options()
        now = self.now()
        reports.add_options(Option(report_row(r, now, hidden=r.post_id in hidden), id=r.id)
                            for r in self.reports)
        if self.reports:
            reports.highlighted = 0
        reports.display = bool(self.reports)
        self.focus_if_none(reports)
        self.query_one("#reports-empty").display = not self.reports

    @on(OptionList.OptionSelected, "#reports")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        index = self.query_one("#reports", OptionList).highlighted
        if index is None or not 0 <= index < len(self.reports):
            self.notify(_("No report to open."), severity="information")
            return
        report = self.reports[index]
        try:
            posts = self.forums.views.posts(self.forum_id)
        except ReconnectError as error:
            self.failed(error)
            return
        post = next((p for p in posts if p.id == report.post_id), None)
        if post is None:
            self.notify(_("That post is not here (yet): sync, then try again."),
                        severity="warning")
            return
        self.open_post(post)


class MembersScreen(ForumScreenBase[MembersShown]):
    """Moderator: the forum's members; x removes one (asks first, saying what it means)."""

    AUTO_FOCUS = "#members"
    TITLE_TEXT = N_("Members")
    BINDINGS = [
        Binding("x,delete", "remove", N_("Remove"),
                tooltip=N_("Remove the member from the forum (asks first)")),
        Binding("i", "invite", N_("Invite"), tooltip=N_("A code for someone to join")),
    ]

    def __init__(self, forum_id: str) -> None:
        super().__init__()
        self.forum_id = forum_id
        self.forum_name = ""
        self.members: list[ForumMember] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="members-body"):
            yield Static("", id="members-title", classes="section-title")
            yield Static(_("Members know each other only by these pseudonyms."),
                         classes="who-can-see")
            yield self.sync_line()
            yield OptionList(id="members")

    def on_screen_resume(self) -> None:
        self.reload()

    def read(self, toolbox: Toolbox) -> MembersShown:
        views = self.forums.views
        return MembersShown(views.forum_named(self.forum_id).name, views.members(self.forum_id))

    def show(self, shown: MembersShown) -> None:
        current = self.current
        self.forum_name = shown.forum_name
        self.members = shown.members
        self.query_one("#members-title", Static).update(
            _("Members of {forum}").format(forum=self.forum_name))
        members = self.query_one("#members", OptionList)
        members.clear_options()
        now = self.now()
        members.add_options(Option(member_row(m, now), id=m.pseudonym) for m in self.members)
        names = [m.pseudonym for m in self.members]
        if current is not None and current.pseudonym in names:
            members.highlighted = names.index(current.pseudonym)
        elif names:
            members.highlighted = 0
        self.refresh_bindings()

    @property
    def current(self) -> ForumMember | None:
        index = self.query_one("#members", OptionList).highlighted
        if index is None or not 0 <= index < len(self.members):
            return None
        return self.members[index]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove":  # on the moderator too, to say why not
            return self.current is not None
        return True

    @on(OptionList.OptionHighlighted, "#members")
    def _highlighted(self) -> None:
        self.refresh_bindings()

    def action_remove(self) -> None:
        member = self.current
        if member is None:
            return
        if member.moderator:
            self.notify(_("You moderate this forum and cannot remove yourself."),
                        severity="information")
            return
        question = _(
            "Remove {name} from {forum}?\n\nThey will not receive anything posted from now on"
            " and can no longer post, reply or report. What they posted before stays (you can"
            " hide it). To come back they need a new invitation code from you."
        ).format(name=member.pseudonym, forum=self.forum_name)
        self.confirm(question, lambda: self._remove(member), yes=_("Remove"))

    def _remove(self, member: ForumMember) -> None:
        try:
            self.forums.membership.remove(self.forum_id, member.pseudonym)
        except ReconnectError as error:
            self.failed(error, _("Not removed"))
            return
        self.notify(_("{name} was removed. The others get a new key with the next sync.").format(
            name=member.pseudonym))
        self.reload()
        self.deliver()

    def action_invite(self) -> None:
        self.app.push_screen(ForumInviteScreen(self.forum_id))

