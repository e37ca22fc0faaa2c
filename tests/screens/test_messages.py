"""Messages screens with Pilot on real vaults and a real relay on 127.0.0.1.

A provider and a service user are paired through the relay first (``pair``), then each side's
app is driven in turn: send while offline -> queued; sync -> delivered; the other side sees the
message, its unread count on Home, and a tampered envelope only as "could not be verified".
"""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import Static, TextArea

from reconnect_tui import wire
from reconnect_tui.model import Goal
from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.screens.messages import (
    AboutPrivacyScreen,
    ConversationScreen,
    ItemPickerScreen,
    MessageBubble,
    MessagesScreen,
)
from reconnect_tui.store import Toolbox
from reconnect_tui.store.repositories.sync_state import SyncStateRepository
from reconnect_tui.sync.dyads import Dyads, ItemRef
from reconnect_tui.sync.sharing import Sharing
from reconnect_tui.widgets.composer import Composer, meta_text, reading_time_text
from tests.pilot import SIZE, make_app, open_module, unlock, wait_for
from tests.relay_server import RelayProcess
from tests.screens.messages_helpers import (
    Person,
    send,
    settle,
    sync,
)


def bubbles(app) -> list[MessageBubble]:
    return list(app.screen.query(MessageBubble))


def bubble_text(bubble: MessageBubble) -> str:
    return str(bubble.render())


async def write(pilot, text: str) -> None:
    area = pilot.app.screen.query_one("#composer-text", TextArea)
    area.insert(text)
    await pilot.pause()


def test_reading_time_and_word_count_lines() -> None:
    assert reading_time_text(5) == "about 5 seconds"
    assert reading_time_text(90) == "about 2 minutes"
    assert meta_text("Hello there, Dr Lind", "Dr Lind") == (
        "4 words · about 5 seconds for Dr Lind to read"
    )
    long = " ".join(["word"] * 400)  # 400 words at 200 a minute
    assert meta_text(long, "Kari").endswith("about 2 minutes for Kari to read")
    assert "Ctrl+S" in meta_text("  ", "Kari")


async def test_empty_messages_say_how_to_pair(user: Person) -> None:
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "messages")
        assert isinstance(app.screen, MessagesScreen)
        empty = str(app.screen.query_one("#messages-empty", Static).render())
        assert "invitation code" in empty and "press j" in empty
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.pause()
        home_unread = app.screen.query_one("#unread", Static)
        assert not home_unread.display  # not paired: no unread line


