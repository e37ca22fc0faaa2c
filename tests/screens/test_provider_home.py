"""Provider mode Home with Pilot: three real vaults (one provider, two service users) paired
through a real relay; the dyads are listed longest waiting first, Enter opens a conversation,
and answering moves that service user down the list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import TextArea

from reconnect_tui.model import Profile
from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.screens.messages import ConversationScreen, MessageBubble
from reconnect_tui.screens.provider_home import DyadList, duration_text
from reconnect_tui.store import Vault
from reconnect_tui.store import keys as vault_keys
from tests.pilot import SIZE, make_app, unlock, wait_for
from tests.relay_server import RelayProcess
from tests.screens.messages_helpers import (
    Person,
    pair,
    send,
    sync,
)
from tests.support.vaults import PASSPHRASE, Template, copy_vault


def new_person(directory: Path, name: str) -> Person:
    """A second service user with a vault of their own (not a copy: its own identity)."""
    path = directory / "vault.db"
    vault, code = Vault.create(path, PASSPHRASE, Profile(name=name))
    template = Template(path, code, vault.key, vault_keys.read_header(path))
    vault.close()
    return Person(path, template)


def rows(app) -> list[str]:
    dyads = app.screen.query_one("#provider-dyads-list", DyadList)
    return [str(dyads.get_option_at_index(i).prompt) for i in range(dyads.option_count)]


def test_waiting_times_read_naturally() -> None:
    assert duration_text(timedelta(seconds=20)) == "less than a minute"
    assert duration_text(timedelta(minutes=1)) == "1 minute"
    assert duration_text(timedelta(hours=5, minutes=59)) == "5 hours"
    assert duration_text(timedelta(days=3, hours=2)) == "3 days"


async def test_provider_home_without_service_users(provider_template: Template,
                                                   tmp_path: Path) -> None:
    path = copy_vault(provider_template, tmp_path / "provider")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.pause()
        assert app.screen.query_one("#provider-empty").display
        assert not app.screen.query_one("#provider-dyads-list").display


async def test_longest_waiting_first_enter_opens_and_answer_reorders(
    relay: RelayProcess, provider_template: Template, user_template: Template, tmp_path: Path
) -> None:
    provider = Person(copy_vault(provider_template, tmp_path / "provider"), provider_template)
    kari = Person(copy_vault(user_template, tmp_path / "kari"), user_template)
    ola = new_person(tmp_path / "ola", "Ola Hansen")
    pair(provider, kari, relay.url)
    pair(provider, ola, relay.url)
    now = datetime.now(UTC)
    send(kari, "Short question about Thursday.", at=now - timedelta(hours=2))
    send(ola, "I have been waiting a while.", at=now - timedelta(hours=30))
    send(ola, "Any news?", at=now - timedelta(hours=3))
    for person in (kari, ola, provider):
        sync(person, relay.url)

    app = make_app(provider.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.pause()
        first, second = rows(app)
        assert first.startswith("Ola Hansen  2 unread") and "waiting 30 hours" in first
        assert second.startswith("Kari Nordmann  1 unread") and "waiting 2 hours" in second

        await pilot.press("enter")  # the longest waiting one
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await wait_for(pilot, lambda: len(app.screen.query(MessageBubble)) == 2)
        assert "Any news?" in str(list(app.screen.query(MessageBubble))[-1].render())
        app.screen.query_one("#composer-text", TextArea).insert("Sorry for the wait: yes.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(app.screen.query(MessageBubble)) == 3)
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.pause()
        first, second = rows(app)
        assert first.startswith("Kari Nordmann") and "waiting 2 hours" in first
        assert second.startswith("Ola Hansen") and "waiting" not in second
        assert "unread" not in second
