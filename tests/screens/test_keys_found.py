"""Keys you can find (issue 15): lists that take the focus when their screen opens, keys that say
why they cannot act, Enter in the check-in answer, the provider's "seen — I will answer by …"
with a time to confirm or change, toggles drawn with their state, and F1 on each screen.

Pilot at 80x24 on real vaults paired through a real relay on 127.0.0.1.
"""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

from textual.widgets import Input, Markdown, OptionList, Static

import reconnect_tui
from reconnect_tui import formats
from reconnect_tui.screens.agreement import CheckinAnswerScreen
from reconnect_tui.screens.forum import ForumScreen, ForumsScreen, ThreadScreen
from reconnect_tui.screens.forum_moderation import MembersScreen, ReportsScreen
from reconnect_tui.screens.help import HelpScreen
from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.screens.messages import CheckinBubble, ConversationScreen, MessageBubble
from reconnect_tui.screens.seen import SeenScreen
from reconnect_tui.sync.agreements import Agreements
from reconnect_tui.sync.dyads import Dyads
from reconnect_tui.sync.forum import Forums
from reconnect_tui.widgets.form import FormScreen
from reconnect_tui.widgets.toggles import StateCheckbox
from tests.pilot import NOW, SIZE, make_app, open_module, unlock, wait_for
from tests.screens.messages_helpers import Person, open_conversation, send, settle, sync


def notified(app, text: str) -> bool:
    return any(text in n.message for n in app._notifications)


async def test_seen_dialog_proposes_a_time_the_provider_changes_and_the_partner_sees(
        user: Person, provider: Person, paired) -> None:
    app = make_app(provider.path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        await pilot.press("enter")  # Home's list has the focus: Enter opens, no Tab first
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await settle(pilot)
        await pilot.press("ctrl+b")  # nothing to answer yet: the key says so
        await settle(pilot)
        assert isinstance(app.screen, ConversationScreen)
        assert notified(app, "No message is waiting for an answer.")

    send(user, "Can we move Thursday?")
    sync(user, paired.url)
    sync(provider, paired.url)
    chosen = (NOW + timedelta(days=3)).replace(hour=14, minute=45)
    app = make_app(provider.path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await settle(pilot)
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: isinstance(app.screen, SeenScreen))
        dialog = app.screen
        with provider.open() as vault:
            agreements = Agreements(vault, clock=lambda: NOW)
            proposed = agreements.default_answer_by(agreements.dyads.partners()[0].id)
        local = proposed.astimezone()
        assert dialog.query_one("#seen-day", Input).value == formats.format_day(local.date())
        assert dialog.query_one("#seen-time", Input).value == formats.clock(local)
        dialog.query_one("#seen-time", Input).value = "25:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "Write a time of day" in str(dialog.query_one("#seen-error", Static).render())
        dialog.query_one("#seen-day", Input).value = formats.format_day(chosen.date())
        dialog.query_one("#seen-time", Input).value = "14.45"
        dialog.query_one("#seen-time", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await wait_for(pilot, lambda: notified(app, "delivered to the relay"))
        assert notified(app, formats.weekday_and_time(chosen.astimezone()))

    sync(user, paired.url)
    with user.open() as vault:
        partner_id = Dyads(vault).partners()[0].id
        [wait] = Agreements(vault).answer_times(partner_id)
        assert wait.promised_by == chosen.astimezone()
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_conversation(pilot)
        [bubble] = screen.query(MessageBubble)
        shown = str(bubble.render())
        assert "seen — Dr Lind will answer by" in shown
        assert formats.weekday_and_time(chosen.astimezone()) in shown


async def test_enter_answers_the_checkin_from_any_field(user: Person, provider: Person,
                                                        paired) -> None:
    with provider.open() as vault:
        agreements = Agreements(vault)
        schedule = agreements.schedule_checkin(agreements.dyads.partners()[0].id,
                                               "How are you doing?")
        agreements.send_checkin(schedule)
    sync(provider, paired.url)
    sync(user, paired.url)
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_conversation(pilot)
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: isinstance(app.screen, CheckinAnswerScreen))
        await pilot.press("8", "tab", "tab")  # past the line, onto the checkbox
        assert app.screen.focused.id == "checkin-share"
        await pilot.press("space")  # ticks it
        assert str(app.screen.query_one("#checkin-share").render()).startswith("[x]")
        await pilot.press("enter")  # answers, rather than ticking it off again
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await settle(pilot)
        assert "8/10" in str(app.screen.query_one(CheckinBubble).render())
    with user.open() as vault:
        agreements = Agreements(vault)
        [checkin] = agreements.checkins(agreements.dyads.partners()[0].id)
        assert checkin.share_trend


async def test_report_on_ones_own_post_says_why_and_members_list_has_the_focus(
        user: Person) -> None:
    from reconnect_tui.sync.service import resolve_relay_url

    with user.open() as vault:
        resolve_relay_url(vault, "http://127.0.0.1:9")  # never reached: nothing is synced
        forums = Forums(vault)
        forum = forums.membership.create("Strand peers", "Mod")
        forums.posting.post(forum.id, "Who walks on Sunday?")
    app = make_app(user.path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, ForumsScreen) and app.screen.loaded)
        await settle(pilot)
        await pilot.press("enter")  # the forum list has the focus
        await wait_for(pilot, lambda: isinstance(app.screen, ForumScreen) and app.screen.loaded)
        await settle(pilot)
        await pilot.press("enter")  # so has the list of threads
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen) and app.screen.loaded)
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        assert notified(app, "You moderate this forum: hide the post (h) instead")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ForumScreen))
        await settle(pilot)
        await pilot.press("f1")  # the moderator's keys, though the footer has no room for them
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        here = app.screen.query_one("#screen-keys", Markdown).source
        for label in ("New thread", "Pin as rules", "Reports", "Members", "Invite"):
            assert f"| {label} |" in here, (label, here)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ForumScreen))
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.loaded)
        await settle(pilot)
        await pilot.press("o")  # no report yet: the key says so
        await settle(pilot)
        assert notified(app, "No report to open.")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ForumScreen))
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, MembersScreen) and app.screen.loaded)
        await settle(pilot)
        assert isinstance(app.screen.focused, OptionList) and app.screen.focused.id == "members"
        await pilot.press("x")
        await settle(pilot)
        assert notified(app, "cannot remove yourself")


