"""Pilot tests: the agreement edited as a form with a field per term (issue 15), a bad value kept
with its message beside the field, propose and accept between two vaults through a real relay,
and a decline whose reason the other side sees (neutralised: it is the partner's text)."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Select, Static, TextArea

from reconnect_tui.screens.agreement import AgreementScreen, ProposeScreen
from reconnect_tui.screens.messages import ConversationScreen
from reconnect_tui.sync.agreements import Agreements
from reconnect_tui.widgets.form import FormScreen
from tests.pilot import SIZE, make_app, unlock, wait_for
from tests.screens.messages_helpers import open_conversation, settle, sync, text_of
from tests.support.statements import statements_by_thread

FIELD_KINDS = {
    "answer_within_working_days": Input, "working_from": Input, "working_until": Input,
    "time_zone": Select, "country": Input, "review_on": Input, "suggested_max_words": Input,
    "read_receipts": Checkbox, "view_receipts": Checkbox, "messages_for": TextArea,
    "messages_not_for": TextArea, "emergency": TextArea, "notes": TextArea,
}


def field(app, name: str):
    return app.screen.query_one(f"#field-{name}")


def error_beside(app, name: str) -> str:
    line = app.screen.query_one(f"#error-{name}", Static)
    return str(line.render()) if line.display else ""


async def refused(pilot, name: str, value: str, words: str) -> None:
    """Type ``value`` into ``name``, try to propose: the form stays, the message beside it."""
    app = pilot.app
    before = field(app, name).value
    field(app, name).value = value
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, ProposeScreen)
    assert words in error_beside(app, name), (name, error_beside(app, name))
    assert field(app, name).value == value  # what was typed is kept
    assert app.screen.focused is field(app, name)
    field(app, name).value = before


async def open_agreement(pilot, *, provider: bool = False) -> AgreementScreen:
    app = pilot.app
    if provider:
        await pilot.press("enter")  # Home's dyad list: the conversation
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await settle(pilot)
    else:
        await open_conversation(pilot)
    await pilot.press("ctrl+o")
    await wait_for(pilot, lambda: isinstance(app.screen, AgreementScreen) and app.screen.loaded)
    await settle(pilot)
    return app.screen


async def test_agreement_form_fields_bad_values_and_round_trip(user, provider, paired) -> None:
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_agreement(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ProposeScreen))
        for name, kind in FIELD_KINDS.items():
            assert isinstance(field(app, name), kind), name
        assert field(app, "working_from").value == "08:00"
        assert field(app, "working_until").value == "15:30"
        assert field(app, "answer_within_working_days").value == "2"
        assert field(app, "time_zone").value == "Europe/Oslo"
        assert field(app, "read_receipts").value is True
        assert not any(line.display for line in app.screen.query(".field-error"))
        await refused(pilot, "answer_within_working_days", "to", "whole number")
        await refused(pilot, "answer_within_working_days", "45", "0 to 30")
        await refused(pilot, "working_from", "25:00", "time of day")
        await refused(pilot, "working_until", "07:00", "end after they start")
        await refused(pilot, "review_on", "31.02.2027", "not in the calendar")
        await refused(pilot, "suggested_max_words", "5", "10 to 5000")
        await refused(pilot, "country", "XX", "country code")
        field(app, "answer_within_working_days").value = "3"
        field(app, "working_from").value = "9"
        field(app, "working_until").value = "15.00"
        field(app, "review_on").value = "31.03.2027"
        field(app, "country").value = "se"
        field(app, "suggested_max_words").value = ""
        field(app, "view_receipts").value = True
        field(app, "read_receipts").value = False
        field(app, "notes").load_text("Vi prøver dette")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, AgreementScreen))
        await wait_for(pilot, lambda: "waiting for Dr Lind to accept"
                       in text_of(app, "#agreement-state"))
    sync(user, paired.url)
    sync(provider, paired.url)
    expected = {"answer_within_working_days": 3, "working_hours": "09:00-15:00",
                "review_on": "2027-03-31", "country": "SE", "suggested_max_words": None,
                "read_receipts": False, "view_receipts": True, "notes": "Vi prøver dette",
                "time_zone": "Europe/Oslo"}
    app = make_app(provider.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_agreement(pilot, provider=True)
        assert "press a to accept" in text_of(app, "#agreement-state")
        await pilot.press("a")
        await wait_for(pilot, lambda: "signed by both" in text_of(app, "#agreement-state"))
    sync(provider, paired.url)
    sync(user, paired.url)
    for person in (user, provider):
        with person.open() as vault:
            agreements = Agreements(vault)
            state = agreements.state(agreements.dyads.partners()[0].id)
            assert state.status == "accepted" and state.current.accepter_signature
            assert {k: state.current.terms[k] for k in expected} == expected


async def test_decline_with_a_reason_is_seen_by_the_other_side(user, provider, paired) -> None:
    with provider.open() as vault:
        agreements = Agreements(vault)
        agreements.propose(agreements.dyads.partners()[0].id, agreements.template())
    sync(provider, paired.url)
    sync(user, paired.url)
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_agreement(pilot)
        assert "d to decline" in text_of(app, "#agreement-state")
        assert app.screen.check_action("decline", ())
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        field(app, "reason").load_text("Jeg trenger\x1b]0;pwned\x07 svar innen én dag\x1b[2K")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, AgreementScreen))
        await wait_for(pilot, lambda: "declined by you" in text_of(app, "#agreement-state"))
    sync(user, paired.url)
    sync(provider, paired.url)
    app = make_app(provider.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_agreement(pilot, provider=True)
        shown = text_of(app, "#agreement-state")
        assert "Version 1 was declined by Kari Nordmann" in shown
        assert "Reason: Jeg trenger svar innen én dag" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        screen = app.screen
        assert not screen.check_action("accept", ()) and not screen.check_action("decline", ())
        await pilot.press("e")  # the declined terms are the start of a new proposal
        await wait_for(pilot, lambda: isinstance(app.screen, ProposeScreen))
        assert field(app, "working_until").value == "15:30"


async def test_the_agreement_screen_reads_off_the_ui_thread(user, provider, paired) -> None:
    """Like every module screen (tests/screens/test_loading_thread.py): no statement on the UI
    thread while it opens, and opening it writes nothing."""
    with user.open() as vault:
        partner_id = Agreements(vault).dyads.partners()[0].id
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: not any(w.is_running for w in app.workers))
        with statements_by_thread(app) as log:
            app.push_screen(AgreementScreen(partner_id))
            await wait_for(pilot, lambda: isinstance(app.screen, AgreementScreen)
                           and app.screen.loaded)
            await wait_for(pilot, lambda: not any(w.is_running for w in app.workers))
        assert log.on_ui() == [], "\n".join(log.on_ui())
        assert not log.changes()
        assert "no agreement yet" in text_of(app, "#agreement-state")


async def test_the_conversation_keys_are_decided_without_reading_the_vault(user, paired) -> None:
    """The footer asks check_action on every refresh: it answers from what load_data read
    (the role), never with a statement on the UI thread."""
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_conversation(pilot)
        assert isinstance(screen, ConversationScreen) and screen.loaded
        with statements_by_thread(app) as log:
            keys = {action: screen.check_action(action, ())
                    for action in ("seen", "answer_checkin", "schedule_checkin", "send")}
        assert log.statements == []
        assert keys == {"seen": False, "answer_checkin": True, "schedule_checkin": False,
                        "send": True}


async def test_the_conversation_reads_again_off_the_ui_thread_after_a_sync(user, paired) -> None:
    """Every sync (each minute) refreshes the open conversation: the partner is read again
    with the rest in the loading thread, not on the UI thread."""
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_conversation(pilot)
        with statements_by_thread(app) as log:
            screen.refresh_after_sync()
            await wait_for(pilot, lambda: not any(w.is_running for w in app.workers))
            await settle(pilot)
        assert log.on_ui() == []
        assert log.statements
        assert screen.partner is not None
        assert screen.partner.name in text_of(app, "#partner-line")
