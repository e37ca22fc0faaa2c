"""What the command line adds is what the app shows: a goal and a crisis-plan line added with
`reconnect goal add` and `reconnect crisis-plan add` appear on the Goals and Crisis plan
screens (Pilot, on the same real vault file)."""

from __future__ import annotations

from pathlib import Path

from reconnect_tui.screens.crisis_plan import SectionItem
from reconnect_tui.widgets.goal_tree import GoalTree
from tests.cli.module_helpers import ok
from tests.pilot import SIZE, make_app, open_module, unlock


async def test_cli_additions_appear_on_the_screens(vault_path: Path) -> None:
    ok(vault_path, "goal", "add", "Swim on Thursdays", "--by", "31.03.2027",
       "--domain", "Physical health")
    ok(vault_path, "crisis-plan", "add", "warning-signs", "I stop answering the phone")
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        goals = await open_module(pilot, "goals")
        titles = [node.data.title for node in goals.query_one(GoalTree).nodes_by_key.values()]
        assert titles == ["Swim on Thursdays"]
        await pilot.press("escape")
        plan = await open_module(pilot, "crisis-plan")
        item = next(i for i in plan.query(SectionItem) if i.spec.key == "warning_signs")
        shown = "\n".join(str(w.render()) for w in item.query("Static"))
        assert "I stop answering the phone" in shown
