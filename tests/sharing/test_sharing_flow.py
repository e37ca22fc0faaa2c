"""Sharing end to end: real vaults, a real relay on 127.0.0.1 (issue 7's tests)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reconnect_tui import wire
from reconnect_tui.errors import NotFound, ProtocolError, ReadOnlyItem, ReconnectError
from reconnect_tui.store.repositories.dyads import DyadRepository
from reconnect_tui.store.repositories.sharing import SharingRepository
from reconnect_tui.sync import share_crypto
from reconnect_tui.sync.agreements import Agreements
from reconnect_tui.sync.client import RelayClient
from tests.dyads.dyad_helpers import TERMS, pair, relay_bytes
from tests.sharing.sharing_helpers import (
    add_goal,
    put_relay_item,
    relay_item,
    sharing,
    write_crisis_plan,
)


def _slot(user, partner_id: int, module: str, item_id: int | None = None) -> str:
    row = SharingRepository(user.vault).share(partner_id, module, item_id)
    assert row is not None
    return row.slot_id


def _provider_plan(provider, partner_id: int):
    return sharing(provider).view(partner_id).crisis_plan.get()


def test_share_edit_revoke_crisis_plan(provider, user, relay):
    on_provider, on_user = pair(provider, user)
    write_crisis_plan(user, "Sleeping badly, pacing at night")
    entry = sharing(user).share("crisis-plan", None, on_user.id)
    assert entry.published_version is None  # not yet: the next sync publishes
    user.sync()
    provider.sync()

    plan = _provider_plan(provider, on_provider.id)
    assert plan.warning_signs == "Sleeping badly, pacing at night"
    assert plan.reasons_for_living == "My cat"
    people = sharing(provider).shared_with_me()
    assert [(p.name, [i.module for i in p.items]) for p in people] == [
        (user.vault.profile().name, ["crisis-plan"])]
    assert people[0].items[0].version == 1

    # An edit is published as a new version and arrives.
    write_crisis_plan(user, "Not answering the phone")
    user.sync()
    provider.sync()
    assert _provider_plan(provider, on_provider.id).warning_signs == "Not answering the phone"
    assert sharing(provider).shared_with_me()[0].items[0].version == 2
    assert sharing(user).entries()[0].published_version == 2

    # Nothing changed: no new version.
    user.sync()
    assert relay_item(relay, _slot(user, on_user.id, "crisis-plan"))[0] == 2

    # Revoke: gone from the relay, and from the provider's view and cache at their next sync.
    slot = _slot(user, on_user.id, "crisis-plan")
    sharing(user).revoke("crisis-plan", None, on_user.id)
    assert sharing(user).entries() == []
    user.sync()
    assert relay_item(relay, slot) is None
    provider.sync()
    assert sharing(provider).shared_with_me() == []
    assert SharingRepository(provider.vault).received(on_provider.id) == []
    assert _provider_plan(provider, on_provider.id).warning_signs == ""


def test_old_keys_cannot_read_what_is_shared_after_a_revocation(provider, user, relay):
    on_provider, on_user = pair(provider, user)
    goal = add_goal(user, "Walk to the lake")
    share = sharing(user)
    share.share("crisis-plan", None, on_user.id)
    share.share("goals", goal.id, on_user.id)
    user.sync()
    provider.sync()
    old_keys = SharingRepository(provider.vault).keys(on_provider.id)
    assert list(old_keys) == [1]

    share.revoke("crisis-plan", None, on_user.id)
    write_crisis_plan(user, "After the revocation")  # not shared any more
    user.sync()
    # What stays shared was published again under the new key (epoch 2) …
    slot = _slot(user, on_user.id, "goals", goal.id)
    version, blob = relay_item(relay, slot)
    assert version == 2
    dyad = share_crypto.dyad_id(user.dyads.identity_key, provider.dyads.identity_key)
    with pytest.raises(ProtocolError):  # … which every old key fails to open
        share_crypto.open_item(blob, version=version, slot=slot, dyad=dyad,
                               owner_ed25519=user.dyads.identity_key, share_keys=old_keys)
    # while the provider, still sharing with the user, got the new key over Olm.
    provider.sync()
    assert set(SharingRepository(provider.vault).keys(on_provider.id)) == {1, 2}
    toolbox = sharing(provider).view(on_provider.id)
    assert [g.title for g in toolbox.goals.list()] == ["Walk to the lake"]
    assert toolbox.crisis_plan.get().warning_signs == ""


def test_forged_edit_and_rollback_are_refused(provider, user, relay):
    on_provider, on_user = pair(provider, user)
    write_crisis_plan(user, "Version one")
    sharing(user).share("crisis-plan", None, on_user.id)
    user.sync()
    provider.sync()
    slot = _slot(user, on_user.id, "crisis-plan")
    version_one = relay_item(relay, slot)
    write_crisis_plan(user, "Version two")
    user.sync()
    provider.sync()
    assert _provider_plan(provider, on_provider.id).warning_signs == "Version two"

    # The provider cannot write the user's slot at the relay …
    with (RelayClient(relay.url, wire.relay_signing_key(b"p" * 32)) as client,
          pytest.raises(ReconnectError)):
        client.put_item(slot, 9, b"anything")
    # … and an edit signed by the provider (with the share key it holds), served by the relay,
    # is refused by the signature check.
    dyad = share_crypto.dyad_id(user.dyads.identity_key, provider.dyads.identity_key)
    epoch, key = SharingRepository(provider.vault).current_key(on_provider.id)
    forged = share_crypto.seal_item(
        share_key=key, epoch=epoch, slot=slot, version=3, dyad=dyad,
        content={"module": "crisis-plan", "item_id": None, "title": "Crisis plan",
                 "sections": {"crisis_plan": {"warning_signs": "FORGED"}}},
        sign=provider.dyads.sign)
    put_relay_item(relay, slot, 3, forged)
    report = provider.sync()
    assert any("not signed by its owner" in p for p in report.problems)
    assert _provider_plan(provider, on_provider.id).warning_signs == "Version two"

    # An older version served again: refused, the newer one kept.
    put_relay_item(relay, slot, *version_one)
    report = provider.sync()
    assert any("older version" in p for p in report.problems)
    assert _provider_plan(provider, on_provider.id).warning_signs == "Version two"
    # The old bytes relabelled as a newer version: the signature binds the version.
    put_relay_item(relay, slot, 5, version_one[1])
    provider.sync()
    assert _provider_plan(provider, on_provider.id).warning_signs == "Version two"


def test_unshared_items_never_reach_the_relay_or_the_provider(provider, user, relay):
    on_provider, on_user = pair(provider, user)
    secret_goal = add_goal(user, "SECRET-GOAL-TITLE-7f3a")
    shared_goal = add_goal(user, "SHARED-GOAL-TITLE-91bc")
    write_crisis_plan(user, "PLAN-TEXT-NEVER-SHARED-44d1")
    sharing(user).share("goals", shared_goal.id, on_user.id)
    user.sync()
    provider.sync()

    toolbox = sharing(provider).view(on_provider.id)
    assert [g.title for g in toolbox.goals.list()] == ["SHARED-GOAL-TITLE-91bc"]
    assert toolbox.crisis_plan.get().warning_signs == ""
    received = SharingRepository(provider.vault).received(on_provider.id)
    assert len(received) == 1 and "SECRET" not in (received[0].snapshot or "")
    assert secret_goal.id != shared_goal.id

    stored = relay_bytes(relay)
    for marker in (b"SECRET-GOAL-TITLE-7f3a", b"SHARED-GOAL-TITLE-91bc",
                   b"PLAN-TEXT-NEVER-SHARED-44d1", user.vault.profile().name.encode()):
        assert marker not in stored


def test_the_received_view_refuses_writes(provider, user, relay):
    on_provider, on_user = pair(provider, user)
    goal = add_goal(user, "Cook once a week")
    sharing(user).share("goals", None, on_user.id)
    user.sync()
    provider.sync()
    toolbox = sharing(provider).view(on_provider.id)
    assert [g.title for g in toolbox.goals.list()] == ["Cook once a week"]
    with pytest.raises(ReadOnlyItem):
        toolbox.goals.delete(toolbox.goals.list()[0].id)
    assert goal.title == "Cook once a week"


def _propose_and_accept(proposer, accepter, proposer_id: int, accepter_id: int, terms) -> None:
    Agreements(proposer.vault).propose(proposer_id, terms)
    proposer.sync()
    accepter.sync()
    Agreements(accepter.vault).accept(accepter_id)
    accepter.sync()
    proposer.sync()


def _seen_shown(user) -> bool:
    [entry] = sharing(user).entries()
    return entry.seen_at is not None or "seen" in sharing(user).who_can_see_line("crisis-plan")


def test_view_receipts_follow_the_agreement(provider, user, relay):
    """Sent by the provider's vault and shown by the user's only while the accepted agreement
    says ``view_receipts: true``; none without an agreement; and a receipt stored under an
    earlier agreement is not shown once the current one says off."""
    on_provider, on_user = pair(provider, user)
    write_crisis_plan(user, "Warning")
    sharing(user).share("crisis-plan", None, on_user.id)
    user.sync()
    provider.sync()
    # no agreement: the template's default (off) holds, nothing is queued
    assert not sharing(provider).view_receipts_on(on_provider.id)
    sharing(provider).record_view(on_provider.id, "crisis-plan")
    assert provider.dyads.undelivered(on_provider.id) == 0
    provider.sync()
    user.sync()
    assert not _seen_shown(user)

    _propose_and_accept(user, provider, on_user.id, on_provider.id,
                        {**TERMS, "view_receipts": True})
    assert sharing(provider).view_receipts_on(on_provider.id)
    sharing(provider).record_view(on_provider.id, "crisis-plan")
    provider.sync()
    user.sync()
    first_seen = sharing(user).entries()[0].seen_at
    assert first_seen is not None
    assert "seen" in sharing(user).who_can_see_line("crisis-plan")

    _propose_and_accept(provider, user, on_provider.id, on_user.id,
                        {**TERMS, "view_receipts": False})
    assert not _seen_shown(user)  # stored before, not shown now
    assert not sharing(provider).view_receipts_on(on_provider.id)
    sharing(provider).record_view(on_provider.id, "crisis-plan")
    assert provider.dyads.undelivered(on_provider.id) == 0
    # a provider vault that sends one anyway (an old version): the user's vault drops it
    slot = SharingRepository(provider.vault).received(on_provider.id)[0].slot_id
    provider.dyads.send_control(on_provider.id, "share-viewed",
                                {"slots": [slot], "at": datetime.now(UTC).isoformat()})
    provider.sync()
    user.sync()
    assert not _seen_shown(user)
    _propose_and_accept(user, provider, on_user.id, on_provider.id,
                        {**TERMS, "view_receipts": True})
    assert sharing(user).entries()[0].seen_at == first_seen


def test_sharing_pauses_after_a_key_change_until_verified(provider, user, relay):
    on_provider, on_user = pair(provider, user)
    DyadRepository(user.vault)  # the flag is set the way a key change sets it
    with user.vault.transaction() as conn:
        conn.execute("UPDATE partners SET key_changed = 1, verified = 0 WHERE id = ?",
                     (on_user.id,))
    share = sharing(user)
    [partner] = share.partners()
    assert not partner.can_share and "safety number" in partner.reason
    with pytest.raises(ReconnectError, match="paused"):
        share.share("crisis-plan", None, on_user.id)
    user.dyads.verify(on_user.id)
    assert share.partners()[0].can_share
    share.share("crisis-plan", None, on_user.id)
    user.sync()
    provider.sync()
    assert sharing(provider).shared_with_me()


def test_wrong_module_item_or_role(provider, user, relay):
    _on_provider, on_user = pair(provider, user)
    with pytest.raises(NotFound):
        sharing(user).share("calendar", None, on_user.id)
    with pytest.raises(NotFound):
        sharing(user).share("goals", 999, on_user.id)
    with pytest.raises(NotFound):
        sharing(user).share("crisis-plan", 1, on_user.id)
    with pytest.raises(NotFound):
        sharing(user).revoke("goals", None, on_user.id)
    with pytest.raises(ReconnectError):
        sharing(provider).share("goals", None, 1)


def test_a_module_too_large_to_share_is_reported_and_the_rest_goes_on(provider, user, relay):
    import secrets

    from reconnect_tui.model import DiaryEntry
    from reconnect_tui.store import Toolbox

    on_provider, on_user = pair(provider, user)
    diary = Toolbox(user.vault).diary
    for _ in range(12):  # random text hardly compresses: ~400 KB, over the largest bucket
        diary.add(DiaryEntry(secrets.token_urlsafe(33_000), datetime.now(UTC)))
    write_crisis_plan(user, "Still published")
    share = sharing(user)
    share.share("diary", None, on_user.id)
    share.share("crisis-plan", None, on_user.id)
    report = user.sync()
    assert any("too large to share" in p for p in report.problems)
    provider.sync()
    assert _provider_plan(provider, on_provider.id).warning_signs == "Still published"
    assert [i.module for i in sharing(provider).shared_with_me()[0].items] == ["crisis-plan"]


def test_an_edit_during_publishing_never_puts_one_item_in_anothers_share(provider, user, relay):
    """Publishing reads the module once and picks each shared item from it: an item deleted
    meanwhile (the app writes while a sync runs) must not shift another item into a share."""
    from dataclasses import replace

    from reconnect_tui.model import Medication
    from reconnect_tui.store import Toolbox
    from reconnect_tui.sync.service import connect

    on_provider, on_user = pair(provider, user)
    medications = Toolbox(user.vault).medications
    first, second, third = (medications.add(Medication(name=n))
                            for n in ("Aripiprazole", "Lithium", "Sertraline"))
    for medication in (second, third):
        sharing(user).share("medications", medication.id, on_user.id)
    user.sync()
    provider.sync()
    for medication in (second, third):  # an edit each: the next publish puts both again
        medications.update(replace(medication, dose="10 mg"))

    class EditingRelay:
        """The real relay client; the user deletes a medication while the first item goes."""

        def __init__(self, client) -> None:
            self.client = client
            self.get_item = client.get_item
            self.delete_item = client.delete_item

        def put_item(self, slot: str, version: int, blob: bytes) -> bool:
            if first.id in {m.id for m in medications.list()}:
                medications.delete(first.id)
            return self.client.put_item(slot, version, blob)

    with connect(user.vault, relay.url) as engine:
        assert sharing(user).publish(EditingRelay(engine.relay)).published == 2
    provider.sync()
    shown = sharing(provider).view(on_provider.id).medications.list()
    assert sorted((m.name, m.dose) for m in shown) == [("Lithium", "10 mg"),
                                                      ("Sertraline", "10 mg")]


def test_a_held_back_older_manifest_cannot_bring_a_revoked_item_back(provider, user, relay):
    """A relay can hold back a manifest and deliver it after a newer one (Olm opens skipped
    messages), and serve the old bytes it kept: a manifest of an older key epoch is not
    applied, so a revoked item stays out of the provider's view."""
    from reconnect_tui.model import Role
    from reconnect_tui.sync import share_inbound


    on_provider, on_user = pair(provider, user)
    goal = add_goal(user, "Walk to the lake")
    sharing(user).share("goals", goal.id, on_user.id)
    user.sync()
    provider.sync()
    slot = _slot(user, on_user.id, "goals", goal.id)
    kept = relay_item(relay, slot)
    sharing(user).revoke("goals", goal.id, on_user.id)
    user.sync()
    provider.sync()
    assert sharing(provider).shared_with_me() == []

    repo = SharingRepository(provider.vault)
    old_manifest = {"epoch": 1, "seq": 1,
                    "key": wire.b64encode(repo.keys(on_provider.id)[1]),
                    "slots": [{"slot": slot, "module": "goals", "item_id": goal.id,
                               "title": "Walk to the lake"}]}
    write = share_inbound.inbound(repo, DyadRepository(provider.vault).partner(on_provider.id),
                                  Role.PROVIDER, "share-manifest", old_manifest,
                                  datetime.now(UTC))
    with provider.vault.transaction() as conn:
        write(conn)
    put_relay_item(relay, slot, *kept)
    provider.sync()
    assert sharing(provider).shared_with_me() == []
    assert repo.received(on_provider.id) == []


def test_manifests_delivered_out_of_order_keep_the_newest(provider, user, relay):
    """Two shares in a row are two manifests; a relay that delivers the second before the first
    (Olm opens skipped messages) must not make the provider drop the second share."""
    from reconnect_tui.sync.dyads import Dyads
    from reconnect_tui.sync.service import connect

    on_provider, on_user = pair(provider, user)
    write_crisis_plan(user, "Shared first")
    goal = add_goal(user, "Shared second")
    sharing(user).share("crisis-plan", None, on_user.id)
    sharing(user).share("goals", goal.id, on_user.id)
    user.sync()
    with connect(provider.vault, provider.relay_url) as engine:
        engine.sync()
        with provider.vault.transaction() as conn:  # the relay's order, reversed
            conn.execute("UPDATE inbox SET seq = -seq WHERE processed = 0")
        Dyads(provider.vault).process_inbox()
    provider.sync()
    [person] = sharing(provider).shared_with_me()
    assert sorted(i.module for i in person.items) == ["crisis-plan", "goals"]
