"""Live delivery in the app: with the conversation open and no key pressed, a message the
partner deposits appears on screen (the relay's push channel asks the app for its sync)."""

from __future__ import annotations

import asyncio
from collections import Counter

from reconnect_tui.screens.messages import ConversationScreen, MessageBubble
from reconnect_tui.sync.sync_service import sync_and_process
from tests.pilot import SIZE, make_app, unlock, wait_for
from tests.relay_server import RelayProcess
from tests.screens.messages_helpers import Person, open_conversation, send
from tests.support.live import Watch, received


def deposit(person: Person, url: str, text: str) -> None:
    send(person, text)
    with person.open() as vault:
        assert not sync_and_process(vault, url).offline


def shown(app) -> list[str]:
    if not isinstance(app.screen, ConversationScreen):
        return []
    return [str(bubble.render()) for bubble in app.screen.query(MessageBubble)]


async def test_a_partners_message_appears_without_a_key_press(
        paired: RelayProcess, provider: Person, user: Person) -> None:
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: app.live is not None and app.live.up)
        await open_conversation(pilot)
        await asyncio.to_thread(deposit, provider, paired.url, "Rett inn uten å trykke")
        await wait_for(pilot, lambda: any("Rett inn uten å trykke" in text
                                          for text in shown(app)))
        assert app.live is not None and app.live.told >= 1  # told, not the minute's timer


async def test_the_live_channel_closes_when_the_vault_locks(
        paired: RelayProcess, user: Person) -> None:
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: app.live is not None and app.live.up)
        live = app.live
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: app.session is None)
        assert app.live is None and live is not None
        live.thread.join(30)
        assert not live.thread.is_alive() and not live.up




async def test_a_watch_beside_the_open_app_on_one_vault_loses_nothing(
        paired: RelayProcess, provider: Person, user: Person, tmp_path) -> None:
    """The app and `reconnect sync --watch` on the same vault: both are told, both sync, and
    each message is stored once and shown."""
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: app.live is not None and app.live.up)
        watch = Watch(user.path, tmp_path / "watch")
        try:
            await asyncio.to_thread(watch.wait_live)
            await open_conversation(pilot)
            sent = [f"begge ser {n}" for n in range(5)]
            for text in sent:
                await asyncio.to_thread(deposit, provider, paired.url, text)
            await wait_for(pilot, lambda: all(any(t in s for s in shown(app)) for t in sent))
        finally:
            code = await asyncio.to_thread(watch.stop)
    assert code == 0, watch.stderr()
    assert Counter(received(user)) == Counter(sent)
