"""The join and deferral state machines (``sync/forum_states.py``): first the tables under any
sequence of events, then the real inbound code under any order of arrival."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from reconnect_tui.store.repositories.sync_state import SyncStateRepository
from reconnect_tui.sync.forum import Forums
from reconnect_tui.sync.forum_states import (
    ENVELOPE_TRANSITIONS,
    FINAL_ENVELOPE_STATES,
    FORUM_TRANSITIONS,
    EnvelopeEvent,
    EnvelopeState,
    ForumEvent,
    ForumState,
    IllegalTransition,
    advance,
)
from reconnect_tui.sync.service import connect
from tests.forum.forum_helpers import build_circle, forum_id, forums, invite, join

REACHABLE = {ForumState.OUTSIDE, ForumState.JOINING, ForumState.ACTIVE, ForumState.REMOVED}


class Lifecycle(RuleBasedStateMachine):
    """One forum as one vault sees it, and the envelopes that arrive for it, under any events
    (legal or not): an illegal one is refused and changes nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.forum = ForumState.OUTSIDE
        self.history: list[ForumState] = [self.forum]
        self.envelopes: dict[int, EnvelopeState] = {}
        self.read = Counter[int]()

    @rule(event=st.sampled_from(ForumEvent))
    def forum_event(self, event: ForumEvent) -> None:
        before = self.forum
        try:
            self.forum = advance(FORUM_TRANSITIONS, before, event)
        except IllegalTransition as refused:
            assert (before, event) not in FORUM_TRANSITIONS
            assert (refused.state, refused.event) == (before, event)
            assert self.forum is before
        else:
            self.history.append(self.forum)

    @rule()
    def arrive(self) -> None:
        self.envelopes[len(self.envelopes)] = EnvelopeState.FETCHED

    @rule(data=st.data(), event=st.sampled_from(EnvelopeEvent))
    def attempt(self, data: st.DataObject, event: EnvelopeEvent) -> None:
        if not self.envelopes:
            return
        which = data.draw(st.sampled_from(sorted(self.envelopes)))
        before = self.envelopes[which]
        try:
            self.envelopes[which] = advance(ENVELOPE_TRANSITIONS, before, event)
        except IllegalTransition:
            assert before in FINAL_ENVELOPE_STATES  # only a finished envelope refuses
            return
        assert before not in FINAL_ENVELOPE_STATES
        self.read[which] += event is EnvelopeEvent.READ

    @invariant()
    def forum_state_is_legal(self) -> None:
        assert self.forum in REACHABLE
        # Removal is for good, and nobody is let in twice.
        if ForumState.REMOVED in self.history:
            assert self.forum is ForumState.REMOVED
        assert self.history.count(ForumState.JOINING) <= 1
        assert self.history.count(ForumState.ACTIVE) <= 1

    @invariant()
    def envelopes_are_never_lost_nor_handled_twice(self) -> None:
        assert all(count <= 1 for count in self.read.values())
        for which, state in self.envelopes.items():
            # Not finished means still in the inbox (FETCHED or DEFERRED), to be tried again.
            assert state in FINAL_ENVELOPE_STATES or state in (EnvelopeState.FETCHED,
                                                               EnvelopeState.DEFERRED)
            assert (self.read[which] == 1) == (state is EnvelopeState.HANDLED)


TestLifecycle = Lifecycle.TestCase
TestLifecycle.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)


def test_every_transition_in_the_table_leads_somewhere_reachable() -> None:
    assert set(FORUM_TRANSITIONS.values()) <= REACHABLE
    assert {after for after in ENVELOPE_TRANSITIONS.values()} == {
        EnvelopeState.HANDLED, EnvelopeState.DEFERRED, EnvelopeState.REJECTED}
    for final in FINAL_ENVELOPE_STATES:
        for event in EnvelopeEvent:
            with pytest.raises(IllegalTransition):
                advance(ENVELOPE_TRANSITIONS, final, event)


class _Undo(Exception):
    """Raised to roll an example's outer transaction back."""


