"""`reconnect share …` and `reconnect shared …`: the scripted contract, real vaults and relay."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from reconnect_tui.cli import app
from reconnect_tui.sync.agreements import Agreements
from tests.dyads.dyad_helpers import TERMS, pair
from tests.sharing.sharing_helpers import add_goal, write_crisis_plan
from tests.support.vaults import PASSPHRASE

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), env={"RECONNECT_PASSPHRASE": PASSPHRASE})


def test_share_and_shared_on_the_command_line(provider, user, relay) -> None:
    on_provider, on_user = pair(provider, user)
    # view receipts are agreed on (without that, none are sent: docs/sharing.md)
    Agreements(provider.vault).propose(on_provider.id, {**TERMS, "view_receipts": True})
    provider.sync()
    user.sync()
    Agreements(user.vault).accept(on_user.id)
    user.sync()
    provider.sync()
    write_crisis_plan(user, "Pacing at night")
    goal = add_goal(user, "Swim on Sundays")
    add_goal(user, "Never shared goal")
    provider.vault.close()
    user.vault.close()
    u, p = str(user.path), str(provider.path)

    items = run("share", "items", "goals", "--json", "--vault", u)
    assert items.exit_code == 0, items.output
    assert {"id": goal.id, "title": "Swim on Sundays"} in json.loads(items.stdout)

    added = run("share", "add", "crisis-plan", "--with", "Dr Lind", "--vault", u)
    assert added.exit_code == 0, added.output
    assert "shared with Dr Lind" in added.stderr and "at the next sync" in added.stderr
    # Given a relay (kept in the vault from then on), it is published at once.
    assert run("sync", "--vault", u, "--relay", relay.url).exit_code == 0
    assert run("sync", "--vault", p, "--relay", relay.url).exit_code == 0
    added = run("share", "add", "goals", "--item", str(goal.id), "--with", "Dr Lind",
                "--vault", u, "--json")
    assert added.exit_code == 0, added.output
    [entry] = json.loads(added.stdout)
    assert entry["module"] == "goals" and entry["item_id"] == goal.id
    assert entry["with"] == "Dr Lind" and entry["version"] == 1

    listed = json.loads(run("share", "list", "--json", "--vault", u).stdout)
    assert [(e["module"], e["item_id"], e["title"]) for e in listed] == [
        ("goals", goal.id, "Swim on Sundays"), ("crisis-plan", None, "Crisis plan")]
    assert set(listed[0]) >= {"with", "module", "item_id", "title", "version", "seen_at",
                              "paused", "shared_at", "published_at"}

    assert run("sync", "--vault", p).exit_code == 0
    people = json.loads(run("shared", "list", "--json", "--vault", p).stdout)
    assert [person["name"] for person in people] == ["Kari Nordmann"]
    assert sorted(i["module"] for i in people[0]["items"]) == ["crisis-plan", "goals"]

    shown = run("shared", "show", "Kari Nordmann", "crisis-plan", "--vault", p)
    assert shown.exit_code == 0, shown.output
    assert "Pacing at night" in shown.stdout and "read only" in shown.stdout
    shown = run("shared", "show", "Kari Nordmann", "goals", "--json", "--vault", p)
    data = json.loads(shown.stdout)
    assert data["read_only"] is True and data["module"] == "goals"
    assert [g["title"] for g in data["content"]["goals"]] == ["Swim on Sundays"]
    missing = run("shared", "show", "Kari Nordmann", "diary", "--vault", p)
    assert missing.exit_code == 1 and "does not share" in missing.stderr

    # The view receipt travels back at the next syncs.
    assert run("sync", "--vault", p).exit_code == 0
    assert run("sync", "--vault", u).exit_code == 0
    seen = json.loads(run("share", "list", "--json", "--vault", u).stdout)
    assert all(e["seen_at"] for e in seen)

    revoked = run("share", "revoke", "crisis-plan", "--with", "Dr Lind", "--vault", u)
    assert revoked.exit_code == 0, revoked.output
    assert "cannot be taken back" in revoked.stderr
    assert run("sync", "--vault", p).exit_code == 0
    people = json.loads(run("shared", "list", "--json", "--vault", p).stdout)
    assert [i["module"] for i in people[0]["items"]] == ["goals"]


def test_share_refusals(provider, user, relay) -> None:
    pair(provider, user)
    provider.vault.close()
    user.vault.close()
    u, p = str(user.path), str(provider.path)
    wrong = run("share", "add", "calendar", "--with", "Dr Lind", "--vault", u)
    assert wrong.exit_code == 1 and "No module called calendar" in wrong.stderr
    nobody = run("share", "add", "goals", "--with", "Dr Nobody", "--vault", u)
    assert nobody.exit_code == 1 and "No partner named Dr Nobody" in nobody.stderr
    no_item = run("share", "add", "goals", "--item", "4242", "--with", "Dr Lind", "--vault", u)
    assert no_item.exit_code == 1 and "4242" in no_item.stderr
    not_shared = run("share", "revoke", "diary", "--with", "Dr Lind", "--vault", u)
    assert not_shared.exit_code == 1 and "not shared" in not_shared.stderr
    provider_shares = run("share", "add", "goals", "--with", "Kari Nordmann", "--vault", p)
    assert provider_shares.exit_code == 1 and "Traceback" not in provider_shares.output
    empty = run("shared", "list", "--vault", p)
    assert empty.exit_code == 0 and "Nothing is shared" in empty.stderr
    nothing = run("share", "list", "--vault", u)
    assert nothing.exit_code == 0 and "only you" in nothing.stderr
