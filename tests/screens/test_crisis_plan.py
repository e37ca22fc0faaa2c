"""Crisis plan editor driven by Pilot on a real vault: sections, helpers, services, export."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, ListView, OptionList, RadioButton, TextArea

from reconnect_tui.export.document import CRISIS_PLAN_SECTIONS
from reconnect_tui.model import CrisisPlan, Person, Sector, ServiceContact
from reconnect_tui.screens.crisis_contacts import CrisisContactsScreen, HelperPicker
from reconnect_tui.screens.crisis_export_dialog import ExportDialog
from reconnect_tui.screens.crisis_plan import CrisisPlanScreen, SectionItem
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.widgets.form import FormScreen
from tests.pilot import SIZE, lock_and_unlock, make_app, open_module, unlock, wait_for

KEYS = [spec.key for spec in CRISIS_PLAN_SECTIONS]


def open_toolbox(vault_path: Path, template) -> Toolbox:
    return Toolbox(Vault.open_with_key(vault_path, template.key, template.header))


def section_text(screen, key: str) -> str:
    item = next(i for i in screen.query(SectionItem) if i.spec.key == key)
    return "\n".join(str(w.render()) for w in item.query("Static"))


async def go_to(pilot, key: str) -> None:
    sections = pilot.app.screen.query_one("#sections", ListView)
    sections.focus()
    while sections.index != KEYS.index(key):
        await pilot.press("down" if (sections.index or 0) < KEYS.index(key) else "up")


async def test_empty_plan_shows_numbers_sections_and_purpose(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "crisis-plan")
        numbers = str(screen.query_one("#emergency-numbers").render())
        assert "113" in numbers and "116 117" in numbers  # the vault's locale is NO
        assert screen.query_one("#emergency-numbers").region.y < 6
        empty = screen.query_one("#crisis-plan-empty")
        assert empty.display and "bad one" in str(empty.render())
        assert [item.spec.key for item in screen.query(SectionItem)] == KEYS
        assert "Not filled in yet." in section_text(screen, "warning_signs")
        titles = {c.title for c in app.get_system_commands(screen)}
        assert {"Edit section", "Add to section", "Clear section", "Export…"} <= titles


async def test_edit_and_clear_a_section_survives_lock(vault_path: Path, user_template) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CrisisPlanScreen))
        await go_to(pilot, "self_help")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one(TextArea).text = "Go for a walk\nCall my sister"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, CrisisPlanScreen))
        screen = app.screen
        await wait_for(pilot, lambda: "Call my sister" in section_text(screen, "self_help"))
        assert not screen.query_one("#crisis-plan-empty").display

        await lock_and_unlock(pilot)
        screen = await open_module(pilot, "crisis-plan")
        assert "Go for a walk\nCall my sister" in section_text(screen, "self_help")
        await go_to(pilot, "self_help")
        await pilot.press("x", "n")
        await wait_for(pilot, lambda: isinstance(app.screen, CrisisPlanScreen))
        assert screen.plan.self_help
        await pilot.press("x", "y")
        await wait_for(pilot, lambda: not screen.plan.self_help)
    toolbox = open_toolbox(vault_path, user_template)
    try:
        assert toolbox.crisis_plan.get().self_help == ""
    finally:
        toolbox.vault.close()


async def test_helpers_from_the_network_first_then_free_entry(
    vault_path: Path, user_template
) -> None:
    toolbox = open_toolbox(vault_path, user_template)
    toolbox.network.add(Person("Ola", sector=Sector.FRIENDS, ring=1))
    sister = toolbox.network.add(
        Person("Siri", sector=Sector.FAMILY, ring=2, phone="911 11 111", can_help_in_crisis=True)
    )
    toolbox.vault.close()
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "crisis-plan")
        await go_to(pilot, "helpers")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, HelperPicker))
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts[0].startswith("Siri · 911 11 111") and prompts[1].startswith("Ola")
        assert prompts[-1].startswith("Someone else")
        await pilot.press("enter")  # Siri, highlighted first
        await wait_for(pilot, lambda: isinstance(app.screen, CrisisContactsScreen))
        contacts = app.screen
        await wait_for(pilot, lambda: len(contacts.plan.helpers) == 1)
        assert contacts.plan.helpers[0].person_id == sister.id

        # free entry: "Someone else" opens a form
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, HelperPicker))
        picker_list = app.screen.query_one(OptionList)
        picker_list.highlighted = picker_list.option_count - 1
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-name", Input).value = "Neighbour Per"
        app.screen.query_one("#field-phone", Input).value = "922 22 222"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(contacts.plan.helpers) == 2)

        # reorder: Per (highlighted, last) moves up
        await pilot.press("minus")
        await wait_for(pilot, lambda: contacts.plan.helpers[0].name == "Neighbour Per")
        await lock_and_unlock(pilot)
        screen = await open_module(pilot, "crisis-plan")
        shown = section_text(screen, "helpers")
        # typed "922 22 222": kept in the national format of phonenumbers
        assert shown.index("Neighbour Per: 92 22 22 22") < shown.index("Siri: 911 11 111")

        # remove Siri (second) from the contacts screen
        await go_to(pilot, "helpers")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CrisisContactsScreen))
        contacts = app.screen
        await pilot.press("down", "x", "y")
        await wait_for(pilot, lambda: [h.name for h in contacts.plan.helpers] == ["Neighbour Per"])
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CrisisPlanScreen))
        assert "Siri" not in section_text(app.screen, "helpers")


async def test_professionals_add_and_edit(vault_path: Path, user_template) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "crisis-plan")
        await go_to(pilot, "professionals")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CrisisContactsScreen))
        contacts = app.screen
        assert contacts.query_one("#contacts-empty").display
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-name", Input).value = "Dr Lind"
        app.screen.query_one("#field-role", Input).value = "GP"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(contacts.plan.professionals) == 1)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-phone", Input).value = "22 00 00 00"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: contacts.plan.professionals[0].phone == "22 00 00 00")
    toolbox = open_toolbox(vault_path, user_template)
    try:
        assert toolbox.crisis_plan.get().professionals == [
            ServiceContact("Dr Lind", "22 00 00 00", "GP")
        ]
    finally:
        toolbox.vault.close()


async def test_export_writes_the_file_and_reports_errors(
    vault_path: Path, user_template, tmp_path: Path
) -> None:
    toolbox = open_toolbox(vault_path, user_template)
    toolbox.crisis_plan.save(CrisisPlan(warning_signs="I stop sleeping"))
    toolbox.vault.close()
    target = tmp_path / "out" / "plan.md"
    target.parent.mkdir()
    app = make_app(vault_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        await open_module(pilot, "crisis-plan")
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        dialog = app.screen
        assert dialog.query_one("#export-path", Input).value.endswith("crisis-plan.pdf")
        dialog.query_one("#format-md", RadioButton).value = True
        dialog.query_one("#export-compact", Checkbox).value = True
        await wait_for(
            pilot,
            lambda: dialog.query_one("#export-path", Input).value.endswith(
                "crisis-plan-compact.md"
            ),
        )
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: target.exists())
        assert "I stop sleeping" in target.read_text()
        await wait_for(pilot, lambda: any("written to" in n.message for n in app._notifications))

        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        missing = tmp_path / "no-such-folder" / "plan.pdf"
        app.screen.query_one("#export-path", Input).value = str(missing)
        await pilot.press("ctrl+s")
        await pilot.pause()
        # said in the dialog, which stays open with the path as typed (issue 15)
        assert isinstance(app.screen, ExportDialog)
        assert "does not exist" in str(app.screen.query_one("#export-error").render())
        assert app.screen.query_one("#export-path", Input).value == str(missing)
        assert not missing.exists()


async def test_fhir_export_offers_modules_unticked_and_writes_only_those(
    vault_path: Path, user_template, tmp_path: Path
) -> None:
    import json

    from reconnect_tui.model import Goal, Medication

    toolbox = open_toolbox(vault_path, user_template)
    toolbox.crisis_plan.save(CrisisPlan(warning_signs="I stop sleeping CRISISMARKER"))
    toolbox.goals.add(Goal(title="Walk GOALMARKER"))
    toolbox.medications.add(Medication("Lithium MEDMARKER", dose="400 mg"))
    toolbox.vault.close()
    target = tmp_path / "record.json"
    app = make_app(vault_path)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await unlock(pilot)
        await open_module(pilot, "crisis-plan")
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        dialog = app.screen
        assert not dialog.query_one("#fhir-modules").display
        dialog.query_one("#format-fhir", RadioButton).value = True
        await wait_for(pilot, lambda: dialog.query_one("#fhir-modules").display)
        boxes = list(dialog.query("#fhir-modules Checkbox").results(Checkbox))
        assert [b.id for b in boxes] == ["fhir-goals", "fhir-crisis-plan", "fhir-medications",
                                         "fhir-registrations", "fhir-life-domains",
                                         "fhir-feedback"]
        assert not any(b.value for b in boxes)  # nothing goes in by accident
        assert not dialog.query_one("#export-compact", Checkbox).display
        assert dialog.query_one("#export-path", Input).value.endswith("reconnect-fhir.json")
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog and not target.exists()
        assert "Tick what goes in" in str(dialog.query_one("#export-error").render())
        dialog.query_one("#fhir-crisis-plan", Checkbox).value = True
        dialog.query_one("#fhir-goals", Checkbox).value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: target.exists())
        await wait_for(pilot, lambda: any("not encrypted" in n.message
                                          for n in app._notifications))
    text = target.read_text(encoding="utf-8")
    bundle = json.loads(text)
    sections = [s["code"]["coding"][0]["code"] for s in bundle["entry"][0]["resource"]["section"]]
    assert sections == ["goals", "crisis-plan"]
    assert "CRISISMARKER" in text and "GOALMARKER" in text and "MEDMARKER" not in text
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)


async def test_a_providers_read_only_plan_offers_no_fhir_export(
    vault_path: Path, user_template, provider_template, tmp_path: Path
) -> None:
    """FHIR from the app is the person's own record; a provider uses `shared export`."""
    from reconnect_tui.store.portable import export_sections
    from reconnect_tui.store.received_view import read_only_toolbox
    from tests.support.vaults import copy_vault

    toolbox = open_toolbox(vault_path, user_template)
    toolbox.crisis_plan.save(CrisisPlan(warning_signs="I stop answering the phone"))
    view = read_only_toolbox("Kari Nordmann", export_sections(toolbox.vault, ["crisis_plan"]))
    toolbox.vault.close()
    app = make_app(copy_vault(provider_template, tmp_path / "provider"))
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await app.push_screen(CrisisPlanScreen(toolbox=view, read_only=True,
                                               owner="Kari Nordmann", shared_by=1))
        await pilot.pause()
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        assert app.screen.query("#format-pdf") and not app.screen.query("#format-fhir")
        assert not app.screen.query("#fhir-modules")
    view.vault.close()
