"""Pairing screens with Pilot, a real relay on 127.0.0.1 and real vaults: the provider's code
shown big, a wrong code's error, joining, and the safety number marked verified."""

from __future__ import annotations

import re

from textual.widgets import Input, Static

from reconnect_tui.screens.pairing import (
    InvitationScreen,
    JoinScreen,
    SafetyNumberScreen,
    safety_rows,
    spaced_code,
)
from reconnect_tui.sync.dyads import Dyads, relay_for
from reconnect_tui.sync.service import resolve_relay_url
from tests.pilot import SIZE, make_app, unlock, wait_for
from tests.relay_server import RelayProcess
from tests.screens.messages_helpers import (
    Person,
    sync,
)

CODE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$")


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def test_code_and_number_layout() -> None:
    assert spaced_code("AB2C-DEF3-GH4K") == "A B 2 C  D E F 3  G H 4 K"
    number = " ".join(f"{i:05d}" for i in range(12))
    assert safety_rows(number).splitlines()[2] == "00008   00009   00010   00011"


async def test_provider_creates_invitation_and_the_code_works(
    relay: RelayProcess, provider: Person, user: Person
) -> None:
    app = make_app(provider.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, InvitationScreen))
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#relay-fields").display  # no relay yet: ask for it
        screen.query_one("#relay-url", Input).value = relay.url
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(screen.code))
        await pilot.pause()
        assert CODE.match(screen.code)
        assert shown(app, "#invitation-code") == spaced_code(screen.code)
        help_text = shown(app, "#invitation-help")
        assert "expires in 24 hours" in help_text and "e-mail" in help_text
        assert not screen.query_one("#relay-fields").display
        code = screen.code
        await pilot.press("n")  # another code; the first stays valid until used
        await wait_for(pilot, lambda: screen.code != code)

    with user.open() as vault:
        resolve_relay_url(vault, relay.url)
        with relay_for(vault, relay.url) as port:
            partner = Dyads(vault).join(code, port)
    assert partner.name == "Dr Lind" and partner.status == "pending"


async def test_user_joins_wrong_code_then_right_and_verifies(
    relay: RelayProcess, provider: Person, user: Person
) -> None:
    with provider.open() as vault:
        resolve_relay_url(vault, relay.url)
        with relay_for(vault, relay.url) as port:
            code = Dyads(vault).create_invitation(port)

    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, JoinScreen))
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#relay-fields").display
        screen.query_one("#invite-code", Input).value = "ABCD-EFGH-JKMN"
        screen.query_one("#relay-url", Input).value = relay.url
        await pilot.click("#join")
        await wait_for(pilot, lambda: screen.query_one("#pairing-error").display)
        assert "No invitation with this code" in shown(app, "#pairing-error")
        assert app.screen is screen

        screen.query_one("#invite-code", Input).value = code.lower().replace("-", "")
        screen.query_one("#invite-code", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SafetyNumberScreen)
                       and app.screen.loaded)
        partner = app.dyads.partners()[0]
        assert shown(app, "#safety-number") == safety_rows(partner.safety_number)
        assert "Not verified yet." in shown(app, "#safety-status")
        await pilot.press("v")
        await wait_for(pilot, lambda: "Verified" in shown(app, "#safety-status"))
        assert app.dyads.partners()[0].verified
        await app.workers.wait_for_complete()  # the sync started after joining

    # The provider syncs and sees the same number.
    sync(provider, relay.url)
    with provider.open() as vault:
        [seen] = Dyads(vault).partners()
    assert seen.safety_number == partner.safety_number and not seen.verified
