"""No module screen reads the vault on the UI thread while it opens, and opening one only
reads (nothing written, nothing sent).

SQLCipher calls a connection's trace callback in the thread that runs each statement, so the
test records which thread ran what while every screen opens (an observation of the real
vault, not a stand-in for it): the UI thread runs none of them; the screen's loading thread
runs the reads."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from reconnect_tui.screens.messages import ConversationScreen, MessageBubble
from reconnect_tui.screens.pairing import SafetyNumberScreen
from reconnect_tui.screens.registry import MODULES
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.sync.dyads import Dyads
from reconnect_tui.widgets.drafts import DraftNotice
from reconnect_tui.widgets.form import FormScreen
from tests.pilot import make_app, open_module, unlock, wait_for
from tests.screens.messages_helpers import open_conversation, send, sync
from tests.support.statements import statements_by_thread

LOADING_IN_THREAD = (
    "life-domains", "goals", "network", "crisis-plan", "exercises", "medications", "diary",
    "info", "search", "messages", "sharing", "forum",
)
"""The service user's module screens (all of them; a provider's "Shared with me" is not
offered to a service user)."""
USER_MODULES = [m.id for m in MODULES if m.id in LOADING_IN_THREAD]


@pytest.mark.parametrize("module_id", USER_MODULES)
async def test_screen_reads_off_the_ui_thread(vault_path, module_id):
    app = make_app(vault_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: not any(w.is_running for w in app.workers))
        home = app.screen
        with statements_by_thread(app) as log:
            screen = await open_module(pilot, module_id)
            await wait_for(pilot, lambda: not any(w.is_running for w in app.workers))
        assert screen is not home and screen.loaded
        assert log.on_ui() == [], f"{module_id} read on the UI thread: {log.on_ui()[:3]}"
        assert log.off_ui()
        assert log.changes() == [], f"opening {module_id} changed the vault: {log.changes()[:3]}"


async def test_the_conversation_reads_off_the_ui_thread(paired, provider, user):
    """The conversation reads its partner, messages, agreement, the country's numbers and the
    unsent message kept at the last lock in its loading thread; marking what arrived as read is
    its only write, also off the UI thread."""
    send(provider, "Hello from Dr Lind")
    sync(provider, paired.url)
    sync(user, paired.url)
    with user.open() as vault:
        [partner] = Dyads(vault).partners()
        Toolbox(vault).drafts.slot("message", partner.id).keep({"text": "Half a thought"})
    app = make_app(user.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: not any(w.is_running for w in app.workers))
        with statements_by_thread(app) as log:
            screen = await open_conversation(pilot)
            await wait_for(pilot, lambda: not any(w.is_running for w in app.workers))
        assert isinstance(screen, ConversationScreen) and screen.loaded
        assert log.on_ui() == [], f"the conversation read on the UI thread: {log.on_ui()[:3]}"
        assert screen.sub_title == "Messages with Dr Lind"
        assert screen.query_one("#composer-text", TextArea).text == "Half a thought"
        assert any("Hello from Dr Lind" in str(bubble.render())
                   for bubble in screen.query(MessageBubble))


async def test_a_form_reads_its_draft_off_the_ui_thread(vault_path, user_template):
    """A form kept as a draft at the last lock reads it in a thread worker and shows it again;
    the UI thread runs no statement while the form opens."""
    vault = Vault.open_with_key(vault_path, user_template.key, user_template.header)
    Toolbox(vault).drafts.slot("new-goal").keep({"title": "Walk to the fjord"})
    vault.close()
    app = make_app(vault_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await open_module(pilot, "goals")
        await wait_for(pilot, lambda: not any(w.is_running for w in app.workers))
        with statements_by_thread(app) as log:
            await pilot.press("a")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
            await wait_for(pilot, lambda: app.screen.draft_settled)
        form = app.screen
        assert form.query_one("#field-title", Input).value == "Walk to the fjord"
        assert form.query_one(DraftNotice).display
        assert log.on_ui() == [], f"the form read the vault on the UI thread: {log.on_ui()[:3]}"
        assert any("draft" in sql.lower() for sql in log.off_ui())


async def test_the_safety_number_reads_off_the_ui_thread(paired, user):
    """The safety number screen reads its partner in the loading thread, like the others."""
    app = make_app(user.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: not any(w.is_running for w in app.workers))
        [partner] = app.dyads.partners()
        with statements_by_thread(app) as log:
            app.push_screen(SafetyNumberScreen(partner.id))
            await wait_for(pilot, lambda: isinstance(app.screen, SafetyNumberScreen)
                           and app.screen.loaded)
            await wait_for(pilot, lambda: not any(w.is_running for w in app.workers))
        assert log.on_ui() == [], f"the safety number read on the UI thread: {log.on_ui()[:3]}"
        assert log.off_ui() and log.changes() == []
        assert app.screen.partner is not None and app.screen.partner.id == partner.id