def test_envelopes_that_wait_for_a_key_are_handled_once_in_any_order(people) -> None:
    """Birch is a member; Fjord joins, says hello and posts twice; the moderator hides one of
    Fjord's posts and posts. Birch's mailbox then holds envelopes that depend on each other
    (a hello waits for the moderator's member-added, Fjord's posts for the hello's key, the
    hide for its post). Delivered in any order, in any batches, some twice: each is handled
    exactly once and none stays behind."""
    mod, birch, fjord, _heron = people
    build_circle(mod, [birch])
    join(fjord, invite(mod), "Fjord")
    fjord.sync()
    mod.sync()  # accepts: the welcome to Fjord, the member-added to Birch
    fjord.sync()  # the welcome: hello to Birch
    first = forums(fjord).posting.post(forum_id(fjord), "Hello all, first time here")
    forums(fjord).posting.post(forum_id(fjord), "And a question about sleep")
    fjord.sync()
    mod.sync()
    forums(mod).posting.hide(forum_id(mod), first.id, "Names in it")
    forums(mod).posting.post(forum_id(mod), "Welcome, Fjord")
    mod.sync()

    vault = birch.vault
    with connect(vault, birch.relay_url) as engine:
        engine.sync()  # fetched only: nothing processed yet
    birch_forums = Forums(vault)
    arrived = birch_forums.context.repo.unprocessed()
    assert len(arrived) == 6  # member-added, hello, 2 posts, the hide, the moderator's post
    with vault.transaction() as conn:  # out of the inbox: each example delivers them itself
        conn.execute(f"DELETE FROM inbox WHERE id IN ({','.join('?' * len(arrived))})",
                     [row[0] for row in arrived])
    fid = forum_id(birch)
    fjord_context = forums(fjord).context
    _ed, fjord_curve = fjord_context.my_keys(fjord_context.record(forum_id(fjord)))
    assert birch_forums.context.repo.member_by_curve(fid, fjord_curve) is None  # not yet
    fjord_mailbox_id = fjord_context.record(forum_id(fjord)).mailbox_id
    state = SyncStateRepository(vault)

    def queued_to_fjord() -> int:
        with vault.read() as conn:
            return conn.execute("SELECT count(*) FROM outbox WHERE mailbox_id = ?",
                                (fjord_mailbox_id,)).fetchone()[0]

    orders = st.permutations(range(len(arrived))).flatmap(
        lambda order: st.tuples(
            st.just(order),
            st.lists(st.sampled_from(order), max_size=3),  # delivered again
            st.lists(st.integers(0, len(arrived) + 3), max_size=4)))  # where a sync stops

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(orders)
    def delivered(plan: tuple[list[int], list[int], list[int]]) -> None:
        order, again, stops = plan
        schedule = [*order, *again]
        cuts = sorted({0, *stops, len(schedule)})
        try:
            with vault.transaction():
                service = Forums(vault)
                before = queued_to_fjord()
                new_posts = 0
                for start, end in zip(cuts, cuts[1:], strict=False):
                    for seq, index in enumerate(schedule[start:end], start=start):
                        _inbox, envelope_id, mailbox_id, ciphertext = arrived[index]
                        state.store_received(mailbox_id, [(envelope_id, 10_000 + seq,
                                                           ciphertext)], 0, 0.0)
                    new_posts += service.inbound.process()
                    # Whatever was tried last ends handled or waits; none is handled twice.
                    assert all(s in (*FINAL_ENVELOPE_STATES, EnvelopeState.DEFERRED)
                               for s in service.inbound.states.values())
                new_posts += service.inbound.process()
                assert service.context.repo.unprocessed() == []  # nothing left behind
                assert new_posts == 3  # Fjord's two posts and the moderator's, once each
                posts = {p.text: p for p in service.views.posts(fid)}
                assert set(posts) == {"", "And a question about sleep", "Welcome, Fjord"}
                assert posts[""].hidden and posts[""].id == first.id
                assert queued_to_fjord() - before == 1  # one key back for the one hello
                assert service.context.record(fid).status == ForumState.ACTIVE
                raise _Undo
        except _Undo:
            pass

    delivered()