async def test_user_sends_offline_queued_then_delivered_and_read(
    paired: RelayProcess, provider: Person, user: Person
) -> None:
    url = paired.url
    paired.stop()  # offline: sending only queues
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("s")  # Messages; one provider: straight into the conversation
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await settle(pilot)
        screen = app.screen
        assert "With Dr Lind (provider)" in str(screen.query_one("#partner-line").render())
        await write(pilot, "Can we talk about my sleep on Thursday?")
        meta = str(screen.query_one("#composer-meta", Static).render())
        assert meta.startswith("8 words · about 5 seconds for Dr Lind to read")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(bubbles(app)) == 1)
        await settle(pilot)
        assert screen.query_one("#composer-text", TextArea).text == ""
        text = bubble_text(bubbles(app)[0])
        assert "Can we talk about my sleep on Thursday?" in text
        assert "queued" in text
        await wait_for(pilot, lambda: app.sync_status.startswith("Offline"))
        assert "queued" in bubble_text(bubbles(app)[0])

        paired.start()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "delivered" in bubble_text(bubbles(app)[0]))

    # The provider syncs: the message is there, unread, and shown on their Home.
    sync(provider, url)
    app = make_app(provider.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await settle(pilot)
        row = str(app.screen.query_one("#provider-dyads-list").get_option_at_index(0).prompt)
        assert "Kari Nordmann" in row and "1 unread" in row and "waiting" in row
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await wait_for(pilot, lambda: len(bubbles(app)) == 1)
        assert "Can we talk about my sleep on Thursday?" in bubble_text(bubbles(app)[0])
        assert "Kari Nordmann" in bubble_text(bubbles(app)[0])
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await settle(pilot)
        row = str(app.screen.query_one("#provider-dyads-list").get_option_at_index(0).prompt)
        assert "unread" not in row
        await pilot.press("ctrl+r")  # delivers the read receipt
        await wait_for(pilot, lambda: app.sync_status.startswith("Synced"))
        await settle(pilot)

    # Back on the service user's side, a sync turns "delivered" into "read".
    sync(user, url)
    with user.open() as vault:
        dyads = Dyads(vault)
        assert [m.status for m in dyads.conversation(dyads.partners()[0].id)] == ["read"]


async def test_provider_message_shows_unread_on_home_and_unverified_warning(
    paired: RelayProcess, provider: Person, user: Person
) -> None:
    url = paired.url
    about = ItemRef("goals", 7, "Sleep before midnight")  # not shared with the provider
    send(provider, "How did the evening routine go?", about=about)
    with provider.open() as vault:  # a copy of the envelope with one bit flipped
        state = SyncStateRepository(vault)
        real = state.due(None)[0]
        tampered = bytearray(real.ciphertext)
        tampered[len(tampered) // 2] ^= 0x01
        state.enqueue(wire.new_id(), real.mailbox_id, bytes(tampered), 0.0)
    sync(provider, url)
    sync(user, url)

    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await settle(pilot)
        unread = str(app.screen.query_one("#unread", Static).render())
        assert "1 unread message" in unread
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await wait_for(pilot, lambda: len(bubbles(app)) == 2)
        real_bubble, warning = sorted(bubbles(app), key=lambda b: "unverified" in b.classes)
        text = bubble_text(real_bubble)
        assert "About: a goal (its title is not shared)" in text
        assert "How did the evening routine go?" in text
        assert warning.has_class("unverified")
        assert "could not be verified and is not shown" in bubble_text(warning)
        assert "evening routine" not in bubble_text(warning)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await settle(pilot)
        assert "No unread messages." in str(app.screen.query_one("#unread", Static).render())


async def test_message_about_a_goal_and_read_receipts_toggle(
    paired: RelayProcess, provider: Person, user: Person
) -> None:
    """The goal is not shared: sending asks first. Back keeps the draft; "send without the
    title" names only its kind; "share it" shares the goal, and then the title goes along."""
    with user.open() as vault:
        Toolbox(vault).goals.add(Goal(title="Walk every morning"))
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        screen = app.screen

        async def tag_first_goal() -> None:
            await pilot.press("ctrl+t")
            await wait_for(pilot, lambda: isinstance(app.screen, ItemPickerScreen))
            await pilot.press("down", "enter")  # the first item after "Nothing in particular"
            await wait_for(pilot, lambda: app.screen is screen)

        await tag_first_goal()
        composer = screen.query_one(Composer)
        assert composer.about is not None and composer.about.title == "Walk every morning"
        assert "About: Walk every morning" in str(screen.query_one("#composer-about").render())
        await write(pilot, "I walked three times this week.")
        await pilot.click("#composer-send")
        await wait_for(pilot, lambda: isinstance(app.screen, AboutPrivacyScreen))
        assert "Dr Lind cannot see it" in str(app.screen.query_one(".question").render())
        await pilot.press("escape")  # back: nothing sent, the draft and the item stay
        await wait_for(pilot, lambda: app.screen is screen)
        assert bubbles(app) == [] and composer.text == "I walked three times this week."
        assert composer.about is not None

        await pilot.click("#composer-send")
        await wait_for(pilot, lambda: isinstance(app.screen, AboutPrivacyScreen))
        await pilot.click("#without")
        await wait_for(pilot, lambda: len(bubbles(app)) == 1)
        shown = bubble_text(bubbles(app)[0])
        assert "About: a goal (its title is not shared)" in shown
        assert "Walk every morning" not in shown
        assert composer.about is None

        await tag_first_goal()
        await write(pilot, "And this one is for you to see.")
        await pilot.click("#composer-send")
        await wait_for(pilot, lambda: isinstance(app.screen, AboutPrivacyScreen))
        await pilot.click("#share")
        await wait_for(pilot, lambda: len(bubbles(app)) == 2)
        assert "About: Walk every morning" in bubble_text(bubbles(app)[1])
        assert [(e.module, e.partner_name) for e in Sharing(app.toolbox.vault).entries()] == [
            ("goals", "Dr Lind")]

        await pilot.press("ctrl+g")
        await pilot.pause()
        assert "read receipts off" in str(screen.query_one("#partner-line").render())
        assert app.dyads.partners()[0].read_receipts is False
        await settle(pilot)

    sync(user, paired.url)
    sync(provider, paired.url)
    with provider.open() as vault:
        dyads = Dyads(vault)
        first, second = dyads.conversation(dyads.partners()[0].id)
        assert first.about == ItemRef("goals", 0, "")
        assert second.about == ItemRef("goals", second.about.item_id, "Walk every morning")
        assert second.sent_at <= datetime.now(UTC)
