"""`reconnect agreement show|propose|accept` with CliRunner, real vaults and a real relay."""

from __future__ import annotations

import json

from tests.dyads.dyad_helpers import close, pair, run


def test_agreement_on_the_command_line(provider, user, relay, tmp_path) -> None:
    pair(provider, user)
    close(provider, user)
    p, u = str(provider.path), str(user.path)
    shown = run("agreement", "show", "Kari Nordmann", "--json", "--vault", p)
    assert shown.exit_code == 0, shown.output
    none = json.loads(shown.stdout)
    assert (none["status"], none["version"], none["proposed_by"], none["terms"]) == (
        "none", None, None, None)
    terms = {**none["template"], "notes": "Vi prøver dette"}
    file = tmp_path / "terms.json"
    file.write_text(json.dumps({"terms": terms}), encoding="utf-8")
    proposed = run("agreement", "propose", "Kari Nordmann", "--file", str(file), "--vault", p,
                   "--relay", relay.url)
    assert proposed.exit_code == 0, proposed.output
    assert run("sync", "--vault", u, "--relay", relay.url).exit_code == 0
    seen = json.loads(run("agreement", "show", "Dr Lind", "--json", "--vault", u).stdout)
    assert seen["status"] == "proposed" and seen["proposed_by"] == "Dr Lind"
    assert seen["version"] == 1 and seen["terms"] == terms
    accepted = run("agreement", "accept", "Dr Lind", "--vault", u)
    assert accepted.exit_code == 0, accepted.output
    assert run("sync", "--vault", p).exit_code == 0
    final = json.loads(run("agreement", "show", "Kari Nordmann", "--json", "--vault", p).stdout)
    assert final["status"] == "accepted" and final["signatures"]["accepter"]
    assert final["review_on"] == terms["review_on"] and len(final["history"]) == 1
    plain = run("agreement", "show", "Kari Nordmann", "--vault", p)
    assert "Accepted" in plain.stdout and "Vi prøver dette" in plain.stdout


def test_agreement_cli_refusals(provider, user, tmp_path) -> None:
    pair(provider, user)
    close(provider, user)
    p = str(provider.path)
    missing = run("agreement", "propose", "Kari Nordmann", "--file", str(tmp_path / "no.json"),
                  "--vault", p)
    assert missing.exit_code == 2 and "Cannot read" in missing.stderr
    file = tmp_path / "bad.json"
    file.write_text("{not json", encoding="utf-8")
    assert run("agreement", "propose", "Kari Nordmann", "--file", str(file),
               "--vault", p).exit_code == 2
    file.write_text(json.dumps({"terms": {"answer_within_working_days": 2,
                                          "working_hours": "16:00-08:00", "notes": ""}}))
    bad = run("agreement", "propose", "Kari Nordmann", "--file", str(file), "--vault", p)
    assert bad.exit_code == 1 and "working_hours" in bad.stderr and "Traceback" not in bad.output
    nothing = run("agreement", "accept", "Kari Nordmann", "--vault", p)
    assert nothing.exit_code == 1 and "no proposed agreement" in nothing.stderr
    assert run("agreement", "show", "Nobody", "--vault", p).exit_code == 1
