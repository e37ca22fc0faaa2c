"""A long-lived ``Dyads`` keeps the session object it last pickled (issue 20: faster sends);
whatever else moved the stored session on, the next send starts from the stored state."""

from __future__ import annotations

import pytest

from reconnect_tui.store.repositories.dyads import DyadRepository
from reconnect_tui.sync.dyads import Dyads
from tests.dyads.dyad_helpers import pair


def stored_pickle(vault, partner_id: int) -> str:
    record = DyadRepository(vault).partner(partner_id)
    assert record is not None
    return record.session_pickle


def readable(person, partner_id: int) -> list[str]:
    return [m.text for m in Dyads(person.vault).conversation(partner_id)
            if not m.outgoing and m.status != "unverified"]


def test_sends_from_two_objects_and_a_rolled_back_one_all_decrypt(provider, user) -> None:
    on_provider, on_user = pair(provider, user)
    first, second = Dyads(user.vault), Dyads(user.vault)  # the app's and a second window's
    first.send(on_user.id, "one")
    second.send(on_user.id, "two")  # moved the stored session past first's kept copy
    first.send(on_user.id, "three")
    before = stored_pickle(user.vault, on_user.id)

    def fail(_conn) -> None:
        raise RuntimeError("after the encryption, before the commit")

    with pytest.raises(RuntimeError):
        first.send_control(on_user.id, "seen", {"ids": [], "answer_by": None}, fail)
    assert stored_pickle(user.vault, on_user.id) == before  # nothing of it was kept
    first.send(on_user.id, "four")  # from the stored state, not the advanced copy
    second.send(on_user.id, "five")
    first.send(on_user.id, "six")
    user.sync()
    provider.sync()
    assert readable(provider, on_provider.id) == ["one", "two", "three", "four", "five", "six"]
    assert [m.status for m in Dyads(provider.vault).conversation(on_provider.id)].count(
        "unverified") == 0


def test_a_message_received_in_between_does_not_stale_the_kept_session(provider,
                                                                        user) -> None:
    on_provider, on_user = pair(provider, user)
    mine = Dyads(user.vault)
    mine.send(on_user.id, "before")
    user.sync()
    provider.sync()
    Dyads(provider.vault).send(on_provider.id, "an answer")
    provider.sync()
    user.sync()  # decrypting the answer stored a new session pickle
    mine.send(on_user.id, "after")
    user.sync()
    provider.sync()
    assert readable(provider, on_provider.id) == ["before", "after"]
    assert readable(user, on_user.id) == ["an answer"]
