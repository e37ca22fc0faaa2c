"""`reconnect forum …` with CliRunner, real vaults and a real relay: the scripting contract."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from reconnect_tui.cli import app
from tests.support.vaults import PASSPHRASE

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), env={"RECONNECT_PASSPHRASE": PASSPHRASE})


def ok(*args: str):
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def test_create_invite_join_post_list_hide_report_remove(people, relay) -> None:
    for person in people:
        person.vault.close()
    mod, birch, fjord, _heron = (str(p.path) for p in people)
    created = ok("forum", "create", "Tuesday circle", "--as", "Mod", "--vault", mod)
    assert "moderator" in created.stdout
    for vault, pseudonym in ((birch, "Birch"), (fjord, "Fjord")):
        invited = ok("forum", "invite", "Tuesday circle", "--json", "--relay", relay.url,
                     "--vault", mod)
        code = json.loads(invited.stdout)["code"]
        assert set(json.loads(invited.stdout)) == {"code"}
        joined = ok("--vault", vault, "forum", "join", code, "--as", pseudonym, "--relay",
                    relay.url)
        assert "Joining Tuesday circle as " + pseudonym in joined.stdout
        ok("sync", "--vault", mod)
        ok("sync", "--vault", vault)
    for vault in (birch, mod, fjord, birch):
        ok("sync", "--vault", vault)
    members = json.loads(ok("forum", "members", "tuesday circle", "--json", "--vault",
                            fjord).stdout)
    assert [m["pseudonym"] for m in members] == ["Mod", "Birch", "Fjord"]

    posted = ok("forum", "post", "Tuesday circle", "Mornings are hard", "--json", "--vault",
                birch)
    first = json.loads(posted.stdout)
    assert first["author"] == "Birch" and first["thread"] == first["id"]
    ok("sync", "--vault", fjord)
    reply = json.loads(ok("forum", "post", "Tuesday circle", "A walk helps", "--thread",
                          first["id"], "--json", "--vault", fjord).stdout)
    assert reply["thread"] == first["id"]
    for vault in (mod, birch):
        ok("sync", "--vault", vault)
    listed = json.loads(ok("forum", "list", "Tuesday circle", "--json", "--vault", mod).stdout)
    assert [(p["author"], p["text"], p["thread"]) for p in listed] == [
        ("Birch", "Mornings are hard", first["id"]), ("Fjord", "A walk helps", first["id"])]
    assert {"id", "time", "hidden", "pinned"} <= set(listed[0])
    plain = ok("forum", "list", "Tuesday circle", "--vault", birch)
    assert "Mornings are hard" in plain.stdout and "    " in plain.stdout  # a reply, indented

    ok("forum", "report", "Tuesday circle", reply["id"], "--reason", "Off topic", "--vault",
       birch)
    ok("sync", "--vault", mod)
    [report] = json.loads(ok("forum", "reports", "Tuesday circle", "--json", "--vault",
                             mod).stdout)
    assert report["reporter"] == "Birch" and report["post_text"] == "A walk helps"
    ok("forum", "hide", "Tuesday circle", reply["id"], "--reason", "Off topic", "--vault", mod)
    ok("sync", "--vault", birch)
    hidden = json.loads(ok("forum", "list", "Tuesday circle", "--json", "--vault",
                           birch).stdout)[1]
    assert hidden["hidden"] is True and hidden["text"] == ""

    ok("forum", "remove", "Tuesday circle", "Fjord", "--vault", mod)
    ok("sync", "--vault", fjord)
    [summary] = json.loads(ok("forum", "forums", "--json", "--vault", fjord).stdout)
    assert summary["removed"] is True
    refused = run("forum", "post", "Tuesday circle", "Still here?", "--vault", fjord)
    assert refused.exit_code == 1 and "removed" in refused.stderr
    assert "Traceback" not in refused.output


def test_cli_refusals(people, relay) -> None:
    for person in people:
        person.vault.close()
    mod, birch = str(people[0].path), str(people[1].path)
    missing = run("forum", "list", "Nowhere", "--vault", mod)
    assert missing.exit_code == 1 and "in no forum yet" in missing.stderr
    ok("forum", "create", "Tuesday circle", "--vault", mod)
    wrong = run("forum", "join", "ZZZZ-ZZZZ-ZZZZ", "--as", "Birch", "--vault", birch,
                "--relay", relay.url)
    assert wrong.exit_code == 1 and "No forum invitation" in wrong.stderr
    no_pseudonym = run("forum", "join", "ZZZZ-ZZZZ-ZZZZ", "--vault", birch)
    assert no_pseudonym.exit_code == 2
    not_mod = run("forum", "create", "Other", "--as", "Kari", "--vault", birch)
    assert not_mod.exit_code == 1 and "never your name" in not_mod.stderr
    unknown = run("forum", "remove", "Tuesday circle", "Nobody", "--vault", mod)
    assert unknown.exit_code == 1 and "No member named Nobody" in unknown.stderr
    empty = run("forum", "post", "Tuesday circle", "   ", "--vault", mod)
    assert empty.exit_code == 1 and "empty" in empty.stderr
