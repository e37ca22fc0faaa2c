"""Snapshots at 80x24 of the service user's screens not pictured elsewhere (issue 15): the lock
and create screens, every toolbox module, the dialogs (help, F2, settings, recovery code,
pairing; a new provider's invitation), Home in the light theme and a form with an error beside
its field.

One seeded vault (core API, fixed times), the app's fixed clock and UTC: the pictures change only
when the interface does. Each case waits for the loading workers and stops what ticks (the
breathing timer, cursors) before the picture is taken.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, TextArea

from reconnect_tui.app import ReconnectApp
from reconnect_tui.model import (
    Activity,
    CrisisPlan,
    DiaryEntry,
    Goal,
    Helper,
    Medication,
    Person,
    RegistrationParameter,
    Sector,
)
from reconnect_tui.settings import Settings
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.store.repositories import crisis_plan as crisis_plan_repository
from reconnect_tui.store.repositories import life_domains as life_domains_repository
from tests.pilot import NOW, make_app, open_module, unlock, wait_for
from tests.support.vaults import Template, copy_vault

SIZE = (80, 24)
RECOVERY_CODE = "ABCDE-FGHJK-MNPQR-STVWX-YZ234"
SAVED_AT = datetime(2026, 11, 26, 18, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _utc_and_short_paths(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Times are shown in local time: pin it so the pictures do not depend on the host. The
    lock screen and Settings show the vault's and the settings' paths: relative to the test's
    own directory, the same in every run."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECONNECT_CONFIG", "settings.toml")
    yield
    monkeypatch.undo()
    time.tzset()


def seed(vault_path: Path, template: Template) -> None:
    with pytest.MonkeyPatch.context() as patch, \
            Vault.open_with_key(vault_path, template.key, template.header) as vault:
        # "Last updated" of the plan and a domain's history show when they were saved: on a
        # fixed day, or the pictures would change every day.
        for repository in (crisis_plan_repository, life_domains_repository):
            patch.setattr(repository, "utc_now", lambda: SAVED_AT)
        toolbox = Toolbox(vault)
        toolbox.what_matters.set("My daughter, the garden, and being useful to someone.")
        domains = toolbox.domains.list()
        work, health = domains[0], domains[3]
        work.status, work.rating = "Looking for something part-time", 4
        work.helps, work.hinders = "Ola from the job centre", "Mornings"
        health.status, health.rating = "Sleeping better", 7
        toolbox.domains.update(work)
        toolbox.domains.update(health)
        job = toolbox.goals.add(Goal(title="Find a part-time job", domain_id=work.id))
        toolbox.goals.add_activity(Activity(job.id, "Call the job centre", date(2026, 11, 27)))
        toolbox.goals.add(Goal(title="Sleep before midnight", domain_id=health.id))
        sister = toolbox.network.add(Person("Siri", "sister", Sector.FAMILY, 1,
                                            phone="911 11 111", can_help_in_crisis=True))
        toolbox.crisis_plan.save(CrisisPlan(
            warning_signs="I stop sleeping\nI avoid people",
            self_help="Walk by the sea",
            helpers=[Helper("Siri", "911 11 111", sister.id)],
            reasons_for_living="My cat",
        ))
        toolbox.medications.add(Medication(
            "Sertraline", dose="50 mg", schedule="Every morning",
            intended_effect="Less anxiety", questions="Can I stop in the summer?"))
        toolbox.medications.add(Medication("Melatonin", prescribed=False, dose="1 mg",
                                           schedule="At bedtime when needed"))
        for day, text in ((25, "A good walk by the sea with Siri."),
                          (26, "Slept badly. The garden helped in the afternoon.")):
            toolbox.diary.add(DiaryEntry(text, datetime(2026, 11, day, 20, tzinfo=UTC)))
        sleep = toolbox.registrations.add(RegistrationParameter("Sleep", "hours", 0, 14))
        mood = toolbox.registrations.add(RegistrationParameter("Mood", "", 0, 10))
        assert sleep.id is not None and mood.id is not None
        for day, hours, level in ((25, 6.5, 5), (26, 5, 4), (27, 7.5, 6)):
            toolbox.registrations.record(sleep.id, date(2026, 11, day), hours)
            toolbox.registrations.record(mood.id, date(2026, 11, day), level)


async def settle(pilot) -> None:
    """Nothing left loading, no cursor that blinks: the same picture however busy the host."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    await pilot.pause()
    await pilot.pause()


async def locked(pilot) -> None:
    await wait_for(pilot, lambda: bool(pilot.app.screen.query("#passphrase")))
    await settle(pilot)


async def creating(pilot) -> None:
    await wait_for(pilot, lambda: bool(pilot.app.screen.query("#name")))
    await settle(pilot)


