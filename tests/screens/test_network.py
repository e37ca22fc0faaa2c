"""Network map screen driven by Pilot on a real vault: empty state, add, edit, delete, lock."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, DataTable, Input, Select

from reconnect_tui.model import Person, Sector
from reconnect_tui.screens.network import NetworkScreen
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.widgets.form import FormScreen
from reconnect_tui.widgets.network_rings import NetworkRings, plain, ring_lines
from tests.pilot import SIZE, lock_and_unlock, make_app, open_module, unlock, wait_for


def seed(vault_path: Path, template, people: list[Person]) -> None:
    vault = Vault.open_with_key(vault_path, template.key, template.header)
    try:
        toolbox = Toolbox(vault)
        for person in people:
            toolbox.network.add(person)
    finally:
        vault.close()


def read_people(vault_path: Path, template) -> list[Person]:
    vault = Vault.open_with_key(vault_path, template.key, template.header)
    try:
        return Toolbox(vault).network.list()
    finally:
        vault.close()


async def test_empty_state_explains_the_map(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "network")
        empty = screen.query_one("#network-empty")
        assert empty.display and empty.region.height > 0
        assert "closest ring" in str(empty.render())
        assert not screen.query_one("#network-panes").display
        assert screen.query_one(".who-can-see").region.height == 1


async def test_add_edit_delete_and_survive_lock(vault_path: Path, user_template) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("n")  # the key on Home
        await wait_for(pilot, lambda: isinstance(app.screen, NetworkScreen))
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        await pilot.press(*"Mor")
        form.query_one("#field-relation", Input).value = "mother"
        form.query_one("#field-sector", Select).value = Sector.FAMILY
        form.query_one("#field-ring", Select).value = 1
        form.query_one("#field-phone", Input).value = "900 00 000"
        form.query_one("#field-can_help_in_crisis", Checkbox).value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, NetworkScreen))
        screen = app.screen
        assert not screen.query_one("#network-empty").display
        drawing = plain(ring_lines(screen.people, 60))
        assert "Mor (family)+" in drawing

        # edit: the name changes, in the table and the drawing
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-name", Input).value = "Mamma"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, NetworkScreen))
        table = screen.query_one("#people", DataTable)
        assert table.get_row_at(0)[0] == "Mamma"
        assert "Mamma" in str(screen.query_one("#rings", NetworkRings).render())

        await lock_and_unlock(pilot)
        screen = await open_module(pilot, "network")
        assert [(p.name, p.ring, p.sector, p.can_help_in_crisis) for p in screen.people] == [
            ("Mamma", 1, Sector.FAMILY, True)
        ]

        # delete asks first: "n" keeps, then "x" + "y" removes
        await pilot.press("x")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NetworkScreen))
        assert len(screen.people) == 1
        await pilot.press("x")
        await pilot.press("y")
        await wait_for(pilot, lambda: not screen.people)
        assert screen.query_one("#network-empty").display
    assert read_people(vault_path, user_template) == []


async def test_narrow_tabs_switch_and_wide_shows_both(vault_path: Path, user_template) -> None:
    seed(
        vault_path,
        user_template,
        [
            Person("Anna", "friend", Sector.FRIENDS, 2),
            Person("Dr Lind", "GP", Sector.PROFESSIONAL, 4, phone="22 00 00 00"),
        ],
    )
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "network")
        assert screen.has_class("narrow")
        rings = screen.query_one("#rings", NetworkRings)
        assert rings.region.width > 60 and not screen.query_one("#people").display
        text = str(rings.render())
        assert "Anna (friends)" in text and "Dr Lind (services)" in text
        await pilot.press("v")
        await wait_for(pilot, lambda: screen.query_one("#people").display)
        assert not screen.query_one("#rings-pane").display
        table = screen.query_one("#people", DataTable)
        assert table.row_count == 2 and app.focused is table
        # Enter on a row opens it for editing
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        assert app.screen.query_one("#field-name", Input).value == "Dr Lind"
        await pilot.press("escape")
    app = make_app(vault_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "network")
        assert not screen.has_class("narrow")
        assert screen.query_one("#people").region.width > 0
        assert screen.query_one("#rings").region.width > 0


async def test_every_action_is_in_the_palette(vault_path: Path, user_template) -> None:
    seed(vault_path, user_template, [Person("Anna", ring=2)])
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "network")
        titles = {command.title for command in app.get_system_commands(screen)}
        assert {"Add person", "Edit", "Delete", "Map/table"} <= titles


def test_drawing_places_people_in_their_ring() -> None:
    people = [
        Person("Inner", sector=Sector.FAMILY, ring=1, id=1),
        Person("Outer", sector=Sector.LEISURE, ring=4, id=2),
    ]
    lines = plain(ring_lines(people, 40)).splitlines()
    assert all(len(line) == 40 for line in lines)
    outer_row = next(i for i, line in enumerate(lines) if "Outer" in line)
    inner_row = next(i for i, line in enumerate(lines) if "Inner" in line)
    me_row = next(i for i, line in enumerate(lines) if "Me" in line)
    # the outer ring's person sits inside only one border, the inner one inside four
    assert lines[outer_row].startswith("│ Outer")
    assert lines[inner_row].startswith("│ │ │ │ Inner")
    assert outer_row < inner_row <= me_row + 1


def test_drawing_falls_back_to_a_list_when_narrow_and_cuts_long_names() -> None:
    people = [Person("A very long name indeed for a small box", ring=3, id=1)]
    narrow = plain(ring_lines(people, 20)).splitlines()
    assert narrow[0].startswith("Ring 1") and all(len(line) <= 20 for line in narrow)
    boxed = plain(ring_lines(people, 34)).splitlines()
    assert all(len(line) == 34 for line in boxed)
    assert any("…" in line for line in boxed)


async def test_a_phone_that_is_not_a_phone_keeps_the_form_open(
    vault_path: Path, user_template
) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NetworkScreen))
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        await pilot.press(*"Mor")
        form.query_one("#field-sector", Select).value = Sector.FAMILY
        form.query_one("#field-ring", Select).value = 1
        form.query_one("#field-phone", Input).value = "abc-not-a-phone"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # refused, nothing typed is lost
        assert form.query_one("#field-phone", Input).value == "abc-not-a-phone"
        form.query_one("#field-phone", Input).value = "+47 912 34 567"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, NetworkScreen))
    (person,) = read_people(vault_path, user_template)
    assert person.phone == "91 23 45 67"
