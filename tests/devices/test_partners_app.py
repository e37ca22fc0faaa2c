"""The app explains a partner's linked devices (docs/devices.md, "What partners see"): the
safety number screen says the partner now uses two devices and why the changed number is still
verified; the conversation's partner line names the other device.
Real vaults and a real relay; the app through App.run_test and Pilot."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from reconnect_tui.screens.messages import ConversationScreen
from reconnect_tui.screens.pairing import SafetyNumberScreen
from tests.devices.partner_helpers import linked_setup
from tests.pilot import SIZE, make_app, unlock, wait_for


def _text(app, selector: str) -> str:
    """What a widget of the current screen shows ("" while the screen is still composing)."""
    found = app.screen.query(selector)
    return str(found.first(Static).render()) if found else ""


async def test_the_safety_number_screen_says_why_the_number_changed(
        user_template, provider_template, tmp_path: Path, relay) -> None:
    provider, laptop, work, old_number = linked_setup(user_template, provider_template,
                                                      tmp_path, relay)
    path = provider.vault.path
    for device in (provider, laptop, work):
        device.vault.close()

    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        (partner,) = app.dyads.partners()
        assert partner.devices == ("Work PC",) and partner.verified
        assert partner.safety_number != old_number
        app.push_screen(SafetyNumberScreen(partner.id))
        await wait_for(pilot, lambda: isinstance(app.screen, SafetyNumberScreen)
                       and app.screen.loaded)
        line = _text(app, "#safety-devices")
        assert f"{partner.name} now uses 2 devices (also Work PC)." in line
        assert "changed when they were linked and is still verified" in line
        app.pop_screen()
        app.push_screen(ConversationScreen(partner.id))
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen)
                       and "also on Work PC" in _text(app, "#partner-line"))
