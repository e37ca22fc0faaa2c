"""`reconnect export all` version 2 (issue 15): a paired dyad's messages, agreement versions
(with a decline), check-ins and feedback, and a forum's posts are in the file; `reconnect
import` reads version 2 (as readable history: no session comes back from a file) and the
version 1 fixture, and the file says it is not encrypted and where it went."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from reconnect_tui.store import portable
from reconnect_tui.sync.agreements import Agreements
from reconnect_tui.sync.forum import Forums
from reconnect_tui.text_safety import is_terminal_safe
from tests.dyads.dyad_helpers import TERMS, Person, close, pair, run
from tests.support.vaults import copy_vault

V1_FIXTURE = Path(__file__).parent.parent / "store" / "data" / "export-v1.json"
HOSTILE = "Hei\x1b]0;pwned\x07 der"


def conversation(provider: Person, user: Person) -> None:
    """Messages both ways, an agreement accepted and a change declined, a check-in answered,
    feedback, and a forum post of the user's."""
    on_provider, on_user = pair(provider, user)
    provider.dyads.send(on_provider.id, "Hvordan går det med søvnen?")
    p, u = Agreements(provider.vault), Agreements(user.vault)
    p.propose(on_provider.id, TERMS)
    schedule = p.schedule_checkin(on_provider.id, "Hvordan har uka vært?")
    p.send_checkin(schedule)
    provider.sync()
    user.sync()
    user.dyads.send(on_user.id, "Litt bedre, takk.")
    u.accept(on_user.id)
    [asked] = u.open_checkins()
    u.answer_checkin(on_user.id, asked.checkin_id, overall=6, line="Ok uke")
    u.give_feedback(on_user.id, {"heard": 8, "matters": 7, "way": 9, "overall": 8})
    user.sync()
    provider.sync()
    p.propose(on_provider.id, {**TERMS, "answer_within_working_days": 5})
    provider.sync()
    user.sync()
    u.decline(on_user.id, "Fem dager er for lenge.")
    user.sync()
    provider.sync()
    forums = Forums(user.vault)
    summary = forums.membership.create("Tirsdagsgruppa", "Blåbær")
    forums.posting.post(summary.id, "Hei alle sammen")


def test_export_all_v2_holds_the_dyads_and_forums(provider, user, tmp_path) -> None:
    conversation(provider, user)
    close(provider, user)
    out = tmp_path / "alt.json"
    result = run("export", "all", "-o", str(out), "--vault", str(user.path))
    assert result.exit_code == 0, result.output
    assert "not encrypted" in result.stderr and str(out) in result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == ("reconnect-export", 2)
    [dyad] = data["dyads"]
    assert (dyad["partner"], dyad["partner_role"]) == ("Dr Lind", "provider")
    assert [(m["outgoing"], m["text"]) for m in dyad["messages"]] == [
        (False, "Hvordan går det med søvnen?"), (True, "Litt bedre, takk.")]
    assert [(a["version"], a["accepted_at"] is not None, a["declined_by_me"])
            for a in dyad["agreements"]] == [(1, True, False), (2, False, True)]
    assert dyad["agreements"][0]["terms"]["notes"] == TERMS["notes"]
    assert dyad["agreements"][1]["decline_reason"] == "Fem dager er for lenge."
    assert dyad["agreements"][0]["accepter_signature"]
    [checkin] = dyad["checkins"]
    assert (checkin["question"], checkin["overall"], checkin["line"]) == (
        "Hvordan har uka vært?", 6, "Ok uke")
    [feedback] = dyad["feedback"]
    assert feedback["from_me"] and feedback["scores"]["way"] == 9
    [forum] = data["forums"]
    assert (forum["name"], forum["pseudonym"]) == ("Tirsdagsgruppa", "Blåbær")
    assert [(p["author"], p["text"], p["own"]) for p in forum["posts"]] == [
        ("Blåbær", "Hei alle sammen", True)]
    # the provider's side of the same dyad
    theirs = run("export", "all", "-o", "-", "--vault", str(provider.path))
    assert theirs.exit_code == 0 and "standard output" in theirs.stderr
    [their_dyad] = json.loads(theirs.stdout)["dyads"]
    assert their_dyad["partner"] == "Kari Nordmann"
    assert [m["text"] for m in their_dyad["messages"]] == [
        m["text"] for m in dyad["messages"]]
    assert len(their_dyad["checkins"]) == 1 and their_dyad["checkins"][0]["asked_by_me"]


