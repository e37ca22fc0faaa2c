"""The dyad agreement, "seen", check-ins and feedback between two real vaults through a real
relay: propose -> accept -> both hold the same doubly signed version; a bad signature is
rejected; the review reminder and the waiting order follow an injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import vodozemac

from reconnect_tui.errors import ReconnectError
from reconnect_tui.sync import agreement_terms
from reconnect_tui.sync.agreements import Agreements
from reconnect_tui.sync.dyads import Dyads
from tests.dyads.dyad_helpers import TERMS, agreed, pair


def at(moment: datetime):
    return lambda: moment



def test_propose_accept_both_vaults_hold_the_same_signed_version(provider, user) -> None:
    on_provider, on_user = pair(provider, user)
    p, u = Agreements(provider.vault), Agreements(user.vault)
    assert u.state(on_user.id).status == "none"
    p.propose(on_provider.id, TERMS)
    assert p.state(on_provider.id).status == "proposed"
    with pytest.raises(ReconnectError, match="yours"):
        p.accept(on_provider.id)
    provider.sync()
    user.sync()
    pending = u.state(on_user.id)
    assert pending.status == "proposed" and not pending.pending.proposed_by_me
    assert pending.pending.terms == agreement_terms.validate(TERMS)
    u.accept(on_user.id)
    user.sync()
    provider.sync()
    [mine] = p.state(on_provider.id).history
    [theirs] = u.state(on_user.id).history
    assert mine.accepted and theirs.accepted and mine.version == theirs.version == 1
    assert mine.terms == theirs.terms
    assert mine.proposer_signature == theirs.proposer_signature
    assert mine.accepter_signature == theirs.accepter_signature
    signed = agreement_terms.signed_bytes(Dyads(provider.vault).identity_key,
                                          Dyads(user.vault).identity_key, 1, mine.terms)
    for key, signature in [(Dyads(provider.vault).identity_key, mine.proposer_signature),
                           (Dyads(user.vault).identity_key, mine.accepter_signature)]:
        vodozemac.Ed25519PublicKey.from_base64(key).verify_signature(
            signed, vodozemac.Ed25519Signature.from_base64(signature))
    # a change is a new version; the history stays readable
    u.propose(on_user.id, {**TERMS, "answer_within_working_days": 3})
    user.sync()
    provider.sync()
    p.accept(on_provider.id)
    provider.sync()
    user.sync()
    history = u.state(on_user.id).history
    assert [(v.version, v.accepted) for v in history] == [(1, True), (2, True)]
    assert u.state(on_user.id).current.terms["answer_within_working_days"] == 3


def test_a_version_whose_signature_does_not_verify_is_rejected(provider, user) -> None:
    on_provider, on_user = pair(provider, user)
    dyads = Dyads(provider.vault)
    terms = agreement_terms.validate(TERMS)
    keys = (dyads.identity_key, Dyads(user.vault).identity_key)
    forged = dyads.sign(agreement_terms.signed_bytes(*keys, 1, {**terms, "notes": "other"}))
    dyads.send_control(on_provider.id, "agreement-propose",
                       {"version": 1, "terms": terms, "signature": forged})
    provider.sync()
    before = Dyads(user.vault).repo.rejected_count()
    user.sync()
    assert Agreements(user.vault).state(on_user.id).status == "none"
    assert Dyads(user.vault).repo.rejected_count() == before + 1
    # an acceptance signed by the wrong key is rejected too, and the proposal stays open
    Agreements(provider.vault).propose(on_provider.id, TERMS)
    provider.sync()
    user.sync()
    pending = Agreements(user.vault).state(on_user.id).pending
    wrong = vodozemac.Account().sign(agreement_terms.signed_bytes(*keys, pending.version,
                                                                  pending.terms))
    Dyads(user.vault).send_control(on_user.id, "agreement-accept",
                                   {"version": pending.version, "signature": wrong.to_base64()})
    user.sync()
    provider.sync()
    assert Agreements(provider.vault).state(on_provider.id).status == "proposed"


def test_review_reminder_comes_with_the_date(provider, user) -> None:
    accepted_at = datetime(2026, 11, 2, 10, tzinfo=UTC)
    on_provider, on_user = agreed(provider, user, {**TERMS, "review_on": None},
                                  clock=at(accepted_at))
    for vault, partner_id in [(provider.vault, on_provider), (user.vault, on_user)]:
        agreements = Agreements(vault)
        assert agreements.state(partner_id).review_on == date(2027, 2, 2)
        assert agreements.reviews_due(date(2027, 2, 1)) == []
        [(partner, day)] = agreements.reviews_due(date(2027, 2, 2))
        assert partner.id == partner_id and day == date(2027, 2, 2)


def test_waiting_seen_and_the_providers_order(provider, user, second_user) -> None:
    monday = datetime(2026, 11, 23, 9, tzinfo=UTC)  # 10:00 in Oslo
    on_provider, on_user = agreed(provider, user, {**TERMS, "answer_within_working_days": 0},
                                  clock=at(monday))
    other_on_provider = pair(provider, second_user)[0].id
    # Ola wrote first, on Sunday, without an agreement (two working days by default); Kari on
    # Monday, under an agreement to answer the same working day
    Dyads(second_user.vault, clock=at(monday - timedelta(hours=21))).send(
        Dyads(second_user.vault).partners()[0].id, "hei")
    Dyads(user.vault, clock=at(monday)).send(on_user, "Kan vi flytte timen?")
    saturday = datetime(2026, 11, 28, 12, tzinfo=UTC)
    Dyads(user.vault, clock=at(saturday)).send(on_user, "Og en ting til")
    user.sync()
    second_user.sync()
    provider.sync()
    times = Agreements(user.vault).answer_times(on_user)
    assert [t.read_from is None for t in times] == [True, False]
    assert times[0].expected_by == datetime(2026, 11, 23, 14, 30, tzinfo=UTC)  # Mon 15:30
    assert times[1].read_from == datetime(2026, 11, 30, 7, tzinfo=UTC)  # Monday 08:00 Oslo
    assert times[1].expected_by == datetime(2026, 11, 30, 14, 30, tzinfo=UTC)
    # once the provider has read them, none "will be read from" a later time (it was)
    Dyads(provider.vault).mark_read(on_provider)
    provider.sync()
    user.sync()
    read = Agreements(user.vault).answer_times(on_user)
    assert [t.read_from for t in read] == [None, None]
    assert [t.expected_by for t in read] == [t.expected_by for t in times]
    later = Dyads(provider.vault, clock=at(datetime(2026, 11, 24, 9, tzinfo=UTC)))
    [first, second] = later.summaries()
    assert first.partner.id == on_provider and first.overdue and first.expected_by
    assert second.partner.id == other_on_provider and not second.overdue
    # the provider's one key: seen, and an answer time the user sees
    thursday = datetime(2026, 11, 26, 9, tzinfo=UTC)
    by = Agreements(provider.vault, clock=at(thursday)).mark_seen(on_provider)
    assert by == datetime(2026, 11, 26, 14, 30, tzinfo=UTC)  # past due: end of today
    provider.sync()
    user.sync()
    assert [t.promised_by for t in Agreements(user.vault).answer_times(on_user)] == [by, by]


def test_seen_reaches_the_user_without_an_agreement(provider, user) -> None:
    """No agreement yet: the provider's "seen — I will answer by" still reaches the user, with
    the time the provider's screen offered (the template's two working days)."""
    on_provider, on_user = pair(provider, user)
    Dyads(user.vault).send(on_user.id, "Kan vi snakke om medisinene?")
    user.sync()
    provider.sync()
    agreements = Agreements(provider.vault)
    assert agreements.state(on_provider.id).status == "none"
    offered = agreements.default_answer_by(on_provider.id)
    by = agreements.mark_seen(on_provider.id)
    assert by == offered
    assert Dyads(provider.vault).undelivered(on_provider.id) == 1
    provider.sync()
    assert Dyads(provider.vault).undelivered(on_provider.id) == 0
    user.sync()
    [wait] = Agreements(user.vault).answer_times(on_user.id)
    assert wait.promised_by == by and wait.read_from is None
    # once the provider has answered, nothing is waiting and no promise is shown
    Dyads(provider.vault).send(on_provider.id, "Ja, på torsdag.")
    provider.sync()
    user.sync()
    assert Agreements(user.vault).answer_times(on_user.id) == []


def test_long_message_and_the_draft_for_the_next_meeting(provider, user) -> None:
    _, on_user = agreed(provider, user)
    agreements = Agreements(user.vault)
    assert not agreements.is_much_longer(on_user, "ord " * 30)
    assert agreements.is_much_longer(on_user, "ord " * 31)
    draft = agreements.keep_for_meeting(on_user, "Et langt brev")
    assert [d.text for d in agreements.drafts(on_user)] == ["Et langt brev"] and draft.id


def test_checkin_scheduled_delivered_answered_and_seen(provider, user) -> None:
    on_provider, on_user = (p.id for p in pair(provider, user))
    # Now, not a fixed day: the syncs below send what is due by the real clock, and a fixed
    # start made the next weekly check-in due (and sent) once that day was a week ago.
    start = datetime.now(UTC).replace(microsecond=0)
    p = Agreements(provider.vault, clock=at(start))
    with pytest.raises(ReconnectError):
        Agreements(user.vault).schedule_checkin(on_user, "Hvordan går det?")
    schedule_id = p.schedule_checkin(on_provider, "How are you doing?", every_days=7)
    [due] = p.due_checkins()
    p.send_checkin(due.id)
    assert p.due_checkins() == []
    assert Agreements(provider.vault, clock=at(start + timedelta(days=7))).due_checkins()[0].id \
        == schedule_id
    provider.sync()
    user.sync()
    u = Agreements(user.vault)
    [asked] = u.open_checkins()
    assert asked.question == "How are you doing?"
    u.answer_checkin(on_user, asked.checkin_id, overall=6, line="Bedre enn sist",
                     share_trend=True)
    assert u.open_checkins() == [] and u.trend(on_user) == [6]
    with pytest.raises(ReconnectError):
        u.answer_checkin(on_user, asked.checkin_id, overall=7)
    user.sync()
    provider.sync()
    [answer] = p.new_answers()
    assert (answer.overall, answer.line, answer.share_trend) == (6, "Bedre enn sist", True)
    assert p.trend(on_provider) == [6]
    p.mark_answers_seen(on_provider)
    assert p.new_answers() == []


def test_feedback_is_seen_by_both(provider, user) -> None:
    on_provider, on_user = (p.id for p in pair(provider, user))
    scores = {"heard": 8, "matters": 7, "way": 9, "overall": 8}
    Agreements(user.vault).give_feedback(on_user, scores)
    with pytest.raises(ReconnectError):
        Agreements(user.vault).give_feedback(on_user, {"heard": 11})
    user.sync()
    provider.sync()
    [mine] = Agreements(user.vault).feedback(on_user)
    [theirs] = Agreements(provider.vault).feedback(on_provider)
    assert mine.scores == theirs.scores == scores and mine.from_me and not theirs.from_me
