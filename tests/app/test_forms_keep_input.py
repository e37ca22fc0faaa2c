"""Nothing typed is lost to a validation error (issue 15).

Seen at 80x24: a registration whose lowest value is above its highest, a check-in every 0 days,
a forum pseudonym equal to one's own name and an export to a folder that does not exist each
closed the form and dropped what was typed; a rejected "Reach it by" date was said below the
fold. Now the form stays open with every field as typed, the message stands beside its field,
and that field is focused and scrolled into view with its message.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widgets import Input, Static

from reconnect_tui.screens.agreement import schedule_checkin_form
from reconnect_tui.screens.crisis_export_dialog import ExportDialog
from reconnect_tui.screens.diary import DiaryScreen
from reconnect_tui.screens.forum import ForumsScreen
from reconnect_tui.screens.goals import GoalsScreen
from reconnect_tui.widgets.form import Field, FormError, FormScreen, parse_value
from tests.pilot import SIZE, make_app, open_module, unlock, wait_for


def error_beside(form: FormScreen, name: str) -> str:
    """The message shown beside field ``name`` ("" when none is shown)."""
    error = form.query_one(f"#error-{name}", Static)
    return str(error.render()) if error.display else ""


def in_view(form: FormScreen, name: str) -> bool:
    """Field ``name`` and its message are both wholly on the 80x24 screen."""
    screen = Region(0, 0, *SIZE)
    parts = (form.query_one(f"#field-{name}"), form.query_one(f"#error-{name}"))
    return all(part.region.area and screen.contains_region(part.region) for part in parts)


async def test_registration_lowest_above_highest_stays_open(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "diary")
        await pilot.press("r", "a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        typed = {"name": "Anxiety", "unit": "points", "minimum": "8", "maximum": "2"}
        for name, value in typed.items():
            form.query_one(f"#field-{name}", Input).value = value
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert {n: form.query_one(f"#field-{n}", Input).value for n in typed} == typed
        assert "lowest value must be below the highest" in error_beside(form, "maximum")
        assert app.focused is form.query_one("#field-maximum")
        await wait_for(pilot, lambda: in_view(form, "maximum"))
        assert app.toolbox.registrations.list() == []
        form.query_one("#field-maximum", Input).value = "10"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DiaryScreen))
        [param] = app.toolbox.registrations.list()
        assert (param.name, param.minimum, param.maximum) == ("Anxiety", 8, 10)


async def test_a_rejected_date_is_said_beside_it_and_scrolled_into_view(vault_path: Path) -> None:
    """The goal form is taller than 24 lines: "Reach it by" sits below the fold."""
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "goals")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        # its keys stay in view at the foot however far the form scrolls
        from reconnect_tui.widgets.footer import QuietFooter

        footer = form.query_one(QuietFooter)
        await wait_for(pilot, lambda: {"save", "cancel"} <= set(footer.shown_actions))
        assert footer.region.bottom == SIZE[1]
        form.query_one("#field-title", Input).value = "Swim once a week"
        form.query_one("#field-due", Input).value = "the 45th"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "Reach it by" in error_beside(form, "due")
        assert app.focused is form.query_one("#field-due")
        await wait_for(pilot, lambda: in_view(form, "due"))
        assert form.query_one("#field-title", Input).value == "Swim once a week"
        assert form.query_one("#field-due", Input).value == "the 45th"
        assert app.toolbox.goals.list() == []

        # the required title, emptied, is refused beside it (scrolled back up)
        form.query_one("#field-due", Input).value = ""
        form.query_one("#field-title", Input).value = "  "
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "cannot be empty" in error_beside(form, "title")
        assert error_beside(form, "due") == ""  # the old message went
        await wait_for(pilot, lambda: in_view(form, "title"))
        form.query_one("#field-title", Input).value = "Swim"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen))
        assert [g.title for g in app.toolbox.goals.list()] == ["Swim"]


async def test_the_life_domain_is_optional_and_says_so(vault_path: Path) -> None:
    """It showed "Life domain *" and took "No life domain" all the same: now it is not marked
    required, and its blank is the "No life domain" choice."""
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "goals")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        labels = [str(label.render()) for label in form.query("Label")]
        assert "Life domain" in labels and "Life domain *" not in labels
        form.query_one("#field-title", Input).value = "Swim"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen))
        [goal] = app.toolbox.goals.list()
        assert goal.domain_id is None


@pytest.mark.parametrize("kind", ["text", "multiline", "int", "float", "rating", "date", "phone"])
def test_every_required_field_refuses_an_empty_value(kind) -> None:
    spec = Field("x", "Thing", kind, required=True)  # type: ignore[arg-type]  # each kind
    with pytest.raises(FormError, match="Thing cannot be empty") as raised:
        parse_value(spec, "   ")
    assert raised.value.field_name == "x"


def test_numbers_outside_their_range_are_refused() -> None:
    every = Field("every_days", "Every … days", "int", required=True, low=1, high=365)
    for typed in ("0", "-3", "366"):
        with pytest.raises(FormError, match="from 1 to 365"):
            parse_value(every, typed)
    assert parse_value(every, "7") == 7


async def test_a_check_in_every_0_days_keeps_the_form(vault_path: Path) -> None:
    app = make_app(vault_path)
    scheduled: list[dict] = []
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        form = schedule_checkin_form(scheduled.append)
        app.push_screen(form)
        await wait_for(pilot, lambda: app.screen is form and bool(form.query("#field-question")))
        form.query_one("#field-question", Input).value = "How is your sleep?"
        form.query_one("#field-every_days", Input).value = "0"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and scheduled == []
        assert "from 1 to 365" in error_beside(form, "every_days")
        assert form.query_one("#field-question", Input).value == "How is your sleep?"
        await wait_for(pilot, lambda: in_view(form, "every_days"))
        form.query_one("#field-every_days", Input).value = "14"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not form)
        assert scheduled == [{"question": "How is your sleep?", "every_days": 14}]


async def test_a_pseudonym_equal_to_ones_name_keeps_the_form(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "forum")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        form.query_one("#field-name", Input).value = "Recovery café"
        form.query_one("#field-pseudonym", Input).value = "kari"  # Kari Nordmann's vault
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "never your name" in error_beside(form, "pseudonym")
        assert form.query_one("#field-name", Input).value == "Recovery café"
        assert form.query_one("#field-pseudonym", Input).value == "kari"
        await wait_for(pilot, lambda: in_view(form, "pseudonym"))
        assert app.session.forums.views.forums() == []
        form.query_one("#field-pseudonym", Input).value = "Heron"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ForumsScreen))
        assert [f.pseudonym for f in app.session.forums.views.forums()] == ["Heron"]


async def test_an_export_to_a_missing_folder_keeps_the_dialog(vault_path: Path,
                                                              tmp_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "crisis-plan")
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        dialog = app.screen
        missing = tmp_path / "no such folder" / "plan.pdf"
        dialog.query_one("#export-path", Input).value = str(missing)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        assert dialog.query_one("#export-path", Input).value == str(missing)
        error = dialog.query_one("#export-error", Static)
        assert "does not exist" in str(error.render())
        assert app.focused is dialog.query_one("#export-path")
        await wait_for(pilot, lambda: Region(0, 0, *SIZE).contains_region(error.region)
                       and bool(error.region.area))
        dialog.query_one("#export-path", Input).value = str(tmp_path / "plan.pdf")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: (tmp_path / "plan.pdf").exists())
