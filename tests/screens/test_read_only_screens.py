"""The provider's read-only view of each module, with Pilot, in a provider's unlocked app.

The view is exactly what a provider receives: the portable sections of a real, filled service
user's vault (``export_all``) loaded by ``read_only_toolbox``. Each module screen opens over it
in read-only mode: the banner names the owner, the shared content shows, no edit action is in
the footer or the palette, every edit key (and Enter on an item) does nothing, and the store
refuses writes with ReadOnlyItem.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from textual.widgets import DataTable, OptionList, Static, Tree

from reconnect_tui.errors import ReadOnlyItem
from reconnect_tui.export.document import CRISIS_PLAN_SECTIONS
from reconnect_tui.model import (
    Activity,
    DiaryEntry,
    Exercise,
    Goal,
    Helper,
    LifeDomain,
    Medication,
    Person,
    RegistrationParameter,
    Sector,
)
from reconnect_tui.screens.base import ModuleScreen
from reconnect_tui.screens.crisis_contacts import CrisisContactsScreen
from reconnect_tui.screens.crisis_plan import CrisisPlanScreen
from reconnect_tui.screens.diary import DiaryScreen, ValueField
from reconnect_tui.screens.exercises import ExercisesScreen
from reconnect_tui.screens.goals import GoalsScreen
from reconnect_tui.screens.life_domains import LifeDomainsScreen
from reconnect_tui.screens.medications import MedicationsScreen
from reconnect_tui.screens.network import NetworkScreen
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.store.portable import MODULES, export_all
from reconnect_tui.store.received_view import read_only_toolbox
from tests.pilot import SIZE, make_app, unlock, wait_for
from tests.support.vaults import Template, copy_vault

OWNER = "Kari Nordmann"
DAY = date(2026, 11, 27)


def fill(toolbox: Toolbox) -> None:
    """One of everything, with text that must show in the provider's view."""
    toolbox.what_matters.set("My cat Pus and the allotment")
    domain = toolbox.domains.add(LifeDomain("Allotment", status="Going well", rating=7))
    goal = toolbox.goals.add(Goal(title="Grow potatoes", domain_id=domain.id))
    toolbox.goals.add_activity(Activity(goal.id, "Buy seed potatoes", scheduled_on=DAY))
    person = toolbox.network.add(Person("Anna Berg", "sister", Sector.FAMILY, 1, phone="900"))
    plan = toolbox.crisis_plan.get()
    plan.warning_signs = "I stop answering the phone"
    plan.helpers = [Helper(person.name, person.phone, person.id)]
    toolbox.crisis_plan.save(plan)
    own = toolbox.exercises.add(Exercise(title="Walk to the pier", category="own", body="Go."))
    toolbox.exercises.log(own.id or 0, "felt calmer", when=datetime(2026, 11, 26, 18))
    toolbox.medications.add(Medication("Sertraline", dose="50 mg", questions="Less at night?"))
    toolbox.diary.add(DiaryEntry("A quiet day by the sea.", datetime(2026, 11, 26, 20)))
    sleep = toolbox.registrations.add(RegistrationParameter("Sleep", "hours", 0, 14))
    toolbox.registrations.record(sleep.id or 0, DAY, 7)


@pytest.fixture
def view(vault: Vault) -> Toolbox:
    fill(Toolbox(vault))
    exported = export_all(vault)
    return read_only_toolbox(OWNER, {m: exported[m] for m in MODULES})


def edit_keys(screen: ModuleScreen) -> list[str]:
    """Every key the screen's class binds to one of its edit actions."""
    keys = []
    for binding in type(screen).BINDINGS:
        action = binding.action.partition("(")[0]  # type: ignore[union-attr]
        if action in screen.EDIT_ACTIONS:
            keys += [key.strip() for key in binding.key.split(",")]  # type: ignore[union-attr]
    return keys