def test_import_v2_restores_them_as_readable_history(provider, user, user_template,
                                                     tmp_path) -> None:
    conversation(provider, user)
    close(provider, user)
    first = run("export", "all", "--vault", str(user.path))
    assert first.exit_code == 0, first.output
    file = tmp_path / "alt.json"
    file.write_text(first.stdout, encoding="utf-8")
    fresh = copy_vault(user_template, tmp_path / "fresh")
    imported = run("import", str(file), "--vault", str(fresh))
    assert imported.exit_code == 0, imported.output
    assert "dyads" in imported.stdout and "forums" in imported.stdout
    again = run("export", "all", "--vault", str(fresh))
    assert again.stdout == first.stdout  # the same bytes: nothing lost or changed
    shown = run("message", "history", "--vault", str(fresh))
    assert shown.exit_code == 0, shown.output
    assert "Conversation with Dr Lind (imported, read only)" in shown.stdout
    assert "Dr Lind: Hvordan går det med søvnen?" in shown.stdout
    assert "you: Litt bedre, takk." in shown.stdout
    assert "Forum Tirsdagsgruppa, where you were Blåbær" in shown.stdout
    as_json = json.loads(run("message", "history", "--json", "--vault", str(fresh)).stdout)
    assert [(e["kind"], e["name"]) for e in as_json] == [
        ("dyad", "Dr Lind"), ("forum", "Tirsdagsgruppa")]
    assert as_json[0]["agreements"][1]["decline_reason"] == "Fem dager er for lenge."
    assert as_json[0]["checkins"][0]["overall"] == 6
    only = json.loads(run("message", "history", "--with", "Dr Lind", "--json",
                          "--vault", str(fresh)).stdout)
    assert len(only) == 1
    # into the vault it came from (--replace): its own live conversation is not doubled
    back = run("import", str(file), "--replace", "--vault", str(user.path))
    assert back.exit_code == 0, back.output
    twice = json.loads(run("export", "all", "--vault", str(user.path)).stdout)
    assert len(twice["dyads"]) == 1 and len(twice["forums"]) == 1
    # an older conversation with someone of the same name is history of its own, not skipped
    older = {"format": "reconnect-export", "version": 2, "dyads": [{
        "partner": "Dr Lind", "partner_role": "provider", "agreements": [{
            "version": 1, "terms": {"notes": "fra før"}, "proposed_by_me": True,
            "proposed_at": "2025-01-01T09:00:00+00:00", "proposer_signature": "eldre"}]}]}
    file.write_text(json.dumps(older), encoding="utf-8")
    assert run("import", str(file), "--replace", "--vault", str(user.path)).exit_code == 0
    dyads = json.loads(run("export", "all", "--vault", str(user.path)).stdout)["dyads"]
    assert [d["partner"] for d in dyads] == ["Dr Lind", "Dr Lind"]
    assert dyads[1]["agreements"][0]["terms"] == {"notes": "fra før"}


def test_import_v1_fixture_and_refusals(user_template, tmp_path) -> None:
    fresh = copy_vault(user_template, tmp_path / "fresh")
    file = tmp_path / "v1.json"
    shutil.copy(V1_FIXTURE, file)
    imported = run("import", str(file), "--vault", str(fresh))
    assert imported.exit_code == 0, imported.output
    data = json.loads(run("export", "all", "--vault", str(fresh)).stdout)
    assert data["version"] == 2 and data["dyads"] == [] and data["forums"] == []
    assert data["what_matters"] == "Familien og naturen"
    assert data["goals"][0]["life_domain"] == "Helse"
    assert data["crisis_plan"]["helpers"][0]["from_network"] is True
    v1 = json.loads(V1_FIXTURE.read_text(encoding="utf-8"))
    assert portable.parse(V1_FIXTURE.read_text(encoding="utf-8"))["version"] == 1
    file.write_text(json.dumps({**v1, "dyads": []}), encoding="utf-8")
    refused = run("import", str(file), "--replace", "--vault", str(fresh))
    assert refused.exit_code == 1 and "not in a version 1 file" in refused.stderr


def test_hostile_text_in_an_imported_conversation_is_cleaned(user_template, tmp_path) -> None:
    document = {"format": "reconnect-export", "version": 2, "dyads": [{
        "partner": "Dr\x1b[2K Lind", "partner_role": "provider",
        "messages": [{"id": "m1", "outgoing": False, "text": HOSTILE,
                      "sent_at": "2026-11-30T09:00:00+00:00"}],
        "agreements": [{"version": 1, "terms": {"notes": HOSTILE}, "proposed_by_me": False,
                        "proposed_at": "2026-11-30T09:00:00+00:00", "declined_at":
                        "2026-11-30T10:00:00+00:00", "decline_reason": HOSTILE}]}]}
    file = tmp_path / "hostile.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    fresh = copy_vault(user_template, tmp_path / "fresh")
    assert run("import", str(file), "--vault", str(fresh)).exit_code == 0
    out = run("export", "all", "--vault", str(fresh)).stdout
    [dyad] = json.loads(out)["dyads"]
    assert dyad["messages"][0]["text"] == "Hei der"
    assert dyad["agreements"][0]["decline_reason"] == "Hei der"
    assert "\\u001b" not in out and "\x1b" not in out
    shown = run("message", "history", "--vault", str(fresh))
    assert "Dr Lind: Hei der" in shown.stdout and is_terminal_safe(shown.output)
    none = run("message", "history", "--vault", str(copy_vault(user_template, tmp_path / "e")))
    assert none.exit_code == 0 and "No imported conversations" in none.stderr
