"""Pilot tests: the agreement screen, the provider's "seen — will answer by" key, and the
check-in answer flow, on real vaults paired through a real relay on 127.0.0.1."""

from __future__ import annotations

from reconnect_tui.screens.agreement import AgreementScreen, CheckinAnswerScreen, ProposeScreen
from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.screens.messages import CheckinBubble, ConversationScreen, MessageBubble
from reconnect_tui.screens.seen import SeenScreen
from reconnect_tui.sync.agreements import Agreements
from reconnect_tui.sync.dyads import Dyads
from tests.pilot import SIZE, make_app, unlock, wait_for
from tests.screens.messages_helpers import (
    open_conversation,
    send,
    settle,
    sync,
    text_of,
)


async def test_agreement_screen_prompt_template_and_proposal(user, provider, paired) -> None:
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_conversation(pilot)
        assert "have not agreed yet" in text_of(app, "#agreement-line")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, AgreementScreen)
                       and app.screen.loaded)
        assert "no agreement yet" in text_of(app, "#agreement-state")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ProposeScreen))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, AgreementScreen))
        await wait_for(pilot, lambda: "waiting for Dr Lind to accept"
                       in text_of(app, "#agreement-state"))
        await settle(pilot)
        await pilot.press("a")  # one's own proposal cannot be accepted
        await settle(pilot)
    sync(user, paired.url)
    sync(provider, paired.url)
    with provider.open() as vault:
        agreements = Agreements(vault)
        partner = agreements.dyads.partners()[0]
        assert agreements.state(partner.id).status == "proposed"
        agreements.accept(partner.id)
    sync(provider, paired.url)
    sync(user, paired.url)
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_conversation(pilot)
        assert "Agreed: answers within 2 working days" in text_of(app, "#agreement-line")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, AgreementScreen)
                       and app.screen.loaded)
        assert "signed by both" in text_of(app, "#agreement-state")


async def test_seen_key_tells_the_user_when_the_answer_comes(user, provider, paired) -> None:
    """Without any agreement: the promise reaches the user and shows under their message, and
    the provider is told what happened to it (queued, then delivered), never "sent" early."""
    send(user, "Kan vi snakke om medisinene?")
    sync(user, paired.url)
    sync(provider, paired.url)
    app = make_app(provider.path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        await pilot.press("enter")  # Home's dyad list: open the longest waiting
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await settle(pilot)
        await pilot.press("ctrl+b")  # the proposed time, confirmed as it is
        await wait_for(pilot, lambda: isinstance(app.screen, SeenScreen))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        messages = [n.message for n in app._notifications]
        assert any("queued" in m for m in messages), messages
        assert not any(m.startswith("Sent") for m in messages), messages
        await settle(pilot)
        await wait_for(pilot, lambda: any("delivered to the relay" in n.message
                                          for n in app._notifications))
    sync(user, paired.url)
    with user.open() as vault:
        partner_id = Dyads(vault).partners()[0].id
        [promised] = Agreements(vault).repo.promises(partner_id).values()
        [wait] = Agreements(vault).answer_times(partner_id)
        assert wait.promised_by == promised
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_conversation(pilot)
        [bubble] = screen.query(MessageBubble)
        assert "seen — Dr Lind will answer by" in str(bubble.render())


async def test_seen_key_while_offline_says_it_is_waiting(user, provider, paired) -> None:
    send(user, "Er du der?")
    sync(user, paired.url)
    sync(provider, paired.url)
    paired.stop()
    app = make_app(provider.path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await settle(pilot)
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: isinstance(app.screen, SeenScreen))
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: any("not delivered yet" in n.message
                                          for n in app._notifications))
        assert not any("delivered to the relay" in n.message for n in app._notifications)


async def test_checkin_answer_flow(user, provider, paired) -> None:
    with provider.open() as vault:
        agreements = Agreements(vault)
        schedule = agreements.schedule_checkin(agreements.dyads.partners()[0].id,
                                               "How are you doing?")
        agreements.send_checkin(schedule)
    sync(provider, paired.url)
    sync(user, paired.url)
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert "How are you doing?" in text_of(app, "#agreement-notes")
        screen = await open_conversation(pilot)
        assert "Ctrl+F" in text_of(app, "#agreement-line")
        assert len(screen.query(CheckinBubble)) == 1
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: isinstance(app.screen, CheckinAnswerScreen))
        await pilot.press("7", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await settle(pilot)
        assert "7/10" in str(app.screen.query_one(CheckinBubble).render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
    sync(user, paired.url)
    sync(provider, paired.url)
    with provider.open() as vault:
        [answer] = Agreements(vault).new_answers()
        assert answer.overall == 7
