"""The Sharing screen and the provider's "Shared with me", with Pilot, on real vaults paired
through a real relay on 127.0.0.1 (the dyad helpers).

The service user shares a module and an item with Space, sees them published by the app's own
sync, stops sharing after a question that says what cannot be taken back, and sees the
who-can-see line of a module change. The provider opens what was shared in the same screen
class, read-only, and the user then sees when it was seen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from reconnect_tui.model import Goal
from reconnect_tui.screens.goals import GoalsScreen
from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.screens.messages import ConversationScreen
from reconnect_tui.screens.shared import SharedWithMeScreen
from reconnect_tui.screens.sharing import Row, SharingScreen, row_text, when_text
from reconnect_tui.store import Toolbox
from reconnect_tui.sync.service import resolve_relay_url
from reconnect_tui.sync.sharing import Sharing
from reconnect_tui.widgets.composer import Composer
from reconnect_tui.widgets.confirm import ConfirmScreen
from tests.dyads import dyad_fixtures
from tests.dyads.dyad_helpers import TERMS, Person, agreed, invite, join, pair
from tests.pilot import SIZE, make_app, open_module, unlock, wait_for

# the fixtures: a provider and a user paired through a relay on 127.0.0.1 (tests/conftest.py)
provider = dyad_fixtures.provider
user = dyad_fixtures.user

ONLY_YOU = "Only you can see this (nothing is shared)."


def rows(screen: SharingScreen) -> dict[str, str]:
    listing = screen.query_one("#share-list", OptionList)
    return {
        listing.get_option_at_index(i).id or "": str(listing.get_option_at_index(i).prompt)
        for i in range(listing.option_count)
    }


async def highlight(pilot, screen: SharingScreen, key: str) -> None:
    listing = screen.query_one("#share-list", OptionList)
    listing.highlighted = [row.key for row in screen.rows].index(key)
    listing.focus()
    await pilot.pause()


def line(screen) -> str:
    return str(screen.query(".who-can-see").first(Static).render())


def ready(person: Person) -> Path:
    """Keep the relay address in the vault and close it, so the app can open it."""
    resolve_relay_url(person.vault, person.relay_url)
    person.vault.close()
    return person.path


async def test_empty_state_says_how_to_pair(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "sharing")
        assert isinstance(screen, SharingScreen)
        empty = screen.query_one("#sharing-empty", Static)
        assert empty.display and "press p" in str(empty.render())
        assert not screen.query_one("#share-list").display
        active = {b.binding.action for b in screen.active_bindings.values()}
        assert not active & {"share_or_stop", "next_provider", "safety_number"}


async def test_share_a_module_and_an_item_then_stop(provider: Person, user: Person) -> None:
    pair(provider, user)
    goal = Toolbox(user.vault).goals.add(Goal(title="Walk to the lake"))
    app = make_app(ready(user))
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        goals = await open_module(pilot, "goals")
        assert line(goals) == ONLY_YOU
        screen = SharingScreen()
        await app.push_screen(screen)  # over Goals: its line is read again on return
        await pilot.pause()
        assert "What Dr Lind can see" in str(screen.query_one("#sharing-provider").render())
        assert not screen.query_one("#sharing-paused").display
        assert rows(screen)["goals:"].startswith("[ ] Goals")

        await highlight(pilot, screen, "goals:")
        await pilot.press("space")
        await wait_for(pilot, lambda: "version 1 sent" in rows(screen)["goals:"])  # app synced
        assert rows(screen)["goals:"].startswith("[x] Goals")
        assert "(with the whole module)" in rows(screen)[f"goals:{goal.id}"]
        await highlight(pilot, screen, f"goals:{goal.id}")
        await pilot.press("space")  # covered by the module: nothing to do
        await pilot.pause()
        assert [(e.module, e.item_id) for e in Sharing(app.toolbox.vault).entries()] == [
            ("goals", None)
        ]

        app.pop_screen()
        await pilot.pause()
        assert line(goals) == "Shared with Dr Lind."

        await app.push_screen(screen := SharingScreen())
        await pilot.pause()
        await highlight(pilot, screen, "goals:")
        await pilot.press("space")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = app.screen.question
        assert "Stop sharing “Goals” with Dr Lind?" in question
        assert "What Dr Lind has already seen cannot be taken back." in question
        assert "next sync" not in question  # it promises only what the protocol delivers
        await pilot.press("y")
        await wait_for(pilot, lambda: rows(screen)["goals:"].startswith("[ ] Goals"))
        revoked = screen.query_one("#sharing-revoked", Static)
        assert revoked.display
        assert str(revoked.render()) == (
            "Stopped: Goals. Waiting for Dr Lind's vault to confirm that it removed it.")

        await highlight(pilot, screen, f"goals:{goal.id}")
        await pilot.press("space")
        await wait_for(pilot, lambda: "version 1 sent" in rows(screen)[f"goals:{goal.id}"])
        assert rows(screen)[f"goals:{goal.id}"].startswith("    [x] Walk to the lake")
        await app.workers.wait_for_complete()
        app.pop_screen()
        await pilot.pause()
        assert line(goals) == "Shared with Dr Lind (1 item)."
        item_line = goals.query_one("#goal-who-can-see", Static)
        assert item_line.display and str(item_line.render()) == "Shared with Dr Lind."

        app.toolbox.goals.delete(goal.id or 0)  # a shared item deleted stays listed, to stop
        await app.push_screen(screen := SharingScreen())
        await pilot.pause()
        assert rows(screen)[f"goals:{goal.id}"].startswith("    [x] (deleted)")

    provider.sync()
    people = Sharing(provider.vault).shared_with_me()
    assert [(i.module, i.item_id) for i in people[0].items] == [("goals", goal.id)]


async def test_pending_pairing_pauses_sharing(provider: Person, user: Person) -> None:
    join(user, invite(provider))  # the provider has not synced: pairing is not complete
    app = make_app(ready(user))
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "sharing")
        paused = screen.query_one("#sharing-paused", Static)
        assert paused.display and "paused" in str(paused.render())
        await highlight(pilot, screen, "crisis-plan:")
        await pilot.press("space")
        await pilot.pause()
        assert rows(screen)["crisis-plan:"].startswith("[ ] Crisis plan")
        assert Sharing(app.toolbox.vault).entries() == []


async def test_provider_reads_it_read_only_and_the_user_sees_it_was_seen(
    provider: Person, user: Person
) -> None:
    _on_provider, on_user = agreed(provider, user, {**TERMS, "view_receipts": True})
    goal = Toolbox(user.vault).goals.add(Goal(title="Walk to the lake"))
    Sharing(user.vault).share("goals", goal.id, on_user)
    user.sync()
    provider.sync()

    app = make_app(ready(provider))
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        shared_line = str(home.query_one("#shared-with-you", Static).render())
        assert "Kari Nordmann (1)" in shared_line
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, SharedWithMeScreen))
        screen = app.screen
        await pilot.pause()
        items = screen.query_one("#shared-items", OptionList)
        assert "Goals: Walk to the lake" in str(items.get_option_at_index(0).prompt)
        receipts = str(screen.query_one("#shared-receipts", Static).render())
        assert "View receipts are on, as your agreement says" in receipts

        items.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen))
        goals = app.screen
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert goals.read_only and goals.query_one(".read-only-banner")
        assert [g.title for g in goals.data.goals] == ["Walk to the lake"]
        await pilot.press("a", "e", "x", "space")
        await pilot.pause()
        assert app.screen is goals

        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        about = app.screen.query_one(Composer).about
        assert about is not None and (about.module, about.item_id) == ("goals", goal.id)
        await app.workers.wait_for_complete()

    provider.reopen()
    provider.sync()  # the view receipt goes out
    user.reopen()
    user.sync()
    entry = Sharing(user.vault).entries()[0]
    assert entry.seen_at is not None
    assert "seen" in Sharing(user.vault).who_can_see_line("goals", goal.id)
    shown = str(row_text(Row("goals", goal.id, goal.title), entry, None))
    assert f"seen by Dr Lind on {when_text(entry.seen_at)}" in shown


async def test_view_receipts_off_as_agreed_nothing_is_sent_or_shown(
    provider: Person, user: Person
) -> None:
    on_provider, on_user = agreed(provider, user, {**TERMS, "view_receipts": False})
    Sharing(user.vault).share("crisis-plan", None, on_user)
    user.sync()
    provider.sync()
    app = make_app(ready(provider))
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "shared")
        receipts = screen.query_one("#shared-receipts", Static)
        assert "View receipts are off" in str(receipts.render())
        assert "r" not in {b.binding.key for b in screen.active_bindings.values()}
        screen.query_one("#shared-items", OptionList).focus()
        await pilot.press("enter")  # open it: no receipt goes out
        await wait_for(pilot, lambda: app.screen is not screen)
        await app.workers.wait_for_complete()
    provider.reopen()
    assert provider.dyads.undelivered(on_provider) == 0
    assert not Sharing(provider.vault).view_receipts_on(on_provider)


async def test_a_revocation_closes_the_providers_open_read_only_screen(
    provider: Person, user: Person
) -> None:
    on_provider, on_user = pair(provider, user)
    goal = Toolbox(user.vault).goals.add(Goal(title="Walk to the lake"))
    Sharing(user.vault).share("goals", None, on_user.id)
    user.sync()
    provider.sync()

    app = make_app(ready(provider))
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, SharedWithMeScreen))
        await pilot.pause()
        app.screen.query_one("#shared-items", OptionList).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen))
        await app.workers.wait_for_complete()
        assert app.screen.read_only

        Sharing(user.vault).revoke("goals", None, on_user.id)
        user.sync()
        await pilot.press("ctrl+r")  # the provider's sync learns it …
        await wait_for(pilot, lambda: isinstance(app.screen, SharedWithMeScreen))
        # … and the goal is gone from the screen they return to.
        await pilot.pause()
        assert not app.screen.people
    assert goal.title == "Walk to the lake"


async def test_revoking_one_shared_goal_closes_the_screen_while_another_stays_shared(
    provider: Person, user: Person
) -> None:
    """The screen shows the copy it was opened with: an item revoked must leave it even when
    another item of the same module is still shared (and even when the sync happened while
    the provider was writing a message on top of it)."""
    on_provider, on_user = pair(provider, user)
    goals = Toolbox(user.vault).goals
    lake = goals.add(Goal(title="Walk to the lake"))
    job = goals.add(Goal(title="Find a job"))
    for goal in (lake, job):
        Sharing(user.vault).share("goals", goal.id, on_user.id)
    user.sync()
    provider.sync()

    app = make_app(ready(provider))
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, SharedWithMeScreen))
        await pilot.pause()
        app.screen.query_one("#shared-items", OptionList).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen))
        await app.workers.wait_for_complete()
        assert app.screen.read_only

        Sharing(user.vault).revoke("goals", lake.id, on_user.id)
        user.sync()
        await pilot.press("m")  # writing to them while the sync learns it
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.dismiss()
        await wait_for(pilot, lambda: isinstance(app.screen, SharedWithMeScreen))
        await pilot.pause()
        shown = [i.title for p in app.screen.people for i in p.items]
        assert shown == ["Find a job"]


async def test_the_providers_read_only_copy_is_closed_when_its_screen_goes(
    provider: Person, user: Person
) -> None:
    """The plaintext copy lives in memory only while its screen is open, not until collected."""
    from reconnect_tui.errors import VaultLocked

    on_provider, on_user = pair(provider, user)
    Toolbox(user.vault).goals.add(Goal(title="Walk to the lake"))
    Sharing(user.vault).share("goals", None, on_user.id)
    user.sync()
    provider.sync()

    app = make_app(ready(provider))
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, SharedWithMeScreen))
        await pilot.pause()
        app.screen.query_one("#shared-items", OptionList).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen))
        view = app.screen.toolbox
        assert [g.title for g in view.goals.list()] == ["Walk to the lake"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SharedWithMeScreen))
        await pilot.pause()
        with pytest.raises(VaultLocked):
            view.goals.list()
        # Opened again, and the app locked on top of it: closed as well.
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen))
        view = app.screen.toolbox
        await pilot.press("ctrl+l")
        await pilot.pause()
        with pytest.raises(VaultLocked):
            view.goals.list()


def test_a_revocation_not_confirmed_after_a_day_is_said_plainly() -> None:
    from datetime import UTC, datetime

    from reconnect_tui.screens.sharing import revoked_text
    from reconnect_tui.sync.sharing import RevocationEntry

    stopped = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    late = RevocationEntry(1, "Dr Lind", "diary", None, "Diary", stopped, None, "late")
    shown = revoked_text([late]).plain
    assert shown.startswith("⚠ Stopped: Diary. Dr Lind's vault has not confirmed yet")
    assert "Dr Lind may still see it" in shown


async def test_providers_f2_shows_the_numbers_and_the_plan_shared_with_them(
    provider: Person, user: Person
) -> None:
    """A provider's F2: the emergency numbers, no empty plan of their own, and a way to the
    crisis plan a service user shares with them (issue 15)."""
    from reconnect_tui.model import CrisisPlan
    from reconnect_tui.screens.crisis import CrisisScreen
    from reconnect_tui.screens.crisis_plan import CrisisPlanScreen

    _on_provider, on_user = agreed(provider, user)
    Toolbox(user.vault).crisis_plan.save(CrisisPlan(warning_signs="I stop answering the phone"))
    Sharing(user.vault).share("crisis-plan", None, on_user)
    user.sync()
    provider.sync()
    app = make_app(ready(provider))
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, CrisisScreen))
        crisis = app.screen
        text = " ".join(str(w.render()) for w in crisis.query(Static))
        assert "113" in text and "not filled in" not in text.lower()
        assert "edit" not in {b.binding.action for b in crisis.active_bindings.values()
                              if b.enabled}
        plans = crisis.query_one("#shared-plans", OptionList)
        assert str(plans.get_option_at_index(0).prompt) == "Kari Nordmann"
        assert app.focused is plans
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CrisisPlanScreen)
                       and app.screen.loaded)
        plan = app.screen
        assert plan.read_only and plan.owner == "Kari Nordmann"
        assert plan.plan.warning_signs == "I stop answering the phone"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SharedWithMeScreen))


async def test_providers_f2_without_shared_plans_says_so(provider_template, tmp_path) -> None:
    from reconnect_tui.screens.crisis import CrisisScreen
    from tests.support.vaults import copy_vault

    app = make_app(copy_vault(provider_template, tmp_path / "provider"))
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, CrisisScreen))
        text = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "112" in text and "No service user shares a crisis plan with you." in text
        assert "Crisis plan for" not in text


async def test_a_shared_goal_shows_its_sub_goals_shared_and_hidden_domains_are_not_offered(
    provider: Person, user: Person
) -> None:
    """Sharing a goal marks its sub-goals shared with it (the provider sees them and the
    activities); a hidden life domain is listed only when asked for (issue 15)."""
    from reconnect_tui.model import Activity

    pair(provider, user)
    toolbox = Toolbox(user.vault)
    choir = toolbox.goals.add(Goal(title="Back to the choir"))
    songs = toolbox.goals.add(Goal(title="Practise two songs", parent_id=choir.id))
    toolbox.goals.add_activity(Activity(goal_id=songs.id, title="Sing on Tuesday"))
    other = toolbox.goals.add(Goal(title="Sleep rhythm"))
    domain = toolbox.domains.list()[0]
    domain.hidden = True
    toolbox.domains.update(domain)
    app = make_app(ready(user))
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "sharing")
        assert isinstance(screen, SharingScreen)
        keys = [row.key for row in screen.rows]
        assert f"life-domains:{domain.id}" not in keys  # hidden: not offered
        # each sub-goal is listed under its goal
        assert keys.index(f"goals:{songs.id}") == keys.index(f"goals:{choir.id}") + 1

        await highlight(pilot, screen, f"goals:{choir.id}")
        await pilot.press("space")
        await wait_for(pilot, lambda: "version 1 sent" in rows(screen)[f"goals:{choir.id}"])
        shared = rows(screen)
        assert shared[f"goals:{choir.id}"].startswith("    [x] Back to the choir")
        assert "with its sub-goals and activities" in shared[f"goals:{choir.id}"]
        assert shared[f"goals:{songs.id}"].startswith("      [x] Practise two songs")
        assert "(with “Back to the choir”)" in shared[f"goals:{songs.id}"]
        assert shared[f"goals:{other.id}"].startswith("    [ ] Sleep rhythm")
        await highlight(pilot, screen, f"goals:{songs.id}")
        await pilot.press("space")  # shared with its goal already: nothing to do
        await pilot.pause()
        assert [(e.module, e.item_id) for e in Sharing(app.toolbox.vault).entries()] == [
            ("goals", choir.id)
        ]

        await pilot.press("h")  # asked for: the hidden domain is listed, and says so
        await wait_for(pilot, lambda: f"life-domains:{domain.id}" in rows(screen))
        assert "(hidden)" in rows(screen)[f"life-domains:{domain.id}"]
        await app.workers.wait_for_complete()

    provider.sync()
    on_provider = Sharing(provider.vault).shared_with_me()[0].partner_id
    view = Sharing(provider.vault).view(on_provider)
    try:
        titles = {g.title for g in view.goals.list()}
        assert titles == {"Back to the choir", "Practise two songs"}
        assert [a.title for a in view.goals.activities()] == ["Sing on Tuesday"]
    finally:
        view.vault.close()