async def recovery_code(pilot) -> None:
    from reconnect_tui.screens.recovery_code import RecoveryCodeScreen

    await wait_for(pilot, lambda: bool(pilot.app.screen.query("#passphrase")))
    await pilot.app.push_screen(RecoveryCodeScreen(RECOVERY_CODE))
    await settle(pilot)


async def home(pilot) -> None:
    await unlock(pilot)
    await settle(pilot)


def module(module_id: str, *keys: str) -> Callable[..., Awaitable[None]]:
    async def run_before(pilot) -> None:
        await unlock(pilot)
        await open_module(pilot, module_id)
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await wait_for(pilot, lambda: getattr(pilot.app.screen, "loaded", True))
            await settle(pilot)

    return run_before


def on_home(*keys: str) -> Callable[..., Awaitable[None]]:
    async def run_before(pilot) -> None:
        await unlock(pilot)
        await settle(pilot)
        screen = pilot.app.screen
        await pilot.press(*keys)
        await wait_for(pilot, lambda: pilot.app.screen is not screen)
        await settle(pilot)

    return run_before


async def settings(pilot) -> None:
    await unlock(pilot)
    pilot.app.action_settings()
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "SettingsScreen")
    await settle(pilot)


async def exercise_running(pilot) -> None:
    from reconnect_tui.widgets.breathing import BreathingState, BreathingTimer

    await unlock(pilot)
    screen = await open_module(pilot, "exercises")
    await settle(pilot)
    index = next(i for i, e in enumerate(screen.entries) if e.row.slug == "box-breathing")
    screen.query_one("#exercise-list", OptionList).highlighted = index
    await pilot.pause()
    await pilot.press("t")
    await wait_for(pilot, lambda: bool(screen.query(BreathingTimer)))
    timer = screen.query_one(BreathingTimer)
    assert timer.ticker is not None
    timer.ticker.stop()  # the wall clock out: two seconds into the first breath, always
    timer.state = BreathingState(timer.state.phases, timer.state.rounds)
    timer.advance(2)
    await settle(pilot)


async def search(pilot) -> None:
    await unlock(pilot)
    screen = await open_module(pilot, "search")
    screen.query_one("#search-query", Input).value = "sea"
    await wait_for(pilot, lambda: screen.query_one("#search-results", OptionList).option_count)
    await settle(pilot)


async def goal_with_bad_date(pilot) -> None:
    from reconnect_tui.widgets.form import FormScreen

    await unlock(pilot)
    await open_module(pilot, "goals")
    await settle(pilot)
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    pilot.app.screen.query_one("#field-title", Input).value = "Run a 5 km race"
    pilot.app.screen.query_one("#field-due", Input).value = "31.02.2027"
    await pilot.press("ctrl+s")  # refused: the error beside the date, the form as typed
    await wait_for(pilot, lambda: bool(pilot.app.screen.query("#error-due"))
                   and str(pilot.app.screen.query_one("#error-due").render()).strip() != "")
    await settle(pilot)


CASES: dict[str, Callable[..., Awaitable[None]]] = {
    "unlock": locked,
    "recovery-code": recovery_code,
    "home-light": home,
    "life-domains": module("life-domains"),
    "exercises": module("exercises"),
    "exercise-running": exercise_running,
    "medications": module("medications"),
    "diary": module("diary"),
    "registrations": module("diary", "r"),
    "information": module("info"),
    "local-links": module("info", "l"),
    "search": search,
    "help": on_home("f1"),
    "crisis-dialog": on_home("f2"),
    "pairing": on_home("p"),
    "settings": settings,
    "goal-form-error": goal_with_bad_date,
}


@pytest.mark.parametrize("case", list(CASES))
def test_user_screen(snap_compare, vault_path: Path, user_template: Template, case: str) -> None:
    seed(vault_path, user_template)
    theme = "textual-light" if case == "home-light" else "textual-dark"
    app = ReconnectApp(Path("user", "vault.db"), Settings(auto_lock_minutes=0, theme=theme),
                       clock=lambda: NOW)
    assert snap_compare(app, terminal_size=SIZE, run_before=CASES[case])


def test_create_vault_screen(snap_compare) -> None:
    app = make_app(Path("new", "vault.db"))
    assert snap_compare(app, terminal_size=SIZE, run_before=creating)


def test_provider_invitation_screen(snap_compare, provider_template: Template) -> None:
    """A new provider's first invitation: where the relay is asked for (with a relay set, the
    code it makes is random, so not pictured)."""
    copy_vault(provider_template, Path("provider"))
    app = make_app(Path("provider", "vault.db"))
    assert snap_compare(app, terminal_size=SIZE, run_before=on_home("p"))
