"""`reconnect pair …`, `reconnect message …` and `reconnect sync` with CliRunner, real vaults
and a real relay."""

from __future__ import annotations

import json

from tests.dyads.dyad_helpers import close, run


def test_pair_message_and_sync_on_the_command_line(provider, user, relay) -> None:
    close(provider, user)
    p, u = str(provider.path), str(user.path)
    invited = run("pair", "invite", "--relay", relay.url, "--vault", p, "--json")
    assert invited.exit_code == 0, invited.output
    code = json.loads(invited.stdout)["code"]
    joined = run("--vault", u, "pair", "join", code, "--relay", relay.url)
    assert joined.exit_code == 0, joined.output
    assert "Joined Dr Lind" in joined.stdout and "Pairing completes" in joined.stderr
    assert run("sync", "--vault", p).exit_code == 0
    assert run("sync", "--vault", u).exit_code == 0

    listed = run("pair", "list", "--json", "--vault", u)
    assert listed.exit_code == 0, listed.output
    [dr] = json.loads(listed.stdout)
    assert dr["name"] == "Dr Lind" and dr["role"] == "provider" and dr["verified"] is False
    [kari] = json.loads(run("pair", "list", "--json", "--vault", p).stdout)
    assert kari["safety_number"] == dr["safety_number"] and kari["status"] == "paired"
    verified = run("pair", "verify", "Dr Lind", "--vault", u)
    assert verified.exit_code == 0 and "verified" in verified.stdout
    assert json.loads(run("pair", "list", "--json", "--vault", u).stdout)[0]["verified"] is True

    sent = run("message", "send", "--to", "Dr Lind", "Hei fra skriptet", "--vault", u)
    assert sent.exit_code == 0, sent.output
    assert run("sync", "--vault", p).exit_code == 0
    messages = run("message", "list", "--with", "Kari Nordmann", "--json", "--vault", p)
    assert messages.exit_code == 0, messages.output
    [received] = json.loads(messages.stdout)
    assert received["from"] == "Kari Nordmann" and received["text"] == "Hei fra skriptet"
    assert received["status"] == "unread" and received["sent_at"].endswith("+00:00")
    plain = run("message", "list", "--vault", u)
    assert "Hei fra skriptet" in plain.stdout and "(delivered)" in plain.stdout


def test_cli_refusals_and_wrong_codes(provider, user, relay) -> None:
    close(provider, user)
    p, u = str(provider.path), str(user.path)
    refused = run("pair", "invite", "--relay", relay.url, "--vault", u)
    assert refused.exit_code == 1 and "Only a provider" in refused.stderr
    code = json.loads(run("pair", "invite", "--relay", relay.url, "--vault", p, "--json")
                      .stdout)["code"]
    not_here = run("pair", "join", code, "--vault", p, "--relay", relay.url)
    assert not_here.exit_code == 1 and "cannot join" in not_here.stderr
    wrong = run("pair", "join", "ZZZZ-ZZZZ-ZZZZ", "--vault", u, "--relay", relay.url)
    assert wrong.exit_code == 1 and "No invitation with this code" in wrong.stderr
    assert "Traceback" not in wrong.output
    nobody = run("message", "send", "--to", "Nobody", "hei", "--vault", u)
    assert nobody.exit_code == 1 and "not paired with anyone" in nobody.stderr
    unknown = run("pair", "verify", "Nobody", "--vault", u)
    assert unknown.exit_code == 1
    assert json.loads(run("pair", "list", "--json", "--vault", u).stdout) == []
    missing = run("message", "send", "hei", "--vault", u)
    assert missing.exit_code == 2


def test_message_list_marks_read_and_sends_receipts_unless_told_not_to(provider, user,
                                                                      relay) -> None:
    """Issue 18: `message list` marks what it shows read and delivers the read receipts;
    `--no-mark-read` leaves it unread."""
    from tests.dyads.dyad_helpers import pair

    on_provider, on_user = pair(provider, user)
    user.dyads.send(on_user.id, "Hei igjen")
    user.sync()
    provider.sync()
    close(provider, user)
    p, u = str(provider.path), str(user.path)

    kept = run("message", "list", "--with", "Kari Nordmann", "--no-mark-read", "--json",
               "--vault", p)
    assert kept.exit_code == 0, kept.output
    assert [m["status"] for m in json.loads(kept.stdout)] == ["unread"]
    shown = run("message", "list", "--with", "Kari Nordmann", "--json", "--vault", p,
                "--relay", relay.url)
    assert [m["status"] for m in json.loads(shown.stdout)] == ["unread"]  # as it was shown
    again = run("message", "list", "--with", "Kari Nordmann", "--json", "--vault", p)
    assert [m["status"] for m in json.loads(again.stdout)] == ["read"]
    assert run("sync", "--vault", u, "--relay", relay.url).exit_code == 0
    mine = run("message", "list", "--with", "Dr Lind", "--json", "--vault", u)
    assert [m["status"] for m in json.loads(mine.stdout)] == ["read"]  # the receipt arrived