def text_of(screen: ModuleScreen) -> str:
    """What the screen's static texts and lists show."""
    parts = [str(w.render()) for w in screen.query(Static)]
    for options in screen.query(OptionList).results(OptionList):
        parts += [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    for tree in screen.query(Tree).results(Tree):
        nodes = [tree.root]
        while nodes:
            node = nodes.pop()
            parts.append(str(node.label))
            nodes += node.children
    for table in screen.query(DataTable).results(DataTable):
        parts += [str(cell) for row in range(table.row_count) for cell in table.get_row_at(row)]
    return "\n".join(parts)


async def open_read_only(pilot, screen: ModuleScreen) -> ModuleScreen:
    await pilot.app.push_screen(screen)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def assert_read_only(pilot, screen: ModuleScreen, view: Toolbox) -> None:
    """Edit actions are refused everywhere, and pressing their keys changes nothing."""
    app = pilot.app
    assert screen.EDIT_ACTIONS, type(screen).__name__
    for action in screen.EDIT_ACTIONS:
        assert screen.check_action(action, ()) is False
    active = {b.binding.action.partition("(")[0] for b in screen.active_bindings.values()}
    assert not active & screen.EDIT_ACTIONS
    commands = {c.title for c in app.get_system_commands(screen)}
    edit_titles = {b.description for b in type(screen).BINDINGS
                   if b.action.partition("(")[0] in screen.EDIT_ACTIONS}  # type: ignore[union-attr]
    assert edit_titles and not commands & edit_titles
    assert "message_about" in active  # the one thing a provider does with it: write about it
    banner = screen.query_one(".read-only-banner", Static)
    assert str(banner.render()) == f"Shared by {OWNER} — read only"

    before = export_all(view.vault)
    stack = len(app.screen_stack)
    for key in [*edit_keys(screen), "enter"]:
        await pilot.press(key)
        await pilot.pause()
        assert len(app.screen_stack) == stack, f"{key} opened a dialog"
        assert app.screen is screen
    assert export_all(view.vault) == before


async def test_each_module_screen_is_read_only_over_the_shared_view(
    view: Toolbox, provider_template: Template, tmp_path: Path
) -> None:
    app = make_app(copy_vault(provider_template, tmp_path / "provider"))
    contacts = next(s for s in CRISIS_PLAN_SECTIONS if s.kind == "helpers")
    screens: list[tuple[ModuleScreen, list[str]]] = [
        (GoalsScreen, ["Grow potatoes", "Buy seed potatoes"]),
        (LifeDomainsScreen, ["My cat Pus and the allotment", "Allotment  7/10"]),
        (NetworkScreen, ["Anna Berg"]),
        (CrisisPlanScreen, ["I stop answering the phone", "Anna Berg"]),
        (MedicationsScreen, ["Sertraline", "Less at night?"]),
        (DiaryScreen, ["A quiet day by the sea."]),
        (ExercisesScreen, ["Walk to the pier"]),
    ]
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        own_profile = app.toolbox.profile.get()
        kwargs = {"toolbox": view, "read_only": True, "owner": OWNER, "shared_by": 1}
        for screen_class, shown in screens:
            screen = await open_read_only(pilot, screen_class(**kwargs))
            try:
                await wait_for(pilot, lambda s=screen, t=shown: all(x in text_of(s) for x in t))
            except AssertionError:
                raise AssertionError(f"{screen_class.__name__}: {text_of(screen)}") from None
            assert not any(line.display for line in screen.query(".who-can-see"))
            await assert_read_only(pilot, screen, view)
            app.pop_screen()
            await pilot.pause()
        screen = await open_read_only(pilot, CrisisContactsScreen(contacts, **kwargs))
        assert "Anna Berg" in text_of(screen)
        await assert_read_only(pilot, screen, view)
        assert app.toolbox.profile.get() == own_profile  # the provider's own vault untouched


async def test_registrations_show_and_cannot_be_typed_into(
    view: Toolbox, provider_template: Template, tmp_path: Path
) -> None:
    app = make_app(copy_vault(provider_template, tmp_path / "provider"))
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_read_only(
            pilot, DiaryScreen(toolbox=view, read_only=True, owner=OWNER, shared_by=1)
        )
        await pilot.press("r")  # to the registrations tab: viewing is not editing
        await pilot.pause()
        fields = list(screen.query(ValueField).results(ValueField))
        assert [f.parameter.name for f in fields] == ["Sleep"]
        assert fields[0].text == "7" and fields[0].disabled
        await pilot.press("9", "enter", "ctrl+s")
        await pilot.pause()
        assert view.registrations.values_on(DAY) == {fields[0].parameter.id: 7}


def test_the_store_refuses_every_write_to_received_items(view: Toolbox) -> None:
    goal = view.goals.list()[0]
    writes = [
        lambda: view.goals.add(Goal(title="Edited by the provider")),
        lambda: view.goals.update(goal),
        lambda: view.goals.delete(goal.id or 0),
        lambda: view.what_matters.set("changed"),
        lambda: view.domains.add(LifeDomain("New")),
        lambda: view.network.delete(view.network.list()[0].id or 0),
        lambda: view.crisis_plan.save(view.crisis_plan.get()),
        lambda: view.medications.add(Medication("Other")),
        lambda: view.diary.add(DiaryEntry("x", datetime(2026, 11, 27))),
        lambda: view.registrations.record(view.registrations.list()[0].id or 0, DAY, 1),
    ]
    for write in writes:
        with pytest.raises(ReadOnlyItem, match=OWNER):
            write()
    assert [g.title for g in view.goals.list()] == ["Grow potatoes"]


async def test_the_service_users_own_screens_keep_their_edit_keys(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = GoalsScreen()
        await pilot.app.push_screen(screen)
        await pilot.pause()
        active = {b.binding.action for b in screen.active_bindings.values()}
        assert {"add_goal", "edit", "delete"} <= active
        assert "message_about" not in active
        assert not screen.query(".read-only-banner")
        await pilot.press("a")
        await pilot.pause()
        assert type(app.screen).__name__ == "FormScreen"
