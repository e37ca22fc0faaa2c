"""A revocation is confirmed by the provider's vault inside Olm (``share-revoke-ack``); until it
is, the user is told it waits, and after a day, plainly, that it has not been confirmed
(issue 13: a relay withheld the new manifest and the provider kept seeing the revoked item
while the user had been told it would leave their view at their next sync)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from reconnect_tui.cli import app
from reconnect_tui.sync.sharing import Sharing, revocation_status
from tests.dyads.dyad_helpers import pair
from tests.relay_tamper import deliver_withheld, withhold_envelopes
from tests.sharing.sharing_helpers import sharing, write_crisis_plan
from tests.support.vaults import PASSPHRASE


def cli(*args: str):
    result = CliRunner().invoke(app, list(args), env={"RECONNECT_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output
    return result


def test_a_revocation_held_back_by_the_relay_waits_for_the_providers_vault(
        provider, user, relay) -> None:
    on_provider, on_user = pair(provider, user)
    write_crisis_plan(user, "Pacing at night")
    sharing(user).share("crisis-plan", None, on_user.id)
    user.sync()
    provider.sync()
    assert sharing(provider).shared_with_me()
    assert sharing(user).revocations() == []

    sharing(user).revoke("crisis-plan", None, on_user.id)
    user.sync()
    mailbox = provider.dyads.repo.partner(on_provider.id).inbound_mailbox
    held = withhold_envelopes(relay, mailbox)  # the relay holds the new manifest back
    assert held
    provider.sync()
    user.sync()

    assert sharing(provider).shared_with_me()  # the provider still sees it ...
    [waiting] = sharing(user).revocations()  # ... and the user is told it is not confirmed
    assert (waiting.state, waiting.title, waiting.confirmed_at) == ("waiting", "Crisis plan",
                                                                    None)
    assert revocation_status(waiting) == (
        "Waiting for Dr Lind's vault to confirm that it removed it.")
    a_day_later = waiting.revoked_at + timedelta(days=1, minutes=1)
    [late] = Sharing(user.vault, clock=lambda: a_day_later).revocations()
    assert late.state == "late"
    assert revocation_status(late).startswith("Dr Lind's vault has not confirmed yet")
    assert "may still see it" in revocation_status(late)
    [shown] = json.loads(cli("share", "revoked", "--json", "--vault", str(user.path)).stdout)
    assert (shown["with"], shown["module"], shown["state"], shown["confirmed_at"]) == (
        "Dr Lind", "crisis-plan", "waiting", None)
    assert json.loads(cli("share", "list", "--json", "--vault", str(user.path)).stdout) == []
    listed = cli("share", "list", "--vault", str(user.path)).stdout
    assert "Waiting for Dr Lind's vault to confirm that it removed it." in listed

    deliver_withheld(relay, mailbox, held)
    provider.sync()  # applies the manifest, answers with the acknowledgement
    assert sharing(provider).shared_with_me() == []
    user.sync()
    [confirmed] = sharing(user).revocations()
    assert confirmed.state == "confirmed" and confirmed.confirmed_at is not None
    assert "confirmed" in revocation_status(confirmed)
    two_days_later = datetime.now(UTC) + timedelta(days=2)
    assert Sharing(user.vault, clock=lambda: two_days_later).revocations() == []


def test_sharing_again_after_a_revocation_asks_for_no_new_confirmation(provider, user) -> None:
    on_provider, on_user = pair(provider, user)
    write_crisis_plan(user, "Pacing at night")
    sharing(user).share("crisis-plan", None, on_user.id)
    sharing(user).share("diary", None, on_user.id)
    user.sync()
    provider.sync()
    sharing(user).revoke("diary", None, on_user.id)
    user.sync()
    provider.sync()
    user.sync()
    assert [r.state for r in sharing(user).revocations()] == ["confirmed"]
    with provider.vault.read() as conn:
        before = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    sharing(user).share("medications", None, on_user.id)  # same epoch: nothing revoked
    user.sync()
    provider.sync()
    assert [i.module for i in sharing(provider).shared_with_me()[0].items] == [
        "crisis-plan", "medications"]
    with provider.vault.read() as conn:  # the provider's vault sent nothing back
        assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == before
