"""Snapshots in Norwegian (bokmål) at 80x24: Home, the crisis plan and a conversation (issue 16).

Seeded in Norwegian through the core API with fixed times; the app's clock and the time zone are
fixed too, so the pictures change only when the interface does. The conversation is between two
vaults paired through a real relay on 127.0.0.1.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reconnect_tui.model import (
    Activity,
    CrisisPlan,
    Goal,
    Helper,
    Person,
    Sector,
    ServiceContact,
)
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.sync.dyads import Dyads, relay_for
from reconnect_tui.sync.service import resolve_relay_url
from reconnect_tui.sync.sync_service import sync_and_process
from tests.pilot import make_app, open_module, unlock, wait_for
from tests.relay_server import RelayProcess
from tests.support.vaults import Template, copy_vault

SIZE = (80, 24)


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


def seed_home(vault_path: Path, user_template: Template) -> None:
    with open_vault(vault_path, user_template) as vault:
        toolbox = Toolbox(vault)
        toolbox.what_matters.set("Datteren min, hagen, og å være til nytte for noen.")
        job = toolbox.goals.add(Goal(title="Finne en deltidsjobb"))
        toolbox.goals.add_activity(Activity(job.id, "Ringe NAV", date(2026, 11, 27)))
        toolbox.goals.add_activity(Activity(job.id, "Skrive en CV", date(2026, 11, 29)))
        toolbox.goals.add(Goal(title="Legge meg før midnatt"))


def seed_crisis_plan(vault_path: Path, user_template: Template) -> None:
    with open_vault(vault_path, user_template) as vault:
        toolbox = Toolbox(vault)
        sister = toolbox.network.add(Person("Siri", "søster", Sector.FAMILY, 1,
                                            phone="911 11 111", can_help_in_crisis=True))
        toolbox.crisis_plan.save(CrisisPlan(
            warning_signs="Jeg slutter å sove\nJeg trekker meg unna folk",
            self_help="Gå en tur langs sjøen",
            helpers=[Helper("Siri", "911 11 111", sister.id)],
            professionals=[ServiceContact("Fastlege Lind", "22 00 00 00", "fastlege")],
            reasons_for_living="Katten min",
        ))


async def home(pilot) -> None:
    await unlock(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def crisis_plan(pilot) -> None:
    await unlock(pilot)
    await open_module(pilot, "crisis-plan")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def test_home_in_norwegian(snap_compare, vault_path: Path, user_template: Template) -> None:
    seed_home(vault_path, user_template)
    app = make_app(vault_path, language="nb")
    assert snap_compare(app, terminal_size=SIZE, run_before=home)


def test_crisis_plan_in_norwegian(snap_compare, vault_path: Path,
                                  user_template: Template) -> None:
    seed_crisis_plan(vault_path, user_template)
    app = make_app(vault_path, language="nb")
    assert snap_compare(app, terminal_size=SIZE, run_before=crisis_plan)



def paired_with_messages(relay: RelayProcess, user: Path, user_template: Template,
                         provider: Path, provider_template: Template) -> None:
    """Pair the two vaults, then three messages on fixed days of the app's week."""
    url = relay.url
    with open_vault(provider, provider_template) as vault:
        resolve_relay_url(vault, url)
        with relay_for(vault, url) as client:
            code = Dyads(vault).create_invitation(client)
    with open_vault(user, user_template) as vault:
        resolve_relay_url(vault, url)
        with relay_for(vault, url) as client:
            Dyads(vault).join(code, client)
    conversation = [
        (provider, provider_template, datetime(2026, 11, 24, 10, 15, tzinfo=UTC),
         "Hei Kari! Fint å se deg i dag. Skriv gjerne her om noe dukker opp før neste time."),
        (user, user_template, datetime(2026, 11, 25, 19, 40, tzinfo=UTC),
         "Takk! Søvnen har vært bedre denne uka. Kan vi snakke om jobb på torsdag?"),
        (provider, provider_template, datetime(2026, 11, 26, 8, 30, tzinfo=UTC),
         "Så bra med søvnen. Ja, vi tar det på torsdag."),
    ]
    for side, template in ((user, user_template), (provider, provider_template),
                           (user, user_template)):
        with open_vault(side, template) as vault:
            sync_and_process(vault, url)
    for side, template, at, text in conversation:
        with open_vault(side, template) as vault:
            dyads = Dyads(vault, clock=lambda at=at: at)
            dyads.send(dyads.partners()[0].id, text)
            sync_and_process(vault, url)
        other = (provider, provider_template) if side == user else (user, user_template)
        with open_vault(*other) as vault:
            sync_and_process(vault, url)


async def conversation(pilot) -> None:
    from reconnect_tui.screens.messages import ConversationScreen

    await unlock(pilot)
    await pilot.press("s")  # one provider: straight into the conversation
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConversationScreen))
    # The sync that unlocking starts may finish after the conversation loaded and load it
    # again: wait until it has run and no worker is left, however busy the machine is.
    # Live delivery asks for one more once subscribed (``app.live.idle``: nothing left to ask).
    await wait_for(pilot, lambda: pilot.app.syncs_started >= 1
                   and (pilot.app.live is None or pilot.app.live.idle)
                   and all(w.is_finished for w in pilot.app.workers))
    await pilot.app.workers.wait_for_complete()
    # The composer's cursor blinks: a picture taken on a busy machine must not catch it off.
    from textual.widgets import TextArea

    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    # The composer has the focus when the conversation opens; a reload that the sync asked for
    # may land while the picture is taken, so give it the focus again rather than hope.
    pilot.app.screen.query_one(TextArea).focus()
    await pilot.pause()
    await pilot.pause()


def test_conversation_in_norwegian(snap_compare, relay: RelayProcess, tmp_path: Path,
                                   user_template: Template,
                                   provider_template: Template) -> None:
    user = copy_vault(user_template, tmp_path / "user")
    provider = copy_vault(provider_template, tmp_path / "provider")
    paired_with_messages(relay, user, user_template, provider, provider_template)
    app = make_app(user, language="nb")
    assert snap_compare(app, terminal_size=SIZE, run_before=conversation)
