"""Escape, a lock or a restart never loses what was typed, and an unlock returns to the screen
the person was on (issue 15).

Escape on a form with changes asks: keep them as a draft (k), discard them (d) or go back to
the form (b, Escape). A kept draft is in the vault: it comes back when the same form opens,
also in a new app on the same vault. Leaving a conversation or thread keeps its unsent reply.
After Ctrl+L or the auto-lock, unlocking reopens the module screen with its item highlighted.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.widgets import Input, Static, TextArea

from reconnect_tui.model import DiaryEntry, Goal
from reconnect_tui.screens.diary import DiaryScreen, EntryEditor
from reconnect_tui.screens.forum import ThreadScreen
from reconnect_tui.screens.goals import GoalsScreen
from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.screens.unlock import UnlockScreen
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.store.repositories.drafts import DraftKey
from reconnect_tui.widgets.drafts import DraftNotice, LeaveDialog
from reconnect_tui.widgets.form import FormScreen
from reconnect_tui.widgets.goal_tree import GoalTree
from tests.pilot import SIZE, make_app, open_module, unlock, wait_for

TITLE = "Swim once a week"
ENTRY = "A long walk by the lake, and then tea with Nina."


def keys(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


async def new_goal_form(pilot) -> FormScreen:
    await open_module(pilot, "goals")
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    await wait_for(pilot, lambda: pilot.app.screen.draft_settled)
    return pilot.app.screen


async def escape_asks(pilot) -> LeaveDialog:
    await pilot.press("escape")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, LeaveDialog))
    await pilot.pause()
    return pilot.app.screen


def button_labels(dialog: LeaveDialog) -> list[str]:
    return [str(b.label) for b in dialog.query("Button")]


async def test_escape_with_changes_keep_as_draft(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await new_goal_form(pilot)
        await pilot.press(*keys(TITLE))
        dialog = await escape_asks(pilot)
        assert button_labels(dialog) == [
            "Keep as draft (k)", "Discard (d)", "Back to the form (b)"]
        assert app.focused is dialog.query_one("#keep")  # Enter keeps
        await pilot.press("k")
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen))
        assert app.toolbox.goals.list() == []
        assert app.toolbox.drafts.get(DraftKey("new-goal")).fields["title"] == TITLE

        form = await new_goal_form(pilot)
        assert form.query_one("#field-title", Input).value == TITLE
        assert form.query_one(DraftNotice).display
        assert "Your draft from" in str(form.query_one("#draft-text", Static).render())
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen))
        assert [g.title for g in app.toolbox.goals.list()] == [TITLE]
        assert app.toolbox.drafts.list() == []


async def test_escape_with_changes_discard(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await new_goal_form(pilot)
        await pilot.press(*keys(TITLE))
        await escape_asks(pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen))
        assert app.toolbox.drafts.list() == [] and app.toolbox.goals.list() == []
        form = await new_goal_form(pilot)
        assert form.query_one("#field-title", Input).value == ""
        assert not form.query_one(DraftNotice).display


async def test_escape_with_changes_back_to_the_form(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        form = await new_goal_form(pilot)
        await pilot.press(*keys(TITLE))
        await escape_asks(pilot)
        await pilot.press("b")
        await wait_for(pilot, lambda: app.screen is form)
        await escape_asks(pilot)
        await pilot.press("escape")  # Escape in the question is "back" too
        await wait_for(pilot, lambda: app.screen is form)
        assert form.query_one("#field-title", Input).value == TITLE
        await pilot.press(*keys(" now"))  # still typing into the title
        assert form.query_one("#field-title", Input).value == TITLE + " now"
        assert app.toolbox.drafts.list() == []


async def test_escape_without_changes_closes_at_once(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await new_goal_form(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen))
        assert app.toolbox.drafts.list() == []


async def test_a_diary_draft_kept_on_escape_comes_back_after_a_restart(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "diary")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryEditor))
        await pilot.press(*keys(ENTRY))
        await escape_asks(pilot)
        await pilot.press("enter")  # the focused button: keep as draft
        await wait_for(pilot, lambda: isinstance(app.screen, DiaryScreen))
        await pilot.press("ctrl+q")

    again = make_app(vault_path)  # a new app on the same vault: a restart
    async with again.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "diary")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(again.screen, EntryEditor))
        await wait_for(pilot, lambda: again.screen.draft_settled)
        assert again.screen.query_one("#entry-text", TextArea).text == ENTRY
        assert again.screen.query_one(DraftNotice).display
        assert again.toolbox.diary.count() == 0


async def test_a_reply_left_unsent_is_kept_when_leaving_the_thread(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        forums = app.session.forums
        forum = forums.membership.create("Recovery café", "Heron")
        thread = forums.posting.post(forum.id, "Hello all").thread
        app.push_screen(ThreadScreen(forum.id, thread))
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen) and app.screen.loaded)
        await pilot.press("w")
        await pilot.press(*keys("See you on Thursday"))
        await pilot.press("escape", "escape")  # to the posts, then out of the thread
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        key = DraftKey("forum-reply", f"{forum.id}/{thread}")
        assert app.toolbox.drafts.get(key).fields == {"text": "See you on Thursday"}
        app.push_screen(ThreadScreen(forum.id, thread))
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen) and app.screen.loaded)
        await pilot.pause()
        assert app.screen.query_one("#composer-text", TextArea).text == "See you on Thursday"


def seed_goals(vault_path: Path, template) -> None:
    with Vault.open_with_key(vault_path, template.key, template.header) as vault:
        toolbox = Toolbox(vault)
        for title in ("Find a part-time job", "Sleep before midnight", "Swim"):
            toolbox.goals.add(Goal(title=title))
        for day, text in enumerate(("First entry", "Second entry", "Third entry"), start=20):
            toolbox.diary.add(DiaryEntry(text=text, written_at=datetime(2026, 11, day, 9)))


def current_goal(app) -> str | None:
    screen = app.screen
    if not isinstance(screen, GoalsScreen) or not screen.loaded:
        return None
    current = screen.query_one(GoalTree).current
    return None if current is None else current.title


async def test_unlocking_returns_to_the_screen_and_item(vault_path: Path, user_template) -> None:
    seed_goals(vault_path, user_template)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "goals")
        tree = screen.query_one(GoalTree)
        node = next(n for n in tree.nodes_by_key.values() if n.data.title == "Swim")
        tree.move_cursor(node)
        await pilot.pause()
        assert current_goal(app) == "Swim"
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert len(app.screen_stack) == 2
        await unlock(pilot)
        await wait_for(pilot, lambda: current_goal(app) == "Swim")
        assert isinstance(app.screen_stack[1], HomeScreen) and app.screen is not screen
        await pilot.press("escape")  # Home is under it, as before
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_after_the_auto_lock_the_diary_and_its_draft_are_back(
    vault_path: Path, user_template
) -> None:
    seed_goals(vault_path, user_template)
    app = make_app(vault_path, auto_lock_seconds=3600)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "diary")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryEditor))
        await pilot.press(*keys(ENTRY))
        app._last_activity -= 7200  # two idle hours, without waiting for them
        app._check_idle()
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await unlock(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, DiaryScreen) and app.screen.loaded)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryEditor))
        await wait_for(pilot, lambda: app.screen.draft_settled)
        assert app.screen.query_one("#entry-text", TextArea).text == ENTRY
