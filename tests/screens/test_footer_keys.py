"""Keys you can find (issue 15): at 80 columns every screen's footer shows that screen's most
important keys whole, and F2 and F1 always; what does not fit stays in the palette and F1.

Both roles walk every screen they have in a real app (Pilot, 80x24) on real vaults paired through
a real relay on 127.0.0.1; the footer is read as the terminal gets it.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.screen import Screen
from textual.widgets import Markdown

from reconnect_tui.model import Goal
from reconnect_tui.screens.agreement import AgreementScreen
from reconnect_tui.screens.crisis import CrisisScreen
from reconnect_tui.screens.forum import ForumScreen, ForumsScreen, ThreadScreen
from reconnect_tui.screens.forum_moderation import MembersScreen, ReportsScreen
from reconnect_tui.screens.help import HelpScreen
from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.screens.messages import ConversationScreen, MessagesScreen
from reconnect_tui.screens.pairing import InvitationScreen, SafetyNumberScreen
from reconnect_tui.screens.shared import SharedWithMeScreen
from reconnect_tui.screens.unlock import UnlockScreen
from reconnect_tui.store import Toolbox
from reconnect_tui.sync.forum import Forums
from reconnect_tui.sync.sharing import Sharing
from reconnect_tui.widgets.footer import (
    FooterEntry,
    QuietFooter,
    entry_width,
    fitting,
    footer_entries,
)
from tests.pilot import SIZE, make_app, open_module, unlock, wait_for
from tests.rendered import rendered_lines
from tests.screens.messages_helpers import Person, open_conversation, send, settle, sync

ALWAYS = ("f2 Crisis plan", "f1 Help")


def footer_line(app) -> str:
    return rendered_lines(app)[-1]


def check_footer(app, *labels: str) -> str:
    """The footer shows ``labels`` (key and description), F2 and F1, the palette key, and
    every key it shows whole; every key of the screen is in the palette."""
    line = footer_line(app)
    for label in (*labels, *ALWAYS, "^p palette"):
        assert label in line, (type(app.screen).__name__, label, line)
    footer = app.screen.query_one(QuietFooter)
    entries = {e.action: e for e in footer_entries(app.screen.active_bindings, app, app.screen,
                                                    app.get_key_display)}
    for action in footer.shown_actions:
        entry = entries[action]
        assert f"{entry.display} {entry.description}".strip() in line, (action, line)
    commands = {c.title for c in app.get_system_commands(app.screen)}
    missing = {e.description for e in entries.values() if e.enabled} - commands
    assert not missing, missing
    return line


async def go(pilot, key: str, screen_type: type[Screen]) -> Screen:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen_type)
                   and getattr(pilot.app.screen, "loaded", True))
    await settle(pilot)
    return pilot.app.screen


async def back(pilot, screen_type: type[Screen]) -> None:
    await pilot.press("escape")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen_type))
    await settle(pilot)


def entry(action: str, description: str, *, from_app: bool = False) -> FooterEntry:
    return FooterEntry(action[0], action[:2], description, action, True, "", from_app)


def test_footer_keeps_f2_f1_and_the_longest_ranked_run_that_fits() -> None:
    ranked = [entry("crisis", "Crisis plan", from_app=True), entry("help", "Help", from_app=True),
              entry("send", "Send"), entry("seen", "Seen…"), entry("agreement", "Agreement"),
              entry("trends", "Trends"), entry("lock", "Lock", from_app=True)]
    widths = {e.action: entry_width(e, compact=True) for e in ranked}
    room = widths["crisis"] + widths["help"] + widths["send"] + widths["seen"] + 3
    assert [e.action for e in fitting(ranked, room, compact=True)] == [
        "send", "seen", "crisis", "help"]  # "Agreement" does not fit: "Trends" waits behind it
    assert [e.action for e in fitting(ranked, 10, compact=True)] == ["crisis", "help"]
    everything = sum(widths.values())
    assert [e.action for e in fitting(ranked, everything, compact=True)] == [
        "send", "seen", "agreement", "trends", "crisis", "help", "lock"]


def start_forum(person: Person) -> None:
    with person.open() as vault:
        forums = Forums(vault)
        forum = forums.membership.create("Strand peers", "Mod")
        forums.posting.post(forum.id, "Who walks on Sunday?")


async def test_every_screen_of_a_service_user_shows_its_keys_at_80_columns(
        user: Person, provider: Person, paired) -> None:
    start_forum(user)
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await settle(pilot)
        check_footer(app)
        await unlock(pilot)
        await settle(pilot)
        check_footer(app, "p Pair", "^l Lock", "^r Sync now")
        modules: dict[str, Sequence[str]] = {
            "life-domains": ("w What matters", "a New", "e Edit"),
            "goals": ("a New goal", "space Done", "e Edit"),
            "network": ("a Add person", "e Edit", "v Map/table"),
            "crisis-plan": ("e Edit section", "a Add to section", "p Export…"),
            "exercises": ("d Log as done", "t Start timer", "h History"),
            "medications": ("a Add medicine", "e Edit", "x Delete"),
            "diary": ("a Add", "e Edit", "r Diary / registrations"),
            "info": ("r Read page", "p Page list", "l Local links"),
            "search": ("^f Search field", "^o Open result"),
            "sharing": ("space Share / stop",),
        }
        for module, labels in modules.items():
            await open_module(pilot, module)
            await settle(pilot)
            check_footer(app, *labels)
            await back(pilot, HomeScreen)

        await go(pilot, "f", ForumsScreen)
        check_footer(app, "j Join", "n New forum")
        await go(pilot, "enter", ForumScreen)
        check_footer(app, "n New thread", "m Mute")
        await go(pilot, "w", MembersScreen)
        check_footer(app, "i Invite")
        await back(pilot, ForumScreen)
        await go(pilot, "a", ReportsScreen)
        check_footer(app)
        await back(pilot, ForumScreen)
        await go(pilot, "enter", ThreadScreen)
        check_footer(app, "w Reply", "m Mute")
        await pilot.press("w")  # into the reply box
        await settle(pilot)
        check_footer(app, "^s Post reply")
        await pilot.press("escape")
        await settle(pilot)
        await back(pilot, ForumScreen)
        await back(pilot, ForumsScreen)
        await back(pilot, HomeScreen)

        await go(pilot, "f2", CrisisScreen)  # the crisis plan over any screen
        line = footer_line(app)
        assert "f2 Close" in line and "f1 Help" in line and "e Edit the plan" in line, line
        await go(pilot, "f1", HelpScreen)
        assert "| Edit the plan |" in app.screen.query_one("#screen-keys", Markdown).source
        await back(pilot, CrisisScreen)
        await go(pilot, "f2", HomeScreen)

        conversation = await open_conversation(pilot)
        check_footer(app, "^s Send", "^f Check-in", "^o Agreement", "f4 Feedback")
        await go(pilot, "ctrl+o", AgreementScreen)
        check_footer(app, "e Propose a change")
        await back(pilot, ConversationScreen)
        await go(pilot, "ctrl+n", SafetyNumberScreen)
        check_footer(app, "v Mark verified")
        await back(pilot, ConversationScreen)
        assert app.screen is conversation


async def test_every_screen_of_a_provider_shows_its_keys_at_80_columns(
        user: Person, provider: Person, paired) -> None:
    with user.open() as vault:
        goal = Toolbox(vault).goals.add(Goal(title="Walk to the lake"))
        sharing = Sharing(vault)
        sharing.share("goals", goal.id, sharing.dyads.partners()[0].id)
    send(user, "Can we talk about the medicines?")
    sync(user, paired.url)
    sync(provider, paired.url)
    app = make_app(provider.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await settle(pilot)
        check_footer(app, "p Pair", "^l Lock", "^r Sync now")
        await go(pilot, "p", InvitationScreen)
        check_footer(app, "n New code")
        await back(pilot, HomeScreen)
        await open_module(pilot, "info")
        check_footer(app, "r Read page", "p Page list", "l Local links")
        await back(pilot, HomeScreen)

        await go(pilot, "s", MessagesScreen)
        check_footer(app, "o Open conversation", "p New invitation")
        await go(pilot, "enter", ConversationScreen)
        check_footer(app, "^s Send", "^b Seen…", "^o Agreement", "f3 Check-in")
        await back(pilot, MessagesScreen)
        await back(pilot, HomeScreen)

        await go(pilot, "w", SharedWithMeScreen)
        check_footer(app, "o Open", "m Message about this")
        await pilot.press("enter")
        await wait_for(pilot, lambda: getattr(app.screen, "read_only", False)
                       and app.screen.loaded)
        await settle(pilot)
        check_footer(app, "m Message Kari Nordmann about this")
