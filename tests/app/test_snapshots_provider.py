"""Snapshots at 80x24 of the screens that need a pairing (issue 15): the provider's Home with
its service user, the conversation on both sides, the agreement, sharing, what is shared with
the provider (the list and the read-only plan), the provider's F2 and the trends.

One relay for the module; each case pairs its own copies of the two vaults on it (nothing one
app sends can reach another case's picture). Messages and shares carry fixed times, the app's
clock and the time zone are fixed, and each picture waits for the sync that unlocking starts.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from reconnect_tui.model import CrisisPlan, Helper, Person, Sector
from reconnect_tui.screens.messages import ConversationScreen
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.store.repositories import crisis_plan as crisis_plan_repository
from reconnect_tui.sync.dyads import Dyads, relay_for
from reconnect_tui.sync.service import resolve_relay_url
from reconnect_tui.sync.sharing import Sharing
from reconnect_tui.sync.sync_service import SyncService
from tests.pilot import make_app, unlock, wait_for
from tests.relay_server import RelayProcess
from tests.support.vaults import Template, copy_vault

SIZE = (80, 24)
SAVED_AT = datetime(2026, 11, 23, 18, tzinfo=UTC)
SHARED_AT = datetime(2026, 11, 24, 9, tzinfo=UTC)
SYNCED_AT = datetime(2026, 11, 26, 12, tzinfo=UTC)
"""Before the app's own clock (``tests.pilot.NOW``): its sync finds nothing to refresh."""


@pytest.fixture(scope="module")
def shared_relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelayProcess]:
    process = RelayProcess(tmp_path_factory.mktemp("relay"), extra_args=[
        "--rate-limit", "1000000", "--no-address-limits"]).start()
    yield process
    process.stop()


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch):
    """Times are shown in local time: pin it so the pictures do not depend on the host."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def open_vault(path: Path, template: Template) -> Vault:
    return Vault.open_with_key(path, template.key, template.header)


def sync_fixed(vault: Vault, url: str) -> None:
    """A sync whose shares are stamped at a fixed time ("sent …", "changed …" on screen)."""
    dyads = Dyads(vault)
    SyncService(vault, dyads=dyads, sharing=Sharing(vault, clock=lambda: SYNCED_AT,
                                                    dyads=dyads)).sync(url)


def paired(url: str, tmp_path: Path, user_template: Template,
           provider_template: Template) -> tuple[Path, Path]:
    """Two fresh vaults paired through the relay: a crisis plan shared, three messages."""
    user = copy_vault(user_template, tmp_path / "user")
    provider = copy_vault(provider_template, tmp_path / "provider")
    with open_vault(provider, provider_template) as vault:
        resolve_relay_url(vault, url)
        with relay_for(vault, url) as client:
            code = Dyads(vault).create_invitation(client)
    with pytest.MonkeyPatch.context() as patch, open_vault(user, user_template) as vault:
        resolve_relay_url(vault, url)
        with relay_for(vault, url) as client:
            Dyads(vault).join(code, client)
        toolbox = Toolbox(vault)
        sister = toolbox.network.add(Person("Siri", "sister", Sector.FAMILY, 1,
                                            phone="911 11 111", can_help_in_crisis=True))
        patch.setattr(crisis_plan_repository, "utc_now", lambda: SAVED_AT)  # "Last updated"
        toolbox.crisis_plan.save(CrisisPlan(
            warning_signs="I stop sleeping\nI avoid people", self_help="Walk by the sea",
            helpers=[Helper("Siri", "911 11 111", sister.id)], reasons_for_living="My cat"))
    sides = {"user": (user, user_template), "provider": (provider, provider_template)}

    def sync(side: str) -> None:
        with open_vault(*sides[side]) as vault:
            sync_fixed(vault, url)

    sync("user")
    sync("provider")
    sync("user")
    with open_vault(user, user_template) as vault:
        sharing = Sharing(vault, clock=lambda: SHARED_AT)
        sharing.share("crisis-plan", None, sharing.partners()[0].partner_id)
    conversation = [
        ("provider", datetime(2026, 11, 24, 10, 15, tzinfo=UTC),
         "Hi Kari! Good to see you today. Write here if anything comes up before next time."),
        ("user", datetime(2026, 11, 25, 19, 40, tzinfo=UTC),
         "Thanks! Sleep has been better this week. Can we talk about work on Thursday?"),
        ("provider", datetime(2026, 11, 26, 8, 30, tzinfo=UTC),
         "Good news about the sleep. Yes, Thursday it is."),
    ]
    for side, at, text in conversation:
        with open_vault(*sides[side]) as vault:
            dyads = Dyads(vault, clock=lambda at=at: at)
            dyads.send(dyads.partners()[0].id, text)
            sync_fixed(vault, url)
        sync("user" if side == "provider" else "provider")
    return user, provider


async def settle(pilot) -> None:
    """The sync that unlocking starts has run (live delivery idle), nothing loads, no cursor
    blinks: the same picture however busy the machine."""
    app = pilot.app
    await wait_for(pilot, lambda: app.syncs_started >= 1
                   and (app.live is None or app.live.idle)
                   and all(w.is_finished for w in app.workers)
                   # Home (the provider's never says "loaded": its list loads with the sync)
                   and (app.screen is app.screen_stack[1] or getattr(app.screen, "loaded", True)))
    await app.workers.wait_for_complete()
    for widget in app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    if isinstance(app.screen, ConversationScreen):
        # The composer has the focus when the conversation opens; a reload the sync asked for
        # may land while the picture is taken: give it the focus again rather than hope.
        app.screen.query_one(TextArea).focus()
    await pilot.pause()
    await pilot.pause()


def keys(*steps: str) -> Callable[..., Awaitable[None]]:
    """Unlock, then each key (or ``module:<id>``), letting the screen settle after each."""
    async def run_before(pilot) -> None:
        await unlock(pilot)
        await settle(pilot)
        for step in steps:
            screen = pilot.app.screen
            if step.startswith("module:"):
                pilot.app.action_open_module(step.removeprefix("module:"))
            else:
                await pilot.press(step)
            await wait_for(pilot, lambda screen=screen: pilot.app.screen is not screen)
            await settle(pilot)

    return run_before


USER = {
    "user-conversation": keys("s"),  # one provider: straight into the conversation
    "user-agreement": keys("s", "ctrl+o"),
    "sharing": keys("module:sharing"),
}
PROVIDER = {
    "provider-home": keys(),
    "provider-conversation": keys("enter"),
    "provider-agreement": keys("enter", "ctrl+o"),
    "trends": keys("enter", "f5"),
    "shared-with-me": keys("module:shared"),
    "shared-crisis-plan": keys("module:shared", "enter"),
    "provider-crisis-dialog": keys("f2"),
}


@pytest.mark.parametrize("case", [*USER, *PROVIDER])
def test_paired_screen(snap_compare, shared_relay: RelayProcess, tmp_path: Path,
                       user_template: Template, provider_template: Template, case: str) -> None:
    user, provider = paired(shared_relay.url, tmp_path, user_template, provider_template)
    app = make_app(user if case in USER else provider)
    run_before = USER.get(case) or PROVIDER[case]
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
