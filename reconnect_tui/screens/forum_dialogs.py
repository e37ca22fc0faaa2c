"""Starting a forum, joining one with a code and a pseudonym, and the moderator's invitation.

Joining and inviting talk to the relay, so they run in thread workers and show what went wrong
in the screen (the code and pseudonym stay typed). The pseudonym is what the others see; the
screens say so, and that it should not be the person's name.

Nothing here imports the other forum screens: the join screen ends with the forum joined as its
result, and the screen that pushed it opens the forum (``forum.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from ..errors import ReconnectError
from ..i18n import N_, _
from ..sync.forum import INVITATION_LIFETIME, ForumSummary
from ..sync.forum_membership import forum_relay
from ..widgets.form import Field, FormScreen
from .events import SyncRequested
from .forum_common import PeerSupportNotice
from .pairing import InvitationScreen, RelayScreen

if TYPE_CHECKING:
    from ..sync.client import RelayClient

PSEUDONYM_NOTE = N_(
    "Your pseudonym is what the others in this forum see — never your name. Choose one that"
    " does not give away who you are."
)


def create_form(check: Callable[[dict[str, Any]], None] | None = None) -> FormScreen:
    """Name the forum and choose the moderator's pseudonym; ``check`` starts it."""
    fields = [
        Field("name", _("Name of the forum"), required=True,
              placeholder=_("For example: Recovery café Strand")),
        Field("pseudonym", _("Your pseudonym in it"), required=True,
              placeholder=_("For example: Moderator"), help=_(PSEUDONYM_NOTE)),
    ]
    intro = _(
        "You moderate the forum you start: you invite members with codes, pin the rules and"
        " the café dates, and can hide posts and remove members."
    )
    return FormScreen(_("Start a forum"), fields, {"pseudonym": _("Moderator")}, intro=intro,
                      save_label=_("Start"), check=check)


class ForumJoinScreen(RelayScreen):
    """Enter the code from the moderator and choose a pseudonym for this forum; dismissed with
    the forum's summary once the answer to the moderator is queued."""

    TITLE_TEXT = N_("Join a forum")
    DEFAULT_CSS = """
    ForumJoinScreen .form, ForumJoinScreen #relay-fields { height: auto; }
    ForumJoinScreen #pseudonym-note { margin: 0 0 1 0; }
    """
    BINDINGS = [Binding("ctrl+s", "join", N_("Join"), tooltip=N_("Join with this code"))]

    def compose_body(self) -> ComposeResult:
        yield PeerSupportNotice()
        with Vertical(classes="module-body", id="forum-join-body"):
            yield Label(_("Join a forum"), classes="section-title")
            with Vertical(classes="form"):
                yield Label(_("Invitation code from the moderator"))
                yield Input(placeholder="ABCD-EFGH-JKMN", id="forum-code")
                yield Label(_("Your pseudonym in this forum"))
                yield Input(id="forum-pseudonym", max_length=40)
                yield Static(_(PSEUDONYM_NOTE), classes="help", id="pseudonym-note")
            yield from self.relay_fields()
            yield Static("", id="busy", classes="help")
            yield Static("", id="pairing-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(_("Join"), id="forum-join", variant="primary", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.show_error("")
        self.query_one("#relay-fields").display = not self.relay_default()
        self.query_one("#forum-code", Input).focus()

    @on(Button.Pressed, "#forum-join")
    def _join_pressed(self) -> None:
        self.action_join()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "forum-code":
            self.query_one("#forum-pseudonym", Input).focus()
        else:
            self.action_join()

    def action_join(self) -> None:
        code = self.query_one("#forum-code", Input).value.strip()
        pseudonym = self.query_one("#forum-pseudonym", Input).value.strip()
        if not code:
            self.show_error(_("Enter the invitation code first."))
            return
        if not pseudonym:
            self.show_error(_("Choose a pseudonym: it is the name the others see."))
            return
        if self.query_one("#relay-fields").display and not self.relay_given():
            self.show_error(_("Enter the relay address too."))
            return
        self.show_busy(_("Joining…"))
        self._join(code, pseudonym, self.relay_given())

    @work(thread=True, exclusive=True, group="forum-join")
    def _join(self, code: str, pseudonym: str, given: str) -> None:
        from ..sync.service import connect

        try:
            url = self.resolve_url(given)
            with connect(self.toolbox.vault, url) as engine:
                summary = self.session.forums.membership.join(
                    code, pseudonym, forum_relay(engine.relay))
        except ReconnectError as error:
            self.app.call_from_thread(self.show_error, str(error))
            return
        self.app.call_from_thread(self._joined, summary)

    def _joined(self, summary: ForumSummary) -> None:
        self.notify(
            _("You asked to join {forum} as {name}. The posts arrive once the moderator has"
              " synced; sync again later (Ctrl+R).").format(forum=summary.name,
                                                            name=summary.pseudonym)
        )
        self.dismiss(summary)
        self.app.post_message(SyncRequested())


class ForumInviteScreen(InvitationScreen):
    """Moderator: a code for one person to join, shown big, with how to give it (the dyad
    invitation screen with the forum's heading, code and help)."""

    TITLE_TEXT = N_("Invite to the forum")
    RELAY_HELP = RelayScreen.RELAY_HELP  # a service user's words, not the provider's
    DEFAULT_CSS = """
    ForumInviteScreen #relay-fields { height: auto; }
    """
    BINDINGS = [Binding("n", "create", N_("New code"), tooltip=N_("Create another code"))]
    TITLE_ID = "forum-invite-title"

    def __init__(self, forum_id: str) -> None:
        super().__init__()
        self.forum_id = forum_id

    def compose_notice(self) -> ComposeResult:
        yield PeerSupportNotice()

    def heading(self) -> str:
        try:
            name = self.session.forums.views.forum_named(self.forum_id).name
        except ReconnectError:
            name = ""
        return _("Invite someone to {forum}").format(forum=name)

    def make_code(self, relay: RelayClient) -> str:
        return self.session.forums.membership.invite(self.forum_id, forum_relay(relay))

    def help_text(self) -> str:
        return _(
            "Give this code to one person, in person (at a café, or read out); not by"
            " e-mail or text message. They press j under Forum, enter it and choose a"
            " pseudonym. When they have, sync (Ctrl+R): they become a member and get the"
            " posts. The code works once and expires in {hours} hours; press n for a code"
            " for someone else."
        ).format(hours=int(INVITATION_LIFETIME.total_seconds() // 3600))