async def test_f1_lists_the_keys_of_the_screen_it_was_pressed_on(
        user: Person, provider: Person, paired) -> None:
    app = make_app(provider.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await settle(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        here = app.screen.query_one("#screen-keys", Markdown).source
        for label in ("Send", "Seen…", "Agreement", "Check-in", "Feedback", "Trends",
                      "About an item", "Safety number", "Read receipts"):
            assert f"| {label} |" in here, (label, here)
        settings = app.screen.query_one("#settings-summary", Markdown).source
        assert "idle minutes" in settings and "English" in settings
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))


async def test_the_prescribed_box_shows_its_state_without_colour(user: Person) -> None:
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "medications")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        box = app.screen.query_one("#field-prescribed", StateCheckbox)
        glyphs = {True: "[x] Prescribed by a doctor", False: "[ ] Prescribed by a doctor"}
        assert str(box.render()).startswith(glyphs[box.value])
        before = box.value
        box.focus()
        await pilot.press("space")
        assert box.value is not before
        assert str(box.render()).startswith(glyphs[box.value])


def test_every_checkbox_and_radio_button_is_drawn_with_its_state() -> None:
    """No screen makes Textual's colour-only Checkbox or RadioButton (widgets/toggles.py)."""
    package = Path(reconnect_tui.__file__).parent
    made = []
    for path in package.rglob("*.py"):
        if path.name == "toggles.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in ("Checkbox", "RadioButton"):
                    made.append(f"{path.name}:{node.lineno}")
    assert not made, made



async def test_keys_on_an_empty_list_say_why_they_do_nothing(user: Person) -> None:
    app = make_app(user.path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        for module, key, reason in (("goals", "e", "Nothing to act on"),
                                    ("goals", "s", "Choose a goal first"),
                                    ("medications", "x", "Nothing to act on"),
                                    ("network", "e", "Nothing to act on"),
                                    ("crisis-plan", "x", "This section is empty already.")):
            screen = await open_module(pilot, module)
            app.clear_notifications()
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen, (module, key)
            assert notified(app, reason), (module, key, [n.message for n in app._notifications])
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_a_service_users_home_opens_the_highlighted_module_with_enter(user: Person) -> None:
    from reconnect_tui.screens.life_domains import LifeDomainsScreen

    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await settle(pilot)
        focused = app.screen.focused
        assert isinstance(focused, OptionList) and focused.id == "modules"
        await pilot.press("enter")  # no Tab first
        await wait_for(pilot, lambda: isinstance(app.screen, LifeDomainsScreen))
