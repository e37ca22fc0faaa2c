"""Pilot tests: scheduling a check-in from the conversation (F3) and sending due ones, feedback
on how we work (F4), and the trends and next-meeting drafts modal (F5), on real vaults paired
through a real relay on 127.0.0.1, at 80x24."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Input, OptionList, Static

from reconnect_tui.errors import ReconnectError
from reconnect_tui.screens.messages import CheckinBubble, ConversationScreen
from reconnect_tui.screens.trends import TrendRow, TrendsScreen
from reconnect_tui.sync.agreements import Agreements
from reconnect_tui.widgets.confirm import ConfirmScreen
from reconnect_tui.widgets.form import FormScreen
from tests.pilot import NOW, SIZE, make_app, unlock, wait_for
from tests.screens.messages_helpers import (
    open_conversation,
    settle,
    sync,
    text_of,
)

SCORES = {"heard": 8, "matters": 6, "way": 9, "overall": 7}


def partner_id(vault) -> int:
    return Agreements(vault).dyads.partners()[0].id


async def open_provider_conversation(pilot) -> ConversationScreen:
    await unlock(pilot)
    await pilot.press("enter")  # Home's dyad list: the only service user
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConversationScreen))
    await settle(pilot)
    return pilot.app.screen


def shown_keys(app) -> set[str]:
    return {b.binding.key for b in app.screen.active_bindings.values() if b.enabled}


async def test_provider_schedules_a_checkin_and_it_reaches_the_user(user, provider, paired
                                                                    ) -> None:
    app = make_app(provider.path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_provider_conversation(pilot)
        assert {"f3", "f4", "f5"} <= shown_keys(app)
        assert "f3" in {b.key for b in ConversationScreen.BINDINGS if b.description}
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        assert app.screen.query_one("#field-question", Input).value == "How are you doing?"
        assert app.screen.query_one("#field-every_days", Input).value == "7"
        app.screen.query_one("#field-every_days", Input).value = "0"
        await pilot.press("ctrl+s")  # refused beside the field; the form stays, as typed
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "from 1 to 365" in str(app.screen.query_one("#error-every_days").render())
        assert not screen.query(CheckinBubble)
        app.screen.query_one("#field-question", Input).value = "Hvordan har uka vært?"
        app.screen.query_one("#field-every_days", Input).value = "14"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await settle(pilot)
        [bubble] = screen.query(CheckinBubble)
        assert "Hvordan har uka vært?" in str(bubble.render())
    with provider.open() as vault:
        agreements = Agreements(vault, clock=lambda: NOW)
        [schedule] = agreements.schedules()
        assert schedule.every_days == 14 and agreements.due_checkins() == []
        assert schedule.next_due_at == NOW.astimezone() + timedelta(days=14)
    sync(provider, paired.url)
    sync(user, paired.url)
    with user.open() as vault:
        [asked] = Agreements(vault).open_checkins()
        assert asked.question == "Hvordan har uka vært?"


async def test_a_due_checkin_goes_out_with_the_sync(user, provider, paired) -> None:
    """Due check-ins are sent by the sync (``sync_and_process``), not by a screen loading."""
    week_ago = NOW - timedelta(days=8)
    with provider.open() as vault:
        agreements = Agreements(vault, clock=lambda: week_ago)
        schedule_id = agreements.schedule_checkin(partner_id(vault), "How are you doing?", 7)
        agreements.send_checkin(schedule_id)  # last week's
        assert agreements.due_checkins() == []
        assert [s.id for s in Agreements(vault, clock=lambda: NOW).due_checkins()] == [
            schedule_id]
    with user.open() as vault:
        assert Agreements(vault).send_due_checkins() == []  # a service user sends none
    sync(provider, paired.url)
    with provider.open() as vault:
        agreements = Agreements(vault)
        assert agreements.due_checkins() == [] and len(agreements.checkins()) == 2
        assert agreements.send_due_checkins() == []  # nothing twice
    sync(user, paired.url)
    with user.open() as vault:
        assert len(Agreements(vault).open_checkins()) == 2


async def test_feedback_on_how_we_work_from_the_conversation(user, provider, paired
                                                             ) -> None:
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_conversation(pilot)
        assert "f3" not in shown_keys(app)  # only providers schedule check-ins
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        labels = [str(label.render()) for label in form.query("Label")]
        assert "I felt heard *" in labels and "The way we worked suited me *" in labels
        for key, value in {**SCORES, "way": 11}.items():
            form.query_one(f"#field-{key}", Input).value = str(value)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "0 to 10" in str(form.query_one("#error-way", Static).render())
        form.query_one("#field-way", Input).value = "9"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
    sync(user, paired.url)
    sync(provider, paired.url)
    with provider.open() as vault:
        [record] = Agreements(vault).feedback(partner_id(vault))
        assert record.scores == SCORES and not record.from_me


async def test_trends_and_drafts_seen_by_both(user, provider, paired) -> None:
    with provider.open() as vault:
        agreements = Agreements(vault)
        agreements.send_checkin(agreements.schedule_checkin(partner_id(vault), "Hvordan går det?"))
    sync(provider, paired.url)
    sync(user, paired.url)
    with user.open() as vault:
        agreements = Agreements(vault)
        on_user = partner_id(vault)
        [asked] = agreements.open_checkins()
        agreements.answer_checkin(on_user, asked.checkin_id, overall=6, line="Litt bedre",
                                  share_trend=True)
        agreements.give_feedback(on_user, SCORES)
        agreements.give_feedback(on_user, {**SCORES, "overall": 9})
        agreements.keep_for_meeting(on_user, "Et langt brev om søvnen og medisinene")
        agreements.keep_for_meeting(on_user, "Noe annet")
    sync(user, paired.url)
    sync(provider, paired.url)

    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_conversation(pilot)
        assert "2 drafts for our next meeting" in text_of(app, "#agreement-line")
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, TrendsScreen))
        trends = app.screen
        for sparkline in trends.query(".trend-sparkline"):  # visible at 80x24
            assert sparkline.region.width >= 8 and sparkline.region.right <= SIZE[0]
        assert "now 6/10" in str(trends.query_one("#checkin-trend .trend-words").render())
        # one answer of 6 on the 0–10 scale is one bar at 6, not a full line (issue 15)
        assert str(trends.query_one("#checkin-trend .trend-sparkline").render()) == "▅"
        assert "Litt bedre" in text_of(app, "#checkin-latest")
        overall = trends.query_one("#feedback-mine-overall", TrendRow)
        assert overall.values == [7, 9]
        assert "from 7 to 9" in str(overall.query_one(".trend-words").render())
        assert not trends.query("#feedback-theirs-heard")
        drafts = trends.query_one("#drafts-list", OptionList)
        assert drafts.option_count == 2 and "Et langt brev" in str(drafts.get_option_at_index(0)
                                                                   .prompt)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, TrendsScreen))
        assert drafts.option_count == 1 and "Noe annet" in str(drafts.get_option_at_index(0)
                                                               .prompt)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen))
        await settle(pilot)
        assert "1 draft for our next meeting" in text_of(app, "#agreement-line")

    app = make_app(provider.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_provider_conversation(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, TrendsScreen))
        trends = app.screen
        assert trends.query_one("#checkin-trend", TrendRow).values == [6]  # shared as a trend
        assert trends.query_one("#feedback-theirs-heard", TrendRow).values == [8, 8]
        assert not trends.query("#feedback-mine-heard")
        assert not trends.query_one("#drafts-list").display  # the user's drafts stay theirs
        assert "d" not in shown_keys(app)


def test_delete_draft_only_of_that_dyad(user, provider, paired) -> None:
    with user.open() as vault:
        agreements = Agreements(vault)
        on_user = partner_id(vault)
        draft = agreements.keep_for_meeting(on_user, "Til neste gang")
        with pytest.raises(ReconnectError):
            agreements.delete_draft(on_user + 1, draft.id)
        assert [d.id for d in agreements.drafts(on_user)] == [draft.id]
        agreements.delete_draft(on_user, draft.id)
        assert agreements.drafts(on_user) == []
        with pytest.raises(ReconnectError):
            agreements.delete_draft(on_user, draft.id)


async def test_unshared_answers_are_not_a_trend_for_the_provider(user, provider, paired
                                                                 ) -> None:
    with provider.open() as vault:
        agreements = Agreements(vault)
        agreements.send_checkin(agreements.schedule_checkin(partner_id(vault), "Hvordan går det?"))
    sync(provider, paired.url)
    sync(user, paired.url)
    with user.open() as vault:
        agreements = Agreements(vault)
        [asked] = agreements.open_checkins()
        agreements.answer_checkin(partner_id(vault), asked.checkin_id, overall=3)
    sync(user, paired.url)
    sync(provider, paired.url)
    app = make_app(provider.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_provider_conversation(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, TrendsScreen))
        assert not app.screen.query("#checkin-trend")
        assert "No answers shared" in text_of(app, "#checkin-empty")
        assert "No feedback yet" in text_of(app, "#feedback-empty")


async def test_a_due_checkin_goes_out_when_the_provider_opens_home(
        user, provider, paired) -> None:
    week_ago = NOW - timedelta(days=8)
    with provider.open() as vault:
        agreements = Agreements(vault, clock=lambda: week_ago)
        agreements.send_checkin(
            agreements.schedule_checkin(partner_id(vault), "How are you doing?", 7))
    app = make_app(provider.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)  # Home only: no conversation opened
        await settle(pilot)
    with provider.open() as vault:
        assert len(Agreements(vault).checkins()) == 2  # this week's went out with the sync
    sync(user, paired.url)
    with user.open() as vault:
        assert len(Agreements(vault).open_checkins()) == 2


async def test_trends_fit_60x20(user, provider, paired) -> None:
    """At 60x20 each trend's label, sparkline and numbers stay inside the dialog: the label
    and the numbers wrap instead of pushing the numbers off the screen (issue 15)."""
    with user.open() as vault:
        agreements = Agreements(vault)
        on_user = partner_id(vault)
        agreements.give_feedback(on_user, SCORES)
        agreements.give_feedback(on_user, {**SCORES, "overall": 3})
    small = (60, 20)
    app = make_app(user.path)
    async with app.run_test(size=small) as pilot:
        await unlock(pilot)
        await open_conversation(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, TrendsScreen))
        await settle(pilot)
        trends = app.screen
        assert trends.has_class("-narrow")
        dialog = trends.query_one("#trends-dialog")
        assert dialog.region.right <= small[0]
        rows = list(trends.query(TrendRow).results(TrendRow))
        assert len(rows) == 4
        for row in rows:
            for part in row.children:
                assert part.region.right <= dialog.region.right, part
                assert part.region.width >= 8
        words = str(trends.query_one("#feedback-mine-overall .trend-words").render())
        assert "now 3/10" in words and "from 3 to 7" in words
