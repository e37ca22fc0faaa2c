"""Goals screen driven by Pilot on a real vault: add, edit, tick off, delete, filter, Home."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Input

from reconnect_tui.model import Activity, Goal, LifeDomain
from reconnect_tui.screens.goals import GoalsScreen
from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.widgets import goal_tree
from reconnect_tui.widgets.confirm import ConfirmScreen
from reconnect_tui.widgets.form import FormScreen
from reconnect_tui.widgets.goal_tree import GoalData, GoalTree, visible_roots
from tests.pilot import SIZE, lock_and_unlock, make_app, open_module, unlock, wait_for


def labels(screen: GoalsScreen) -> list[str]:
    tree = screen.query_one(GoalTree)
    return [str(node.label) for node in tree.nodes_by_key.values()]


def select(screen: GoalsScreen, title: str) -> None:
    tree = screen.query_one(GoalTree)
    node = next(n for n in tree.nodes_by_key.values() if n.data.title == title)
    tree.move_cursor(node)


async def fill_form(pilot, **values: str) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    for name, value in values.items():
        pilot.app.screen.query_one(f"#field-{name}", Input).value = value
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, GoalsScreen))


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def seed(vault_path: Path, user_template) -> dict[str, int]:
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        toolbox = Toolbox(vault)
        work, health = toolbox.domains.list()[0], toolbox.domains.list()[3]
        job = toolbox.goals.add(Goal(title="Find a part-time job", domain_id=work.id))
        cv = toolbox.goals.add(Goal(title="Write a CV", parent_id=job.id, domain_id=work.id))
        toolbox.goals.add_activity(
            Activity(goal_id=cv.id, title="Ask Ola to read it", scheduled_on=date(2026, 11, 28))
        )
        toolbox.goals.add(Goal(title="Sleep before midnight", domain_id=health.id))
        return {"work": work.id, "health": health.id, "job": job.id}


async def test_empty_state_says_what_goals_are_for(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "goals")
        await settle(pilot)
        empty = screen.query_one("#goals-empty")
        assert empty.display and "Goals are what you want" in str(empty.render())
        assert not screen.query_one(GoalTree).display
        assert "Only you can see this" in str(screen.query_one(".who-can-see").render())


async def test_add_goal_subgoal_activity_edit_tick_and_survive_lock(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "goals")
        await pilot.press("a")
        await fill_form(pilot, title="Get back to choir")
        await settle(pilot)
        assert labels(screen) == ["Get back to choir"]
        await pilot.press("s")
        await fill_form(pilot, title="Call the conductor")
        await settle(pilot)
        assert screen.query_one(GoalTree).current.title == "Call the conductor"
        await pilot.press("t")
        await fill_form(pilot, title="Find the phone number", scheduled_on="2026-11-28")
        await settle(pilot)
        tree = screen.query_one(GoalTree)
        assert tree.current.title == "Find the phone number"
        assert tree.cursor_node.parent.data.title == "Call the conductor"
        await pilot.press("space")
        await settle(pilot)
        assert screen.query_one(GoalTree).current.done
        select(screen, "Get back to choir")
        await pilot.press("e")
        await fill_form(pilot, title="Sing in the choir again")
        await settle(pilot)
        await lock_and_unlock(pilot)
        screen = await open_module(pilot, "goals")
        await settle(pilot)
        assert labels(screen) == [
            "Sing in the choir again",
            "Call the conductor",
            "[x] Find the phone number",
        ]
        goals = app.toolbox.goals.list()
        assert [g.parent_id for g in goals] == [None, goals[0].id]
        (activity,) = app.toolbox.goals.activities()
        assert activity.done and activity.done_at is not None
        assert activity.scheduled_on == date(2026, 11, 28)


async def test_delete_asks_and_names_what_goes_with_it(vault_path: Path, user_template) -> None:
    seed(vault_path, user_template)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "goals")
        await settle(pilot)
        select(screen, "Find a part-time job")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "1 sub-goal(s) and 1 activity(ies) go too" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert len(app.toolbox.goals.list()) == 3
        select(screen, "Find a part-time job")
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        assert labels(screen) == ["Sleep before midnight  Physical health"]
        assert [g.title for g in app.toolbox.goals.list()] == ["Sleep before midnight"]
        assert app.toolbox.goals.activities() == []


async def test_filter_cycles_through_life_domains(vault_path: Path, user_template) -> None:
    ids = seed(vault_path, user_template)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "goals")
        await settle(pilot)
        assert len(labels(screen)) == 4
        await pilot.press("f")
        await settle(pilot)
        assert screen.domain_filter == ids["work"]
        assert [label.split("  ")[0] for label in labels(screen)] == [
            "Find a part-time job",
            "Write a CV",
            "[ ] Ask Ola to read it",
        ]
        assert "School / occupation" in str(screen.query_one("#goal-filter").render())
        await pilot.press("f")
        await settle(pilot)
        assert labels(screen) == [] and screen.query_one("#goals-empty").display


async def test_activity_added_this_week_shows_on_home(vault_path: Path, user_template) -> None:
    seed(vault_path, user_template)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "goals")
        await settle(pilot)
        select(screen, "Sleep before midnight")
        await pilot.press("t")
        await fill_form(pilot, title="Phone off at eleven", scheduled_on="2026-11-27")
        await settle(pilot)
        select(screen, "Sleep before midnight")
        await pilot.press("t")
        await fill_form(pilot, title="Plan next month", scheduled_on="2026-12-07")
        await settle(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        app.show_home()
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.loaded)
        text = " ".join(str(w.render()) for w in app.screen.query(".item"))
        assert "Phone off at eleven" in text and "today" in text
        assert "Ask Ola to read it" in text
        assert "Plan next month" not in text


def test_visible_roots_keep_a_goal_whose_sub_goal_matches() -> None:
    data = GoalData(
        goals=[
            Goal(title="A", id=1, domain_id=None),
            Goal(title="A1", id=2, parent_id=1, domain_id=7),
            Goal(title="B", id=3, domain_id=8),
        ],
        domains=[LifeDomain(name="x", id=7), LifeDomain(name="y", id=8)],
    )
    assert [g.title for g in visible_roots(data, 7)] == ["A"]
    assert [g.title for g in visible_roots(data, 8)] == ["B"]
    assert [g.title for g in visible_roots(data, None)] == ["A", "B"]
    assert data.descendants(1) == (1, 0)


async def test_big_tree_builds_later_goals_closed_and_opens_them(
    vault_path: Path, user_template, monkeypatch
) -> None:
    monkeypatch.setattr(goal_tree, "EXPANDED_LINES", 3)
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        toolbox = Toolbox(vault)
        activities = {}
        for title in ("Walk", "Read", "Cook"):
            goal = toolbox.goals.add(Goal(title=title))
            activity = Activity(goal_id=goal.id, title=f"{title} today")
            activities[title] = toolbox.goals.add_activity(activity)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "goals")
        await settle(pilot)
        tree = screen.query_one(GoalTree)
        # the first goal is open; the others are closed and their activities not built yet
        assert labels(screen) == ["Walk", "[ ] Walk today", "Read", "Cook"]
        read = tree.nodes_by_key[("goal", activities["Read"].goal_id)]
        assert read.allow_expand and not read.is_expanded
        select(screen, "Read")
        await pilot.press("right")
        await settle(pilot)
        assert read.is_expanded and "[ ] Read today" in labels(screen)
        await pilot.press("down")
        assert tree.current.title == "Read today"
        await pilot.press("left")  # on an activity: back to its goal
        assert tree.current.title == "Read"
        await pilot.press("left")  # on an open goal: close it
        assert not read.is_expanded
        # an item under a closed goal (as after adding it, or from search) is revealed
        tree.select_key(("activity", activities["Cook"].id))
        await settle(pilot)
        assert tree.current.title == "Cook today"
        assert tree.cursor_node.parent.is_expanded
