"""The open app tells what a sync brought (bell and OSC 9 to its own terminal), and records it
in the vault, so the background watch beside it does not tell it again (issue 18)."""

from __future__ import annotations

from datetime import datetime

from reconnect_tui.app import ReconnectApp
from reconnect_tui.notify.news import Announcer
from reconnect_tui.notify.notifier import Notifier
from reconnect_tui.settings import Settings
from reconnect_tui.sync.service import resolve_relay_url
from tests.dyads.dyad_helpers import Person, pair
from tests.pilot import NOW, SIZE, unlock, wait_for


class Recorder:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def send(self, text: str) -> None:
        self.lines.append(text)


async def test_the_open_app_rings_once_and_the_watch_does_not_repeat_it(
        provider: Person, user: Person) -> None:
    on_provider, _on_user = pair(provider, user)
    provider.dyads.send(on_provider.id, "Hei, hvordan var helgen?")
    provider.sync()
    resolve_relay_url(user.vault, user.relay_url)
    user.vault.close()
    app = ReconnectApp(user.path, Settings(auto_lock_minutes=0, quiet_start="", quiet_end=""),
                       clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: app._announcing is not None
                       and getattr(app._announcing.notifier.backend, "told", 0) == 1)
        before = app.syncs_started
        await pilot.press("ctrl+r")  # another sync: nothing new, no second ring
        await wait_for(pilot, lambda: app.syncs_started > before and not app.sync_running())
        assert getattr(app._announcing.notifier.backend, "told", 0) == 1
    user.reopen()
    recorder = Recorder()
    watch = Announcer(user.vault, Notifier(recorder, "something",
                                           clock=lambda: datetime.now().astimezone()))
    assert watch.look() == [] and recorder.lines == []


async def test_without_a_relay_the_open_app_still_reminds_of_todays_activities(
        vault_path, user_template) -> None:
    from datetime import date

    from reconnect_tui.model import Activity, Goal
    from reconnect_tui.store import Toolbox, Vault

    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        toolbox = Toolbox(vault)
        walk = toolbox.goals.add(Goal(title="Walk every day"))
        toolbox.goals.add_activity(Activity(walk.id, "Walk to the shop", date.today()))
    app = ReconnectApp(vault_path, Settings(auto_lock_minutes=0, quiet_start="", quiet_end=""),
                       clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert app._relay_url() == ""  # never paired: no relay to sync with
        app.sync_schedule.next_at = 0.0  # the timed sync is due (it would be in a minute)
        await wait_for(pilot, lambda: app._announcing is not None
                       and getattr(app._announcing.notifier.backend, "told", 0) == 1)
        assert app.syncs_started == 0  # it looked for reminders; it did not try to sync
