"""A shared section that breaks the portable format is refused or "could not be opened", never a
crash (issue 13: a crisis plan whose updated_at was "garbage" broke the provider's view)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from reconnect_tui.cli import app
from reconnect_tui.errors import ImportRefused
from reconnect_tui.store.repositories.sharing import SharingRepository
from tests.dyads.dyad_helpers import pair
from tests.sharing.sharing_helpers import sharing, write_crisis_plan
from tests.support.vaults import PASSPHRASE


def test_a_plan_with_a_garbage_time_is_refused_on_arrival(provider, user, relay):
    on_provider, on_user = pair(provider, user)
    write_crisis_plan(user, "Pacing at night")
    with user.vault.transaction() as conn:  # what an import accepted before issue 13
        conn.execute("UPDATE crisis_plan SET updated_at = 'garbage' WHERE id = 1")
    sharing(user).share("crisis-plan", None, on_user.id)
    user.sync()
    report = provider.sync()
    assert "A shared item was not well formed." in report.problems
    assert sharing(provider).shared_with_me() == []
    assert sharing(provider).view(on_provider.id).crisis_plan.get().warning_signs == ""


def test_a_stored_snapshot_that_breaks_the_format_could_not_be_opened(provider, user, relay):
    on_provider, on_user = pair(provider, user)
    write_crisis_plan(user, "Pacing at night")
    sharing(user).share("crisis-plan", None, on_user.id)
    user.sync()
    provider.sync()
    assert sharing(provider).view(on_provider.id).crisis_plan.get().warning_signs
    # As a version before issue 13 could have stored it:
    bad = json.dumps({"crisis_plan": {"updated_at": "garbage", "helpers": "Mum"}})
    with provider.vault.transaction() as conn:
        conn.execute("UPDATE received_items SET snapshot = ?", (bad,))
    assert SharingRepository(provider.vault).received(on_provider.id)[0].snapshot == bad

    with pytest.raises(ImportRefused, match="could not be opened") as caught:
        sharing(provider).view(on_provider.id)
    assert "crisis_plan.updated_at: not a date and time" in str(caught.value)
    assert "crisis_plan.helpers: not a list" in str(caught.value)

    name = user.vault.profile().name
    result = CliRunner().invoke(
        app, ["shared", "show", name, "crisis-plan", "--vault", str(provider.path)],
        env={"RECONNECT_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 1, result.output
    assert "could not be opened" in result.stderr and "Traceback" not in result.output
