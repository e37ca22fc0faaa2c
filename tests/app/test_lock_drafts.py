"""Ctrl+L locks from every dialog, and what was typed comes back as a draft.

The bug: in "New diary entry" (and "New goal") Ctrl+L did nothing, so the passphrase typed next
"on the lock screen" went into the diary. Now Ctrl+L is a priority binding, locking keeps every
open form as a draft in the vault, and the form offers it back when it is opened again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList
from textual.widgets import Input, TextArea

from reconnect_tui.screens.diary import EntryEditor
from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.screens.unlock import UnlockScreen
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.store.repositories.drafts import DraftKey
from reconnect_tui.widgets.drafts import DraftNotice
from reconnect_tui.widgets.form import FormScreen
from tests.pilot import SIZE, make_app, open_module, unlock, wait_for
from tests.support.vaults import PASSPHRASE

DIARY_TEXT = "Walked to the lake with Nina"
GOAL_TITLE = "Swim once a week"


def keys(text: str) -> list[str]:
    """The key presses that type ``text`` (what a person does on the lock screen)."""
    return ["space" if c == " " else c for c in text]


def stored(path: Path, template) -> Toolbox:
    return Toolbox(Vault.open_with_key(path, template.key, template.header))


async def type_passphrase_as_if_locked(pilot) -> None:
    """Ctrl+L, then at once the passphrase and Enter: the exact keys of the bug report."""
    await pilot.press("ctrl+l", *keys(PASSPHRASE), "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    if isinstance(pilot.app.screen, UnlockScreen):  # keys typed before it had focus
        await unlock(pilot)
    # Unlocked: Home, with the module screen that was open reopened above it.
    await wait_for(pilot, lambda: len(pilot.app.screen_stack) > 1
                   and isinstance(pilot.app.screen_stack[1], HomeScreen))


async def test_ctrl_l_in_new_diary_entry_locks_and_keeps_a_draft(vault_path, user_template):
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "diary")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryEditor))
        await pilot.press(*keys(DIARY_TEXT))
        await type_passphrase_as_if_locked(pilot)
        assert app.toolbox.diary.count() == 0  # nothing was saved as an entry
        assert PASSPHRASE not in str(app.toolbox.drafts.list())

        await open_module(pilot, "diary")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryEditor))
        await wait_for(pilot, lambda: app.screen.draft_settled)
        editor = app.screen
        assert editor.query_one("#entry-text", TextArea).text == DIARY_TEXT
        assert editor.query_one(DraftNotice).display
        await pilot.press("ctrl+s")  # saving it drops the draft
        await wait_for(pilot, lambda: not isinstance(app.screen, EntryEditor))
        assert [e.text for e in app.toolbox.diary.list()] == [DIARY_TEXT]
        assert app.toolbox.drafts.list() == []


async def test_ctrl_l_in_new_goal_locks_and_the_draft_can_be_discarded(
    vault_path, user_template
):
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "goals")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press(*keys(GOAL_TITLE))
        await type_passphrase_as_if_locked(pilot)
        assert app.toolbox.goals.list() == []
        draft = app.toolbox.drafts.get(DraftKey("new-goal"))
        assert draft is not None and draft.fields["title"] == GOAL_TITLE

        await open_module(pilot, "goals")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await wait_for(pilot, lambda: app.screen.draft_settled)
        form = app.screen
        assert form.query_one("#field-title", Input).value == GOAL_TITLE
        await pilot.click("#draft-discard")
        await pilot.pause()
        assert form.query_one("#field-title", Input).value == ""
        assert not form.query_one(DraftNotice).display
        assert app.toolbox.drafts.list() == []


async def test_nothing_typed_keeps_no_draft(vault_path):
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "goals")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await unlock(pilot)
        assert app.toolbox.drafts.list() == []


async def test_auto_lock_over_a_dialog_keeps_the_draft(vault_path, user_template):
    app = make_app(vault_path, auto_lock_seconds=3600)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "diary")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryEditor))
        await pilot.press(*keys(DIARY_TEXT))
        app._last_activity -= 7200  # two idle hours, without waiting for them
        app._check_idle()
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert len(app.screen_stack) == 2  # every screen and dialog above it is gone
        assert "without activity" in str(app.screen.reason)
    again = stored(vault_path, user_template)  # the app closed the vault: read it afresh
    try:
        assert again.diary.count() == 0
        draft = again.drafts.get(DraftKey("new-diary-entry"))
        assert draft is not None and draft.fields == {"text": DIARY_TEXT}
    finally:
        again.vault.close()


def _highlighted_command(app) -> str | None:
    """What the palette shows for the command it would run on Enter (its title, and its help
    below it); None while it is still searching."""
    lists = app.screen.query(CommandList)
    if not lists or lists.first().highlighted is None:
        return None
    command_list = lists.first()
    return str(command_list.get_option_at_index(command_list.highlighted).prompt)


async def test_lock_from_the_command_palette_over_a_dialog(vault_path):
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "goals")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Lock" in commands
        await pilot.press(*keys(GOAL_TITLE))
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*keys("Lock"))
        await wait_for(pilot, lambda: "Lock" in (_highlighted_command(app) or ""))  # slow or not
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert app.toolbox is None


@pytest.mark.parametrize("stamp", ["garbage", "2026-99-99"])
async def test_f2_shows_a_plan_with_a_malformed_updated_at(vault_path, user_template, stamp):
    toolbox = stored(vault_path, user_template)
    try:
        plan = toolbox.crisis_plan.get()
        plan.warning_signs = "I stop answering the phone"
        toolbox.crisis_plan.save(plan)
        with toolbox.vault.transaction() as conn:  # what an old import wrote
            conn.execute("UPDATE crisis_plan SET updated_at = ? WHERE id = 1", (stamp,))
    finally:
        toolbox.vault.close()
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f2")
        await pilot.pause()
        from reconnect_tui.screens.crisis import CrisisScreen

        await wait_for(pilot, lambda: isinstance(app.screen, CrisisScreen))
        shown = " ".join(str(w.render()) for w in app.screen.query(".item"))
        assert "I stop answering the phone" in shown
        assert app.crash is None and app.toolbox is not None


async def test_an_unsent_message_comes_back_after_locking(
    tmp_path, user_template, provider_template
):
    """The composer keeps its text per partner; sending the message drops the draft."""
    from reconnect_tui.screens.messages import ConversationScreen
    from tests.dyads.dyad_helpers import open_person, pair
    from tests.relay_server import RelayProcess

    with RelayProcess(tmp_path / "relay", extra_args=["--rate-limit", "1000000"]) as relay:
        provider = open_person(provider_template, tmp_path / "provider", relay.url)
        user = open_person(user_template, tmp_path / "user", relay.url)
        _on_provider, lind = pair(provider, user)
        provider.vault.close()
        user.vault.close()
        relay.stop()  # offline: sending only queues
        app = make_app(user.path)
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            await pilot.press("s")  # one provider: straight into the conversation
            await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
            await pilot.press(*keys("Can we talk on Thursday"))
            await pilot.press("ctrl+l")
            await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
            await unlock(pilot)
            assert app.dyads.conversation(lind.id) == []
            assert app.toolbox.drafts.get(DraftKey("message", str(lind.id))).fields == {
                "text": "Can we talk on Thursday"}
            # the conversation is open again, the text back in its composer
            await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
            await pilot.pause()
            area = app.screen.query_one("#composer-text", TextArea)
            assert area.text == "Can we talk on Thursday"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: len(app.dyads.conversation(lind.id)) == 1)
            await pilot.pause()
            assert app.toolbox.drafts.list() == []


@pytest.mark.parametrize(
    ("module", "form", "field"),
    [
        ("medications", "new-medicine", "name"),
        ("network", "new-person", "name"),
        ("life-domains", "new-life-domain", "name"),
    ],
)
async def test_every_add_form_keeps_its_draft_over_a_lock(vault_path, module, form, field):
    """Not only the diary and goals: each module's add form keeps what was typed."""
    typed = "Lithium 300"
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, module)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press(*keys(typed))
        await type_passphrase_as_if_locked(pilot)
        draft = app.toolbox.drafts.get(DraftKey(form))
        assert draft is not None and draft.fields[field] == typed

        await open_module(pilot, module)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await wait_for(pilot, lambda: app.screen.draft_settled)
        assert app.screen.query_one(f"#field-{field}", Input).value == typed
