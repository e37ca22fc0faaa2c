"""Declining a proposed agreement with a reason (issue 15), between two real vaults through a
real relay: the other side sees the decline and the reason; a hostile reason is neutralised; the
command line's ``agreement decline``; and messages as an older peer writes them still parse."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from reconnect_tui import wire
from reconnect_tui.errors import ReconnectError
from reconnect_tui.sync import agreement_terms, messages
from reconnect_tui.sync.agreements import Agreements
from reconnect_tui.text_safety import is_terminal_safe
from tests.dyads.dyad_helpers import TERMS, Person, close, pair, run

HOSTILE = "Ikke\x1b]0;pwned\x07 nå\x1b[2K\x9b31m, \u202eetter jul"
NEUTRALISED = "Ikke nå, etter jul"


def send_fields(sender: Person, partner_id: int, kind: str, fields: dict[str, object]) -> None:
    """What a modified (or older) client can send: any plaintext, without our checks."""
    dyads = sender.dyads
    record = dyads.repo.partner(partner_id)
    assert record is not None
    counter = record.sent_counter + 1
    inner = messages.DyadPlaintext(kind, wire.new_id(), dyads.identity_key, record.ed25519,
                                   datetime.now(UTC), counter, fields)
    pickle, outgoing = dyads._encrypt_to(record, inner)
    dyads.repo.record_sent(partner_id, pickle, counter, None, outgoing)


def rejected(person: Person) -> list[str]:
    with person.vault.read() as conn:
        return [r[0] for r in conn.execute("SELECT reason FROM rejected_envelopes")]


def test_decline_with_a_reason_reaches_the_proposer(provider, user) -> None:
    on_provider, on_user = pair(provider, user)
    p, u = Agreements(provider.vault), Agreements(user.vault)
    p.propose(on_provider.id, TERMS)
    with pytest.raises(ReconnectError, match="yours"):
        p.decline(on_provider.id, "no")
    provider.sync()
    user.sync()
    declined = u.decline(on_user.id, "  Jeg trenger svar innen én dag.  ")
    assert declined.declined and declined.declined_by_me
    assert declined.decline_reason == "Jeg trenger svar innen én dag."
    state = u.state(on_user.id)
    assert (state.status, state.pending, state.declined.version) == ("none", None, 1)
    with pytest.raises(ReconnectError, match="no proposed agreement"):
        u.decline(on_user.id)
    with pytest.raises(ReconnectError, match="no proposed agreement"):
        u.accept(on_user.id)
    user.sync()
    provider.sync()
    seen = p.state(on_provider.id)
    assert seen.status == "none" and seen.pending is None
    assert seen.declined is not None and not seen.declined.declined_by_me
    assert seen.declined.decline_reason == "Jeg trenger svar innen én dag."
    # the proposer amends: version 2, which can be accepted; the declined one stays in history
    p.propose(on_provider.id, {**TERMS, "answer_within_working_days": 1})
    provider.sync()
    user.sync()
    assert u.state(on_user.id).pending.version == 2 and u.state(on_user.id).declined is None
    u.accept(on_user.id)
    user.sync()
    provider.sync()
    history = p.state(on_provider.id).history
    assert [(v.version, v.accepted, v.declined) for v in history] == [
        (1, False, True), (2, True, False)]
    assert rejected(provider) == [] and rejected(user) == []


def test_a_hostile_reason_is_neutralised_everywhere_it_is_shown(provider, user) -> None:
    on_provider, on_user = pair(provider, user)
    Agreements(provider.vault).propose(on_provider.id, TERMS)
    provider.sync()
    user.sync()
    send_fields(user, on_user.id, "agreement-decline", {"version": 1, "reason": HOSTILE})
    user.sync()
    provider.sync()
    declined = Agreements(provider.vault).state(on_provider.id).declined
    assert declined is not None and declined.decline_reason == NEUTRALISED
    close(provider, user)
    plain = run("agreement", "show", "Kari Nordmann", "--vault", str(provider.path))
    assert plain.exit_code == 0, plain.output
    assert NEUTRALISED in plain.stdout and is_terminal_safe(plain.output)
    as_json = run("agreement", "show", "Kari Nordmann", "--json", "--vault", str(provider.path))
    data = json.loads(as_json.stdout)
    assert data["declined"]["decline_reason"] == NEUTRALISED
    assert data["declined"]["declined_by"] == "Kari Nordmann"
    assert "\\u001b" not in as_json.stdout and "\u202e" not in as_json.stdout


def test_a_decline_of_no_open_proposal_is_rejected(provider, user) -> None:
    on_provider, on_user = pair(provider, user)
    send_fields(user, on_user.id, "agreement-decline", {"version": 1, "reason": "nei"})
    send_fields(user, on_user.id, "agreement-decline", {"version": 1, "reason": 7})
    user.sync()
    provider.sync()
    assert len(rejected(provider)) == 2
    assert Agreements(provider.vault).state(on_provider.id).history == []


def test_messages_as_an_older_peer_writes_them_still_parse(provider, user) -> None:
    """A peer from before declines sends propose and accept with exactly the old fields and
    version 1 of the plaintext; they decode and are stored as before."""
    on_provider, on_user = pair(provider, user)
    p = Agreements(provider.vault)
    provider_key, user_key = p.dyads.identity_key, Agreements(user.vault).dyads.identity_key
    terms = agreement_terms.validate(TERMS)
    old = {"v": 1, "type": "agreement-propose", "id": wire.new_id(), "from": provider_key,
           "to": user_key, "time": "2026-11-30T09:00:00+00:00", "n": 3,
           "version": 1, "terms": terms, "signature": "c2ln"}
    encoded = messages.padding.pad(json.dumps(old).encode())
    decoded = messages.decode(encoded, sender=provider_key, recipient=user_key)
    assert (decoded.type, decoded.fields["version"], decoded.fields["terms"]) == (
        "agreement-propose", 1, terms)
    assert set(decoded.fields) == {"version", "terms", "signature"}
    # and through the relay: an old-style proposal (no new field) is verified and stored
    signature = p.dyads.sign(agreement_terms.signed_bytes(provider_key, user_key, 1, terms))
    send_fields(provider, on_provider.id, "agreement-propose",
                {"version": 1, "terms": terms, "signature": signature})
    provider.sync()
    user.sync()
    assert rejected(user) == []
    pending = Agreements(user.vault).state(on_user.id).pending
    assert pending is not None and pending.terms == terms and not pending.declined


def test_agreement_decline_on_the_command_line(provider, user, relay) -> None:
    on_provider, _on_user = pair(provider, user)
    Agreements(provider.vault).propose(on_provider.id, TERMS)
    provider.sync()
    close(provider, user)
    p, u = str(provider.path), str(user.path)
    assert run("sync", "--vault", u, "--relay", relay.url).exit_code == 0
    declined = run("agreement", "decline", "Dr Lind", "--reason", "For sent på kvelden",
                   "--json", "--vault", u, "--relay", relay.url)
    assert declined.exit_code == 0, declined.output
    data = json.loads(declined.stdout)
    assert isinstance(data, dict) and data["status"] == "none"
    assert data["declined"]["version"] == 1
    assert data["declined"]["declined_by"] == "Kari Nordmann"
    assert data["declined"]["decline_reason"] == "For sent på kvelden"
    again = run("agreement", "decline", "Dr Lind", "--vault", u)
    assert again.exit_code == 1 and "no proposed agreement" in again.stderr
    assert run("sync", "--vault", p, "--relay", relay.url).exit_code == 0
    shown = run("agreement", "show", "Kari Nordmann", "--vault", p)
    assert "declined by Kari Nordmann" in shown.stdout
    assert "For sent på kvelden" in shown.stdout
    shown_json = json.loads(run("agreement", "show", "Kari Nordmann", "--json",
                                "--vault", p).stdout)
    assert shown_json["declined"]["declined_by"] == "Kari Nordmann"
    assert shown_json["history"][0]["decline_reason"] == "For sent på kvelden"
    assert run("agreement", "decline", "Kari Nordmann", "--vault", p).exit_code == 1


def test_agreement_decline_without_a_reason(provider, user, relay) -> None:
    on_provider, _on_user = pair(provider, user)
    Agreements(provider.vault).propose(on_provider.id, TERMS)
    provider.sync()
    close(provider, user)
    u = str(user.path)
    assert run("sync", "--vault", u, "--relay", relay.url).exit_code == 0
    declined = run("agreement", "decline", "Dr Lind", "--vault", u, "--relay", relay.url)
    assert declined.exit_code == 0, declined.output
    assert declined.stdout == "" and "Declined version 1 from Dr Lind" in declined.stderr
    data = json.loads(run("agreement", "show", "Dr Lind", "--json", "--vault", u).stdout)
    assert data["declined"]["decline_reason"] == ""
